"""Compare two scans: what failed anew, what was resolved, what changed, and how grades moved.

Findings are matched by their stable id (check id + resource id), so one finding is tracked across
scans whatever else changed. Waived findings count as not failing.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from scanner.document import ScanDocument
from scanner.findings import Finding, Severity, Status


class FindingChange(BaseModel):
    id: str
    check_id: str
    title: str
    severity: Severity
    provider: str
    account: str
    region: str
    resource_id: str
    resource_name: str
    old_status: str | None = Field(description="None: the function or check was not in the old scan")
    new_status: str | None = Field(description="None: the function or check is gone from the new scan")
    evidence: list[str] = Field(default_factory=list)


class GradeChange(BaseModel):
    scope: str = Field(description="'estate', 'provider account', or a function id")
    old_grade: str | None
    new_grade: str | None
    old_score: int | None
    new_score: int | None


class ScanDiff(BaseModel):
    old_scan: str
    new_scan: str
    new: list[FindingChange] = Field(description="Failing now, not failing before")
    resolved: list[FindingChange] = Field(description="Failing before, not failing now")
    changed: list[FindingChange] = Field(description="Other status changes (e.g. PASS -> NOT_ASSESSED)")
    grades: list[GradeChange]

    def new_at_or_above(self, severity: Severity) -> list[FindingChange]:
        return [c for c in self.new if c.severity.rank >= severity.rank]


def _failing(f: Finding | None) -> bool:
    return f is not None and f.status == Status.FAIL and not f.waived


def _change(old: Finding | None, new: Finding | None) -> FindingChange:
    f = new or old
    assert f is not None
    return FindingChange(
        id=f.id, check_id=f.check_id, title=f.title, severity=f.severity, provider=f.provider, account=f.account,
        region=f.region, resource_id=f.resource_id, resource_name=f.resource_name,
        old_status=old.status.value if old else None, new_status=new.status.value if new else None,
        evidence=(new or old).evidence if (new or old) else [],
    )


Grades = dict[str, tuple[str, int | None]]


def _read(doc: ScanDocument) -> tuple[dict[str, Finding], Grades]:
    """One pass over the scan's functions: its findings by id, and its grades by scope."""
    findings: dict[str, Finding] = {}
    grades: Grades = {}
    for result in doc.results():
        findings.update((f.id, f) for f in result.findings)
        if result.score is not None:
            grades[result.function.id] = (result.score.overall.grade, result.score.overall.score)
    grades.update({f"{a.provider} {a.account}": (a.overall.grade, a.overall.score) for a in doc.scores.accounts})
    if doc.scores.estate:
        grades["estate"] = (doc.scores.estate.overall.grade, doc.scores.estate.overall.score)
    return findings, grades


def _grades(before: Grades, after: Grades) -> list[GradeChange]:
    changes = []
    for scope in sorted(before.keys() | after.keys(), key=lambda s: (s != "estate", s)):
        b, a = before.get(scope), after.get(scope)
        if b != a:
            changes.append(GradeChange(scope=scope, old_grade=b[0] if b else None, new_grade=a[0] if a else None,
                                       old_score=b[1] if b else None, new_score=a[1] if a else None))
    return changes


def compare(old: ScanDocument, new: ScanDocument) -> ScanDiff:
    before, old_grades = _read(old)
    after, new_grades = _read(new)
    appeared, resolved, changed = [], [], []
    for fid in sorted(before.keys() | after.keys()):
        b, a = before.get(fid), after.get(fid)
        if _failing(a) and not _failing(b):
            appeared.append(_change(b, a))
        elif _failing(b) and not _failing(a):
            resolved.append(_change(b, a))
        elif a and b and a.status != b.status:
            changed.append(_change(b, a))

    def rank(c: FindingChange) -> tuple[int, str, str]:
        return (-c.severity.rank, c.check_id, c.resource_name)

    return ScanDiff(old_scan=old.scan.id, new_scan=new.scan.id, new=sorted(appeared, key=rank),
                    resolved=sorted(resolved, key=rank), changed=sorted(changed, key=rank),
                    grades=_grades(old_grades, new_grades))


def as_text(diff: ScanDiff) -> str:
    lines = [f"ztscan diff {diff.old_scan} -> {diff.new_scan}: {len(diff.new)} new, {len(diff.resolved)} resolved, "
             f"{len(diff.changed)} changed"]
    for title, items in (("NEW", diff.new), ("RESOLVED", diff.resolved), ("CHANGED", diff.changed)):
        for c in items:
            lines.append(f"{title:8} {c.severity.value:8} {c.check_id} {c.resource_name} ({c.provider} {c.account} "
                         f"{c.region}): {c.old_status or '-'} -> {c.new_status or '-'}  {c.title}")
    for g in diff.grades:
        lines.append(f"GRADE    {g.scope}: {g.old_grade or '-'} ({g.old_score if g.old_score is not None else '-'}) -> "
                     f"{g.new_grade or '-'} ({g.new_score if g.new_score is not None else '-'})")
    return "\n".join(lines) + "\n"
