"""The optional config file (TOML): a [scan] table for the common options and one table per
provider, each validated by the same pydantic model as the command-line flags."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from scanner.cli_options import OptionsError
from scanner.findings import Severity

_EXECUTOR = re.compile(r"inline|local:[1-9][0-9]*|dask://[^/\s:]+:[0-9]{1,5}")
_SHARD = re.compile(r"([1-9][0-9]*)/([1-9][0-9]*)")


class ScanOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    out: str | Path = Field(
        Path("ztscan-report"), description="Directory the reports are written to, or s3://bucket/prefix/")
    formats: list[str] = Field(
        default_factory=lambda: ["html", "json"],
        description="Report formats to write",
        json_schema_extra={"flag": "--format"},
    )
    fail_on: Severity | None = Field(
        None, description="Exit 1 when a failing finding is at or above this severity"
    )
    waivers: Path | None = Field(None, description="YAML waiver file (accepted risks with owner and expiry)")
    compliance: list[str] = Field(
        default_factory=list, description="Frameworks to report pass rates for (default: all mapped)"
    )
    scan_date: str | None = Field(
        None, description="Evaluate date-based checks as of YYYY-MM-DD (default: today)",
        json_schema_extra={"cli": False},
    )

    # History, notifications (README: History, Notifications)
    store: str | None = Field(
        None, description="History store: a path or a database URL (default: ZTSCAN_STORE, else the per-user "
                          "data directory)")
    no_store: bool = Field(False, description="Write no history", json_schema_extra={"plain_flag": True})
    retain: str | None = Field(
        None, pattern=r"^[1-9][0-9]*d$", description="Prune scans older than this from the store, e.g. 180d")
    notify: list[str] = Field(
        default_factory=list, description="Apprise URL to send new failing findings to (slack://, json://...)")
    notify_on: Severity = Field(Severity.high, description="Notify about new failing findings at or above this")

    # Scaling (README: Scaling)
    executor: str = Field(
        "inline", description="Where shards run: inline, local:N (N processes) or dask://HOST:PORT (a Dask scheduler)")
    shard: str | None = Field(
        None, description="Run only shard K of N (K/N) and write shard-K-of-N.json for `ztscan merge`")

    @field_validator("executor")
    @classmethod
    def _known_executor(cls, value: str) -> str:
        if not _EXECUTOR.fullmatch(value):
            raise ValueError(f"{value!r} is not inline, local:N (N >= 1) or dask://HOST:PORT")
        return value

    @field_validator("shard")
    @classmethod
    def _shard_in_range(cls, value: str | None) -> str | None:
        found = _SHARD.fullmatch(value) if value is not None else None
        if value is not None and (found is None or int(found[1]) > int(found[2])):
            raise ValueError(f"{value!r} is not K/N with 1 <= K <= N")
        return value

    @property
    def shard_of(self) -> tuple[int, int] | None:
        if self.shard is None:
            return None
        k, n = self.shard.split("/")
        return int(k), int(n)

    @property
    def retain_days(self) -> int | None:
        return int(self.retain[:-1]) if self.retain else None


def load_config(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise OptionsError(f"cannot read config {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise OptionsError(f"config {path} is not valid TOML: {exc}") from exc
    for table, value in raw.items():
        if not isinstance(value, dict):
            raise OptionsError(f"config {path}: '{table}' must be a table ([{table}])")
    return raw
