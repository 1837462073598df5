"""The remediation plan: failing findings grouped by the one change that fixes them, best first.

A change's target comes from the schema facts the failing check is about (the function's identity,
its customer-managed key, its runtime), never from evaluating a check again. Where no shared target
is known, the change is the one function's own setting. Changes are ranked greedily: each step takes
the change that raises the estate score most given the ones above it, scored with grading's formula
as if that change's findings passed.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from scanner.document import PlanChange, RemediationPlan
from scanner.findings import CheckMeta, Finding, Status
from scanner.grading import grade, score_value
from scanner.inventory import ServerlessFunction

PLAN_LIMIT = 100

# check -> (kind, how to name the shared target from the function's facts, title template)
_Target = Callable[[ServerlessFunction], str | None]
_SHARED: dict[str, tuple[str, _Target, str]] = {}
for _check in ("ZT-IAM-001", "ZT-IAM-002", "ZT-IAM-003", "ZT-IAM-006"):
    _SHARED[_check] = ("least-privilege", lambda fn: fn.identity.principal, "Reduce identity {} to least privilege")
_SHARED["ZT-IAM-007"] = ("identity-trust", lambda fn: fn.identity.principal,
                         "Let only the function service assume identity {}")
for _check in ("ZT-IAM-004", "ZT-IAM-005"):
    _SHARED[_check] = ("dedicated-identity", lambda fn: fn.identity.principal,
                       "Give each function that runs as {} an identity of its own")
for _check in ("ZT-RUN-001", "ZT-RUN-002"):
    _SHARED[_check] = ("runtime-upgrade", lambda fn: fn.runtime.name, "Upgrade functions on {} to a supported runtime")
_SHARED["ZT-ENC-002"] = ("key-state", lambda fn: fn.encryption.cmk.key_id if fn.encryption.cmk else None,
                         "Re-enable or replace customer-managed key {}")
_SHARED["ZT-ENC-003"] = ("key-rotation", lambda fn: fn.encryption.cmk.key_id if fn.encryption.cmk else None,
                         "Turn on rotation of customer-managed key {}")


@dataclass
class _Group:
    key: str
    kind: str
    title: str
    provider: str
    target: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def function_ids(self) -> list[str]:
        return list(dict.fromkeys(f.resource_id for f in self.findings))


def _group_key(finding: Finding, fn: ServerlessFunction | None, meta: CheckMeta | None) -> _Group:
    shared = _SHARED.get(finding.check_id)
    target = shared[1](fn) if shared and fn is not None else None
    if shared and target:
        kind, _, template = shared
        return _Group(f"{kind}:{finding.provider}:{target}", kind, template.format(target), finding.provider, target)
    title = meta.title if meta else finding.title
    return _Group(f"function-setting:{finding.check_id}:{finding.resource_id}", "function-setting",
                  f"{finding.resource_name}: {title}", finding.provider, finding.resource_name)


def group_findings(functions: list[ServerlessFunction], findings: list[Finding],
                   checks: list[CheckMeta]) -> list[_Group]:
    by_id = {fn.id: fn for fn in functions}
    metas = {c.id: c for c in checks}
    groups: dict[str, _Group] = {}
    for f in findings:
        if f.status != Status.FAIL or f.waived:
            continue
        candidate = _group_key(f, by_id.get(f.resource_id), metas.get(f.check_id))
        groups.setdefault(candidate.key, candidate).findings.append(f)
    return list(groups.values())


class _Estate:
    """Function scores as findings are marked fixed (PASS); points are the sum of graded functions' scores,
    as grading averages only the functions that have a grade."""

    def __init__(self, functions: list[ServerlessFunction], findings: list[Finding]) -> None:
        self.findings: dict[str, list[Finding]] = defaultdict(list)
        for f in findings:
            self.findings[f.resource_id].append(f)
        self.fixed: set[str] = set()
        self.scores = {fn.id: score_value(self.findings[fn.id]) for fn in functions}
        self.points = sum(s for s in self.scores.values() if s is not None)
        self.count = sum(s is not None for s in self.scores.values())
        self.step = 0
        self.changed_at: dict[str, int] = {}
        self.passed: dict[str, Finding] = {}

    def _after(self, group: _Group) -> dict[str, int]:
        ids = {f.id for f in group.findings}
        after = {}
        for fid in group.function_ids:
            if self.scores.get(fid) is not None:  # a function with a failing finding always has a grade
                own = [self._passing(f) if f.id in ids or f.id in self.fixed else f for f in self.findings[fid]]
                after[fid] = score_value(own) or 0
        return after

    def _passing(self, finding: Finding) -> Finding:
        """The finding as it reads once fixed (made once: a change's gain is computed many times)."""
        if finding.id not in self.passed:
            self.passed[finding.id] = dataclasses.replace(finding, status=Status.PASS)
        return self.passed[finding.id]

    def gain(self, group: _Group) -> int:
        return sum(score - (self.scores[fid] or 0) for fid, score in self._after(group).items())

    def apply(self, group: _Group) -> None:
        self.step += 1
        for fid, score in self._after(group).items():
            self.points += score - (self.scores[fid] or 0)
            self.scores[fid] = score
            self.changed_at[fid] = self.step
        self.fixed |= {f.id for f in group.findings}

    def still_valid(self, group: _Group, computed_at: int) -> bool:
        """A gain stays exact until one of the change's functions is changed by another change."""
        return all(self.changed_at.get(fid, 0) <= computed_at for fid in group.function_ids)

    @property
    def score(self) -> int:
        return round(self.points / self.count) if self.count else 100


def _rank(groups: list[_Group], estate: _Estate) -> list[tuple[_Group, int, int]]:
    """Lazy greedy: a change's gain is recomputed only when it reaches the top of the heap after a
    change taken before it touched one of its functions."""
    taken: list[tuple[_Group, int, int]] = []
    heap = [(-estate.gain(g), -len(g.findings), g.key, 0, i) for i, g in enumerate(groups)]
    heapq.heapify(heap)
    while heap:
        _, neg_findings, key, computed_at, i = heapq.heappop(heap)
        if not estate.still_valid(groups[i], computed_at):
            heapq.heappush(heap, (-estate.gain(groups[i]), neg_findings, key, estate.step, i))
            continue
        before = estate.score
        estate.apply(groups[i])
        taken.append((groups[i], estate.score - before, estate.score))
    return taken


def build_plan(functions: list[ServerlessFunction], findings: list[Finding],
               checks: list[CheckMeta]) -> RemediationPlan | None:
    groups = group_findings(functions, findings, checks)
    estate = _Estate(functions, findings)
    if not groups or not estate.count:
        return None
    start = estate.score
    ranked = _rank(groups, estate)
    # The headline names the fewest changes that reach C, the first grade no high finding caps (or the
    # plan's final grade when that is lower, or when the estate already stands at C or better).
    final = grade(estate.score)
    target = "C" if start < 70 <= estate.score else final
    headline = next(n for n, (_, _, score) in enumerate(ranked, 1) if grade(score) <= target)
    names = {fn.id: fn.name for fn in functions}
    metas = {c.id: c for c in checks}
    changes = []
    for group, gain, score in ranked[:PLAN_LIMIT]:
        check_ids = sorted({f.check_id for f in group.findings},
                           key=lambda c: (-metas[c].severity.rank, c) if c in metas else (0, c))
        fix = metas[check_ids[0]].remediation.get(group.provider) if check_ids[0] in metas else None
        ids = group.function_ids
        changes.append(PlanChange(
            key=group.key, kind=group.kind, title=group.title, provider=group.provider, target=group.target,
            checks=check_ids, findings=len(group.findings), functions=ids,
            function_names=[names.get(i, i) for i in ids], remediation=fix.console if fix else "",
            gain=gain, estate_score_after=score, estate_grade_after=grade(score),
        ))
    return RemediationPlan(
        estate_score=start, estate_grade=grade(start), headline_changes=headline,
        headline_score=ranked[headline - 1][2], headline_grade=grade(ranked[headline - 1][2]),
        score_after_all=estate.score, grade_after_all=final, changes_total=len(ranked), changes=changes,
    )


def describe(plan: RemediationPlan) -> str:
    return (f"fixing these {plan.headline_changes} change(s) takes the estate from {plan.estate_grade} "
            f"({plan.estate_score}) to {plan.headline_grade} ({plan.headline_score})")
