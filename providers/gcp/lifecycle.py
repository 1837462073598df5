"""Runtime names and end-of-support dates: the live ``list_runtimes`` answer wins, the bundled
data file is the fallback (older API versions, or the call was refused)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from scanner import runtimes

LIVE_SOURCE = "gcp list_runtimes"
_RUNTIME = re.compile(r"^(?P<lang>[a-z]+?)(?P<digits>\d+)$")
# How each language's digits split into a version: python312 -> 3.12, go121 -> 1.21, nodejs20 -> 20.
_SPLIT_AFTER_FIRST = {"python", "go", "ruby", "php"}


@dataclass(frozen=True)
class LiveRuntime:
    stage: str
    deprecated_on: date | None


def parse(name: str) -> tuple[str | None, str | None]:
    m = _RUNTIME.match(name or "")
    if not m:
        return None, None
    lang, digits = m["lang"], m["digits"]
    if lang in _SPLIT_AFTER_FIRST and len(digits) > 1:
        return lang, f"{digits[0]}.{digits[1:]}"
    return lang, digits


def _date(value: object) -> date | None:
    year, month, day = (getattr(value, k, 0) for k in ("year", "month", "day"))
    return date(year, month, day) if year and month and day else None


def live_table(response: object) -> dict[str, LiveRuntime]:
    """From a v2 ListRuntimesResponse: the deprecation date is when support ends (decommission,
    when deploys stop, comes later), so it is the end-of-support date we report."""
    table: dict[str, LiveRuntime] = {}
    for rt in response.runtimes:  # type: ignore[attr-defined]
        when = _date(rt.deprecation_date) or _date(rt.decommission_date)
        table[rt.name] = LiveRuntime(stage=rt.stage.name, deprecated_on=when)
    return table


def end_of_support(name: str, live: dict[str, LiveRuntime] | None) -> tuple[date | None, str]:
    if live and name in live:
        return live[name].deprecated_on, LIVE_SOURCE
    return runtimes.end_of_support("gcp", name), runtimes.data_version()
