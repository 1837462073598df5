"""Runtime end-of-support lookup from the bundled data file (providers call it when the cloud
has no API that says so; a live answer from the cloud wins)."""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from importlib.resources import files


@cache
def _data() -> dict[str, object]:
    return tomllib.loads(files("scanner.data").joinpath("runtimes.toml").read_text(encoding="utf-8"))


def data_version() -> str:
    return f"ztscan runtime data {_data()['version']}"


def end_of_support(provider: str, runtime_key: str) -> date | None:
    table = _data().get(provider, {})
    value = table.get(runtime_key) if isinstance(table, dict) else None
    return value if isinstance(value, date) else None
