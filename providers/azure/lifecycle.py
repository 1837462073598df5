"""Live end-of-support data from ARM's function app stacks API (one call per scan).

``/providers/Microsoft.Web/functionAppStacks`` lists every language version with ``isDeprecated``
and ``endOfLifeDate`` per OS. When it answers, its dates win over the bundled runtimes.toml; when
it does not (blocked, sovereign cloud lag), the bundled data is used and the source says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

SOURCE = "azure function app stacks API"


@dataclass(frozen=True)
class LiveStack:
    deprecated: bool
    end_of_life: date | None


def normalize(language: str, version: str) -> tuple[str, str]:
    """(worker runtime, version) in one spelling for both the stacks API and a site's settings."""
    language = language.lower()
    version = version.strip().lstrip("~vV")
    if language in ("node", "dotnet", "dotnet-isolated"):
        version = version.split(".")[0]
    elif language in ("python", "powershell"):
        version = ".".join(version.split(".")[:2])
    return language, version


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str) and value:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    return None


def index(stacks: list[dict[str, Any]]) -> dict[tuple[str, str], LiveStack]:
    """Key every runtime setting of every minor version by (worker runtime, version)."""
    out: dict[tuple[str, str], LiveStack] = {}
    for stack in stacks:
        props = stack.get("properties") or {}
        for major in props.get("majorVersions") or []:
            for minor in major.get("minorVersions") or []:
                for settings in (minor.get("stackSettings") or {}).values():
                    if not isinstance(settings, dict) or not settings.get("runtimeVersion"):
                        continue
                    worker = (settings.get("appSettingsDictionary") or {}).get("FUNCTIONS_WORKER_RUNTIME")
                    worker = worker or props.get("value") or stack.get("name") or ""
                    version = str(settings["runtimeVersion"]).split("|")[-1]
                    key = normalize(worker, version)
                    live = LiveStack(bool(settings.get("isDeprecated")), _date(settings.get("endOfLifeDate")))
                    known = out.get(key)
                    # Linux and Windows entries of one version should agree; keep the earlier date if not.
                    if known is None or (
                        live.end_of_life and (not known.end_of_life or live.end_of_life < known.end_of_life)
                    ):
                        out[key] = live
    return out
