"""The one pass over a scan's functions that the HTML and PDF reports share.

It reads ``doc.results()`` once and keeps only what is bounded by the checks, the clouds or a fixed row
count: per-check status counts, the lowest-scored functions, the first waived findings, and the functions
whose attack paths are drawn. A renderer that needs every function (the HTML payload) gets each one
through ``each`` as it passes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from scanner.document import FunctionScore, ScanDocument
from scanner.findings import Finding, Status
from scanner.inventory import ServerlessFunction
from scanner.results import FunctionResult

T = TypeVar("T")
WORST_ROWS = 10
WAIVED_ROWS = 200  # waived findings listed; a waiver on "*" can waive one per function


class Lowest(Generic[T]):
    """The k items with the smallest key, ties in arrival order, holding at most 2k items at a time."""

    def __init__(self, k: int, key: Callable[[T], Any]) -> None:
        self.k, self.key = k, key
        self._items: list[T] = []

    def add(self, item: T) -> None:
        self._items.append(item)
        if len(self._items) >= 2 * self.k:
            self._items = self.items()

    def items(self) -> list[T]:
        return sorted(self._items, key=self.key)[:self.k]  # stable: equal keys keep their arrival order


def _appendix_rank(entry: tuple[ServerlessFunction, FunctionScore | None]) -> tuple[int, str]:
    fn, score = entry
    value = score.overall.score if score is not None else None
    return (value if value is not None else 101, fn.name)


@dataclass
class Tally:
    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # check -> status
    by_cloud: Counter[str] = field(default_factory=Counter)
    unassessed: Counter[str] = field(default_factory=Counter)  # check -> functions not assessed
    grades: Counter[str] = field(default_factory=Counter)
    waived: list[Finding] = field(default_factory=list)
    path_functions: dict[str, ServerlessFunction] = field(default_factory=dict)
    worst: list[tuple[str, FunctionScore]] = field(default_factory=list)  # (function name, score)
    appendix: list[tuple[ServerlessFunction, FunctionScore | None]] = field(default_factory=list)

    @property
    def waived_total(self) -> int:
        return sum(statuses["WAIVED"] for statuses in self.counts.values())


def tally(doc: ScanDocument, drawn: set[str], appendix_rows: int = 0,
          each: Callable[[FunctionResult], None] | None = None) -> Tally:
    """``drawn``: ids of the functions whose attack paths are drawn (their facts are kept)."""
    t = Tally()
    worst: Lowest[tuple[str, FunctionScore]] = Lowest(WORST_ROWS, lambda item: item[1].overall.score)
    appendix: Lowest[tuple[ServerlessFunction, FunctionScore | None]] = Lowest(appendix_rows, _appendix_rank)
    for result in doc.results():
        fn, score = result.function, result.score
        t.by_cloud[fn.provider] += 1
        for f in result.findings:
            t.counts[f.check_id]["WAIVED" if f.waived else f.status.value] += 1
            if f.status == Status.NOT_ASSESSED:
                t.unassessed[f.check_id] += 1
            if f.waived and len(t.waived) < WAIVED_ROWS:
                t.waived.append(f)
        if score is not None:
            t.grades[score.overall.grade] += 1
            if score.overall.score is not None:
                worst.add((fn.name, score))
        if appendix_rows:
            appendix.add((fn, score))
        if fn.id in drawn:
            t.path_functions[fn.id] = fn
        if each is not None:
            each(result)
    t.worst, t.appendix = worst.items(), appendix.items() if appendix_rows else []
    return t

