"""One function's result: its facts, its findings and its score. Reports stream these, one at a time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from scanner.findings import Finding
from scanner.inventory import ServerlessFunction


@dataclass(slots=True)
class FunctionResult:
    function: ServerlessFunction
    findings: list[Finding]
    score: FunctionScoreLike | None


class FunctionScoreLike(Protocol):
    """scanner.document.FunctionScore (named structurally: document imports this module)."""

    function_id: str


class ResultSource(Protocol):
    """Where a document's per-function results live: in memory, or in the spill store of a streaming scan."""

    def __iter__(self) -> Iterator[FunctionResult]: ...

    def __len__(self) -> int: ...

    def update(self, results: Sequence[FunctionResult]) -> None:
        """Keep what was added to these results' findings since they were read (history's deltas)."""


class MemoryResults:
    """Results of a document held in memory (a small scan, or one read back from a file)."""

    def __init__(self, functions: list[ServerlessFunction], findings: Iterable[Finding],
                 scores: Iterable[FunctionScoreLike]) -> None:
        self._functions = functions
        self._findings: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            self._findings[finding.resource_id].append(finding)
        self._scores = {s.function_id: s for s in scores}

    def __iter__(self) -> Iterator[FunctionResult]:
        for fn in self._functions:
            yield FunctionResult(fn, self._findings.get(fn.id, []), self._scores.get(fn.id))

    def __len__(self) -> int:
        return len(self._functions)

    def update(self, results: Sequence[FunctionResult]) -> None:
        """Nothing to do: the results handed out are the ones held."""
