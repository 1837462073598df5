"""The remediation plan: failing findings grouped by the one change that fixes them, best first.

A change's target comes from the schema facts the failing check is about (the function's identity,
its customer-managed key, its runtime), never from evaluating a check again. Where no shared target
is known, the change is the one function's own setting. Changes are ranked greedily: each step takes
the change that raises the estate score most given the ones above it, scored with grading's formula
as if that change's findings passed.
"""

from __future__ import annotations

import heapq
import sys
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from scanner.document import PlanChange, RemediationPlan
from scanner.findings import CheckMeta, Finding, Severity, Status
from scanner.grading import failing_score, grade, score_findings
from scanner.inventory import ServerlessFunction
from scanner.results import FunctionResult

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
_TITLES = {kind: template for kind, _, template in _SHARED.values()}
_OWN = -1  # no shared target: the change is the function's own setting


@dataclass(slots=True)
class _PlanFunction:
    """A function with a failing unwaived finding: what the plan reads of it."""

    id: str
    name: str
    provider: str
    score: int
    failing: array[int]  # per failing finding, two ints: its (check, severity) code and its shared change or _OWN


@dataclass(slots=True)
class _Change:
    key: str
    kind: str
    provider: str
    target: str
    checks: list[str]  # distinct, in the order first seen
    functions: list[int]  # indices of the functions it touches, in scan order
    fixes: list[list[int]]  # per function above: which of its failing findings the change fixes
    findings: int = 0


class PlanInput:
    """The plan's input, folded one function at a time: each failing unwaived finding as two ints (which
    check and severity; which shared change), and the graded functions' count and points."""

    def __init__(self, checks: list[CheckMeta]) -> None:
        self.metas = {c.id: c for c in checks}
        self.codes: dict[tuple[str, Severity], int] = {}
        self.kinds: list[tuple[str, Severity]] = []  # code -> (check id, severity)
        self.titles: dict[str, str] = {}  # check id -> title, for a function's own setting
        self.shared: dict[str, int] = {}  # shared change key -> its index below
        self.shared_changes: list[tuple[str, str, str, str]] = []  # key, kind, provider, target
        self.functions: list[_PlanFunction] = []
        self.graded = self.points = 0

    def _code(self, finding: Finding) -> int:
        kind = (finding.check_id, finding.severity)
        if kind not in self.codes:
            self.codes[kind] = len(self.kinds)
            self.kinds.append(kind)
            meta = self.metas.get(finding.check_id)
            self.titles.setdefault(finding.check_id, meta.title if meta else finding.title)
        return self.codes[kind]

    def _shared(self, fn: ServerlessFunction, check_id: str) -> int:
        shared = _SHARED.get(check_id)
        target = shared[1](fn) if shared else None
        if not (shared and target):
            return _OWN
        key = f"{shared[0]}:{fn.provider}:{target}"
        if key not in self.shared:
            self.shared[key] = len(self.shared_changes)
            self.shared_changes.append((key, shared[0], fn.provider, target))
        return self.shared[key]

    def add(self, fn: ServerlessFunction, findings: list[Finding], score: int | None) -> None:
        if score is None:
            return  # nothing was assessed, so nothing fails: the function neither counts nor changes
        self.graded += 1
        self.points += score
        failing = array("i")
        for f in findings:
            if f.status == Status.FAIL and not f.waived:
                failing.extend((self._code(f), self._shared(fn, f.check_id)))
        if failing:
            self.functions.append(_PlanFunction(sys.intern(fn.id), fn.name, fn.provider, score, failing))

    def _changes(self) -> list[_Change]:
        shared: dict[int, _Change] = {}
        changes: list[_Change] = []
        for i, fn in enumerate(self.functions):
            for pos in range(len(fn.failing) // 2):
                code, index = fn.failing[2 * pos], fn.failing[2 * pos + 1]
                check_id = self.kinds[code][0]
                if index == _OWN:
                    changes.append(_Change(f"function-setting:{check_id}:{fn.id}", "function-setting", fn.provider,
                                           fn.name, [check_id], [i], [[pos]], 1))
                    continue
                if index not in shared:
                    key, kind, provider, target = self.shared_changes[index]
                    changes.append(shared.setdefault(index, _Change(key, kind, provider, target, [], [], [])))
                change = shared[index]
                if not change.functions or change.functions[-1] != i:
                    change.functions.append(i)
                    change.fixes.append([])
                change.fixes[-1].append(pos)
                change.findings += 1
                if check_id not in change.checks:
                    change.checks.append(check_id)
        return changes

    def _title(self, change: _Change) -> str:
        if change.kind == "function-setting":
            return f"{change.target}: {self.titles[change.checks[0]]}"
        return _TITLES[change.kind].format(change.target)

    def build(self) -> RemediationPlan | None:
        changes = self._changes()
        if not changes or not self.graded:
            return None
        estate = _Scores(self, self.graded, self.points)
        start = estate.score
        ranked = _rank(changes, estate)
        # The headline names the fewest changes that reach C, the first grade no high finding caps (or the
        # plan's final grade when that is lower, or when the estate already stands at C or better).
        final = grade(estate.score)
        target = "C" if start < 70 <= estate.score else final
        headline = next(n for n, (_, _, score) in enumerate(ranked, 1) if grade(score) <= target)
        metas = self.metas
        out = []
        for change, gain, score in ranked[:PLAN_LIMIT]:
            check_ids = sorted(change.checks, key=lambda c: (-metas[c].severity.rank, c) if c in metas else (0, c))
            fix = metas[check_ids[0]].remediation.get(change.provider) if check_ids[0] in metas else None
            members = [self.functions[i] for i in change.functions]
            out.append(PlanChange(
                key=change.key, kind=change.kind, title=self._title(change), provider=change.provider,
                target=change.target, checks=check_ids, findings=change.findings, functions=[m.id for m in members],
                function_names=[m.name for m in members], remediation=fix.console if fix else "",
                gain=gain, estate_score_after=score, estate_grade_after=grade(score),
            ))
        return RemediationPlan(
            estate_score=start, estate_grade=grade(start), headline_changes=headline,
            headline_score=ranked[headline - 1][2], headline_grade=grade(ranked[headline - 1][2]),
            score_after_all=estate.score, grade_after_all=final, changes_total=len(ranked), changes=out,
        )


class _Scores:
    """Function scores as changes are made (their findings fixed); points are the sum of graded functions'
    scores, as grading averages only the functions that have a grade."""

    def __init__(self, plan: PlanInput, graded: int, points: int) -> None:
        self.functions = plan.functions
        self.severity = [severity for _, severity in plan.kinds]
        self.scores = [fn.score for fn in plan.functions]
        self.fixed: dict[int, set[int]] = {}
        self.points, self.count = points, graded
        self.step = 0
        self.changed_at: dict[int, int] = {}

    def _after(self, change: _Change) -> dict[int, int]:
        after = {}
        for i, positions in zip(change.functions, change.fixes, strict=True):
            failing, done = self.functions[i].failing, self.fixed.get(i, ())
            after[i] = failing_score(self.severity[failing[2 * pos]] for pos in range(len(failing) // 2)
                                     if pos not in positions and pos not in done)[0]
        return after

    def gain(self, change: _Change) -> int:
        return sum(score - self.scores[i] for i, score in self._after(change).items())

    def apply(self, change: _Change) -> None:
        self.step += 1
        for i, score in self._after(change).items():
            self.points += score - self.scores[i]
            self.scores[i] = score
            self.changed_at[i] = self.step
        for i, positions in zip(change.functions, change.fixes, strict=True):
            self.fixed.setdefault(i, set()).update(positions)

    def still_valid(self, change: _Change, computed_at: int) -> bool:
        """A gain stays exact until one of the change's functions is changed by another change."""
        return all(self.changed_at.get(i, 0) <= computed_at for i in change.functions)

    @property
    def score(self) -> int:
        return round(self.points / self.count) if self.count else 100


def _rank(changes: list[_Change], estate: _Scores) -> list[tuple[_Change, int, int]]:
    """Lazy greedy: a change's gain is recomputed only when it reaches the top of the heap after a
    change taken before it touched one of its functions."""
    taken: list[tuple[_Change, int, int]] = []
    heap = [(-estate.gain(c), -c.findings, c.key, 0, i) for i, c in enumerate(changes)]
    heapq.heapify(heap)
    while heap:
        _, neg_findings, key, computed_at, i = heapq.heappop(heap)
        if not estate.still_valid(changes[i], computed_at):
            heapq.heappush(heap, (-estate.gain(changes[i]), neg_findings, key, estate.step, i))
            continue
        before = estate.score
        estate.apply(changes[i])
        taken.append((changes[i], estate.score - before, estate.score))
    return taken


def plan_of_results(results: Iterable[FunctionResult], checks: list[CheckMeta]) -> RemediationPlan | None:
    """A plan for a saved document that has none (written before plans existed)."""
    plan = PlanInput(checks)
    for r in results:
        plan.add(r.function, r.findings, score_findings(r.findings).score)
    return plan.build()


def describe(plan: RemediationPlan) -> str:
    return (f"fixing these {plan.headline_changes} change(s) takes the estate from {plan.estate_grade} "
            f"({plan.estate_score}) to {plan.headline_grade} ({plan.headline_score})")
