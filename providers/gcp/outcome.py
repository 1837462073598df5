"""A call's answer or its error, so worker threads never lose an exception."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None


def run(call: Callable[[], Any]) -> Outcome:
    try:
        return Outcome(value=call())
    except Exception as exc:  # recorded, then reported as unknown facts or a failed target
        return Outcome(error=exc)
