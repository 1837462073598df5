"""Per-framework pass rates: each control's status comes from the findings of the checks mapped to it."""

from __future__ import annotations

from collections import defaultdict

from scanner.document import ComplianceControl, ComplianceFramework
from scanner.findings import CheckMeta, Finding, Status
from scanner.frameworks import FRAMEWORKS


class CheckCounts:
    """Per check: how many unwaived findings failed, passed and could not be assessed."""

    _STATUSES = (Status.FAIL, Status.PASS, Status.NOT_ASSESSED)

    def __init__(self) -> None:
        self.by_check: dict[str, list[int]] = {}

    def add(self, findings: list[Finding]) -> None:
        for f in findings:
            if not f.waived and f.status in self._STATUSES:
                counts = self.by_check.setdefault(f.check_id, [0, 0, 0])
                counts[self._STATUSES.index(f.status)] += 1

    def control(self, control: str, check_ids: list[str]) -> ComplianceControl | None:
        failing = passing = unassessed = 0
        for check_id in set(check_ids):
            f, p, n = self.by_check.get(check_id, (0, 0, 0))
            failing, passing, unassessed = failing + f, passing + p, unassessed + n
        if not (failing or passing or unassessed):
            return None  # nothing in scope: the control does not apply to this estate
        status = Status.FAIL if failing else Status.NOT_ASSESSED if unassessed else Status.PASS
        return ComplianceControl(control=control, checks=sorted(check_ids), status=status, failing=failing,
                                 passing=passing, not_assessed=unassessed)


def _control_key(control: str) -> tuple[tuple[int, int, str], ...]:
    """Natural order: 4.2 before 4.10, AC-6 before AC-6(9)."""
    parts = control.replace("(", ".").replace(")", "").replace("-", ".").replace(" ", ".").split(".")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def evaluate(
    checks: list[CheckMeta], counts: CheckCounts, only: list[str] | None = None
) -> list[ComplianceFramework]:
    mapped: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for meta in checks:
        for framework, controls in meta.compliance.items():
            for control in controls:
                mapped[framework][control].append(meta.id)
    results = []
    for framework_id, controls in sorted(mapped.items()):
        if only and framework_id not in only:
            continue
        evaluated = [c for control, ids in sorted(controls.items(), key=lambda kv: _control_key(kv[0]))
                     if (c := counts.control(control, ids))]
        if not evaluated:
            continue
        assessed = [c for c in evaluated if c.status in (Status.PASS, Status.FAIL)]
        rate = sum(c.status == Status.PASS for c in assessed) / len(assessed) if assessed else 0.0
        known = FRAMEWORKS.get(framework_id)
        results.append(ComplianceFramework(id=framework_id, title=known.title if known else framework_id,
                                           pass_rate=round(rate, 4), controls=evaluated))
    return results
