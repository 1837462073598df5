"""What changed since earlier scans: each finding's delta, first and last sighting, and the absences.

Deltas are decided per finding against its own last sighting (the store's ``findings`` table), not
against one previous document, so a scan of fewer regions or accounts leaves everything outside its
scope alone, and a region scanned only now and then is compared with the last scan that covered it.
A finding that was failing and is missing now counts only inside a target this scan read completely:
it is ``removed`` when its function is gone and ``resolved`` when the function is still there.

A scan is compared a page of functions at a time (``scanner.store.writer``): the page's findings are
stamped against their own sightings only, and what was seen is counted and ranked in ``Changes``, which
keeps the most severe few; absences are found in SQL. Nothing is held per finding of the estate, so a
streaming scan's history costs the memory of one page whatever its size.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar

from scanner.document import FindingChange, ScanDocument
from scanner.findings import Delta, Finding, Severity, Status

T = TypeVar("T")
DELTAS: tuple[Delta, ...] = ("new", "changed", "unchanged", "resolved", "removed")
_ORDER = {d: i for i, d in enumerate(DELTAS)}
PAGE = 250  # functions stamped and written at a time: bounds the priors held, not the speed
CHANGES = 500  # changes a HistorySummary lists (the most severe); it counts them all


class Sighting(NamedTuple):
    """A finding as the store last saw it (a tuple: a scan reads one per finding of its accounts)."""

    finding_id: str
    check_id: str
    title: str
    severity: str
    provider: str
    account: str
    region: str
    resource_id: str
    resource_name: str
    status: str
    waived: bool
    evidence_hash: str
    present: bool
    first_seen: datetime


def evidence_hash(evidence: Iterable[str]) -> str:
    return hashlib.sha256("\x00".join(evidence).encode()).hexdigest()[:16]


def is_failing(status: str, waived: bool) -> bool:
    """As ``ztscan diff`` counts it: a waived failure is an accepted risk, not a failing finding."""
    return status == Status.FAIL.value and not waived


def target_key(provider: str, account: str, region: str | None) -> tuple[str, str, str]:
    return (provider, account, region or "")


def as_utc(value: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; every timestamp in the store is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _delta(f: Finding, prior: Sighting | None) -> Delta | None:
    now = is_failing(f.status.value, f.waived)
    before = prior is not None and prior.present and is_failing(prior.status, prior.waived)
    if now and not before:
        return "new"
    if before and not now:
        return "resolved"
    if prior is None or not prior.present:
        return None  # seen for the first time and not failing: there is nothing to compare with
    same = (prior.status, prior.waived, prior.evidence_hash) == (f.status.value, f.waived, evidence_hash(f.evidence))
    return "unchanged" if same else "changed"



def stamp(f: Finding, prior: Sighting | None, now: datetime) -> Delta | None:
    """Stamp a finding with what its last sighting says about it; its delta, or None with nothing to compare."""
    delta = _delta(f, prior)
    keep = prior is not None and prior.present and delta != "new"
    f.delta = delta
    f.first_seen = as_utc(prior.first_seen) if keep and prior else now
    f.last_seen = now
    return delta


def pages(items: Iterable[T], size: int) -> Iterator[list[T]]:
    page: list[T] = []
    for item in items:
        page.append(item)
        if len(page) == size:
            yield page
            page = []
    if page:
        yield page


def forget(doc: ScanDocument) -> None:
    """Undo ``stamp`` when the store did not take the scan: a report claims no history it does not have."""
    for page in pages(doc.results(), PAGE):
        for result in page:
            for f in result.findings:
                f.delta = f.first_seen = f.last_seen = None
        doc.update_results(page)


class _Ranked:
    """A change in the heap of the most severe: the root is the least severe kept (heapq keeps the smallest)."""

    __slots__ = ("change", "key")

    def __init__(self, key: tuple[Any, ...], change: FindingChange) -> None:
        self.key, self.change = key, change

    def __lt__(self, other: _Ranked) -> bool:
        return self.key > other.key


class Changes:
    """Every delta of a scan counted, and the ``keep`` most severe changes listed, in memory bounded by ``keep``.

    Ranked as ``ztscan diff`` ranks them: new, changed, resolved, removed; then most severe first, then by check
    and function name; changes that tie stay in the order they were added (a sequence number decides).
    """

    def __init__(self, keep: int = CHANGES) -> None:
        self.keep = keep
        self.counts = {d: 0 for d in DELTAS}
        self._heap: list[_Ranked] = []
        self._seen = 0

    @property
    def total(self) -> int:
        """New, changed, resolved and removed findings: ``listed()`` is the first ``keep`` of them."""
        return self._seen

    def present(self, f: Finding, delta: Delta | None) -> None:
        """A finding of this scan, stamped."""
        if delta:
            self.counts[delta] += 1
        if delta in (None, "unchanged"):
            return
        self._offer(delta, f.severity, f.check_id, f.resource_name, lambda: FindingChange(
            finding_id=f.id, check_id=f.check_id, title=f.title, severity=f.severity, resource_id=f.resource_id,
            resource_name=f.resource_name, provider=f.provider, account=f.account, region=f.region, delta=delta,
            status=f.status))

    def absent(self, s: Sighting, delta: Delta) -> None:
        """A failing finding missing from this scan inside the scope it read: resolved, or removed with its function."""
        self.counts[delta] += 1
        severity = Severity(s.severity)
        self._offer(delta, severity, s.check_id, s.resource_name, lambda: FindingChange(
            finding_id=s.finding_id, check_id=s.check_id, title=s.title, severity=severity, resource_id=s.resource_id,
            resource_name=s.resource_name, provider=s.provider, account=s.account, region=s.region, delta=delta))

    def _offer(self, delta: Delta, severity: Severity, check_id: str, name: str,
               change: Callable[[], FindingChange]) -> None:
        key = (_ORDER[delta], -severity.rank, check_id, name, self._seen)
        self._seen += 1
        if len(self._heap) < self.keep:
            heapq.heappush(self._heap, _Ranked(key, change()))
        elif self._heap and key < self._heap[0].key:  # built only when it displaces one: most are not
            heapq.heapreplace(self._heap, _Ranked(key, change()))

    def listed(self) -> list[FindingChange]:
        return [r.change for r in sorted(self._heap, key=lambda r: r.key)]
