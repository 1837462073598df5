"""What changed since earlier scans: each finding's delta, first and last sighting, and the absences.

Deltas are decided per finding against its own last sighting (the store's ``findings`` table), not
against one previous document, so a scan of fewer regions or accounts leaves everything outside its
scope alone, and a region scanned only now and then is compared with the last scan that covered it.
A finding that was failing and is missing now counts only inside a target this scan read completely:
it is ``removed`` when its function is gone and ``resolved`` when the function is still there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

from scanner.document import FindingChange, ScanDocument
from scanner.findings import Delta, Finding, Severity, Status
from scanner.provider import TargetStatus

DELTAS: tuple[Delta, ...] = ("new", "changed", "unchanged", "resolved", "removed")


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


@dataclass
class Outcome:
    """This scan's deltas: per finding present now, and the failing findings that went missing."""

    deltas: dict[str, Delta | None] = field(default_factory=dict)
    first_seen: dict[str, datetime] = field(default_factory=dict)
    absent: dict[str, Delta] = field(default_factory=dict)
    gone: list[str] = field(default_factory=list)  # every finding in scope missing now, failing or not

    def counts(self) -> dict[str, int]:
        found = {d: 0 for d in DELTAS}
        for delta in [*self.deltas.values(), *self.absent.values()]:
            if delta:
                found[delta] += 1
        return found


def evidence_hash(evidence: Iterable[str]) -> str:
    return hashlib.sha256("\x00".join(evidence).encode()).hexdigest()[:16]


def is_failing(status: str, waived: bool) -> bool:
    """As ``ztscan diff`` counts it: a waived failure is an accepted risk, not a failing finding."""
    return status == Status.FAIL.value and not waived


def target_key(provider: str, account: str, region: str | None) -> tuple[str, str, str]:
    return (provider, account, region or "")


def covered(targets: Iterable[TargetStatus]) -> set[tuple[str, str, str]]:
    """Targets read completely; a region-less target (an Azure subscription, a GCP project) covers all regions."""
    return {target_key(t.provider, t.account, t.region) for t in targets if t.status == "complete"}


def _covers(scope: set[tuple[str, str, str]], s: Sighting) -> bool:
    return (s.provider, s.account, s.region) in scope or (s.provider, s.account, "") in scope


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


def compare(doc: ScanDocument, priors: dict[str, Sighting]) -> Outcome:
    outcome = Outcome()
    now = doc.scan.finished_at
    for f in doc.findings:
        prior = priors.get(f.id)
        delta = _delta(f, prior)
        outcome.deltas[f.id] = delta
        keep = prior is not None and prior.present and delta != "new"
        outcome.first_seen[f.id] = as_utc(prior.first_seen) if keep and prior else now
    scope = covered(doc.targets)
    present_ids = set(outcome.deltas)
    functions = {fn.id for fn in doc.functions}
    for s in priors.values():
        if s.present and s.finding_id not in present_ids and _covers(scope, s):
            outcome.gone.append(s.finding_id)
            if is_failing(s.status, s.waived):
                outcome.absent[s.finding_id] = "removed" if s.resource_id not in functions else "resolved"
    return outcome


def apply(doc: ScanDocument, outcome: Outcome) -> None:
    """Stamp each finding of the document with what the store says about it."""
    for f in doc.findings:
        f.delta = outcome.deltas[f.id]
        f.first_seen = outcome.first_seen[f.id]
        f.last_seen = doc.scan.finished_at


def forget(doc: ScanDocument) -> None:
    """Undo ``apply`` when the store did not take the scan: a report claims no history it does not have."""
    for f in doc.findings:
        f.delta = f.first_seen = f.last_seen = None


def changes(doc: ScanDocument, outcome: Outcome, priors: dict[str, Sighting]) -> list[FindingChange]:
    """New, changed, resolved and removed findings, most severe first."""
    found = [
        FindingChange(finding_id=f.id, check_id=f.check_id, title=f.title, severity=f.severity,
                      resource_id=f.resource_id, resource_name=f.resource_name, provider=f.provider,
                      account=f.account, region=f.region, delta=delta, status=f.status)
        for f in doc.findings if (delta := outcome.deltas[f.id]) not in (None, "unchanged")
    ]
    for fid, delta in outcome.absent.items():
        s = priors[fid]
        found.append(FindingChange(finding_id=fid, check_id=s.check_id, title=s.title, severity=Severity(s.severity),
                                   resource_id=s.resource_id, resource_name=s.resource_name, provider=s.provider,
                                   account=s.account, region=s.region, delta=delta))
    order = {d: i for i, d in enumerate(DELTAS)}
    return sorted(found, key=lambda c: (order[c.delta], -c.severity.rank, c.check_id, c.resource_name))
