"""The whole-estate reading of a scan's totals, over lists of every function and finding: the oracle
the per-function fold (scanner/totals.py) is tested against. Written for plainness, not memory: every
waiver tried on every finding, each control re-reading every finding, means over lists of scores, and
the plan's predictions re-scored from the findings themselves."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from datetime import date
from statistics import mean

from scanner.attack_paths import function_paths, ranked
from scanner.document import (
    AttackPath,
    ComplianceControl,
    FunctionScore,
    GroupScore,
    RemediationPlan,
    Score,
    Scores,
    Summary,
    WaiverUse,
)
from scanner.findings import CheckMeta, Finding, Pillar, Severity, Status
from scanner.frameworks import FRAMEWORKS
from scanner.grading import NO_GRADE, grade, score_findings
from scanner.inventory import ServerlessFunction
from scanner.provider import TargetStatus
from scanner.remediation_plan import _SHARED
from scanner.waivers import Waiver


def apply_waivers(waivers: list[Waiver], findings: list[Finding], functions: list[ServerlessFunction],
                  today: date) -> list[WaiverUse]:
    by_id = {fn.id: fn for fn in functions}
    uses = []
    for w in waivers:
        matched = 0
        for f in findings:
            if w.expires >= today and not f.waived and w.matches(f, by_id[f.resource_id]):
                f.waived, f.waiver = True, {"reason": w.reason, "owner": w.owner, "expires": w.expires.isoformat()}
                matched += 1
        uses.append(WaiverUse(check_id=w.check, resource=w.resource, reason=w.reason, owner=w.owner,
                              expires=w.expires.isoformat(), expired=w.expires < today, matched=matched))
    return uses


def _mean(scores: list[Score]) -> Score:
    graded = [s.score for s in scores if s.score is not None]
    failing: Counter[str] = Counter()
    for s in scores:
        failing.update(s.failing)
    assessed, applicable = sum(s.assessed for s in scores), sum(s.applicable for s in scores)
    coverage = assessed / applicable if applicable else None
    if not graded:
        why = ("no function was scanned" if not scores
               else "nothing could be assessed" if applicable else "no check applies")
        return Score(score=None, grade=NO_GRADE, failing=dict(failing), reason=why, applicable=applicable,
                     coverage=coverage)
    value = round(mean(graded))
    return Score(score=value, grade=grade(value), failing=dict(failing), assessed=assessed, applicable=applicable,
                 coverage=coverage)


def _group(provider: str | None, account: str | None, members: list[FunctionScore]) -> GroupScore:
    return GroupScore(provider=provider, account=account, overall=_mean([m.overall for m in members]),
                      pillars={p.value: _mean([m.pillars[p.value] for m in members]) for p in Pillar},
                      functions=len(members))


def grade_all(functions: list[ServerlessFunction], findings: list[Finding]) -> Scores:
    by_function: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_function[f.resource_id].append(f)
    scored = []
    for fn in functions:
        own = by_function[fn.id]
        scored.append(FunctionScore(function_id=fn.id, overall=score_findings(own),
                                    pillars={p.value: score_findings([f for f in own if f.pillar == p])
                                             for p in Pillar}))
    accounts: dict[tuple[str, str], list[FunctionScore]] = defaultdict(list)
    for fn, s in zip(functions, scored, strict=True):
        accounts[(fn.provider, fn.account)].append(s)
    return Scores(functions=scored, accounts=[_group(p, a, m) for (p, a), m in sorted(accounts.items())],
                  estate=_group(None, None, scored))


def compliance(checks: list[CheckMeta], findings: list[Finding], only: list[str] | None) -> list[dict[str, object]]:
    """Each framework as id, title, pass rate and its controls by control id."""
    out = []
    for framework in sorted({fw for meta in checks for fw in meta.compliance if not only or fw in only}):
        controls: dict[str, list[str]] = {}
        for meta in checks:
            for control in meta.compliance.get(framework, []):
                controls.setdefault(control, []).append(meta.id)
        evaluated = []
        for control, ids in controls.items():
            mine = [f for f in findings if f.check_id in ids and not f.waived]
            counts = {s: sum(f.status == s for f in mine) for s in (Status.FAIL, Status.PASS, Status.NOT_ASSESSED)}
            if any(counts.values()):
                status = next(s for s in (Status.FAIL, Status.NOT_ASSESSED, Status.PASS)
                              if counts[s] or s == Status.PASS)
                evaluated.append(ComplianceControl(control=control, checks=sorted(ids), status=status,
                                                   failing=counts[Status.FAIL], passing=counts[Status.PASS],
                                                   not_assessed=counts[Status.NOT_ASSESSED]))
        assessed = [c for c in evaluated if c.status != Status.NOT_ASSESSED]
        if evaluated:
            known = FRAMEWORKS.get(framework)
            out.append({"id": framework, "title": known.title if known else framework,
                        "pass_rate": round(sum(c.status == Status.PASS for c in assessed) / len(assessed), 4)
                        if assessed else 0.0, "controls": {c.control: c for c in evaluated}})
    return out


def summarise(functions: list[ServerlessFunction], findings: list[Finding], targets: list[TargetStatus]) -> Summary:
    unknown = Counter(path for fn in functions for path in fn.unknown)
    return Summary(functions=len(functions),
                   findings_by_status={s.value: sum(f.status == s for f in findings) for s in Status},
                   failures_by_severity={s.value: sum(f.status == Status.FAIL and not f.waived and f.severity == s
                                                      for f in findings) for s in Severity},
                   targets_incomplete=sum(t.status != "complete" for t in targets),
                   unknown_facts=dict(unknown.most_common()))


def attack_paths(functions: list[ServerlessFunction], findings: list[Finding]) -> list[AttackPath]:
    by_function: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_function[f.resource_id].append(f)
    return ranked([p for fn in functions for p in function_paths(fn, by_function[fn.id])])


def plan_changes(functions: list[ServerlessFunction], findings: list[Finding],
                 checks: list[CheckMeta]) -> dict[str, tuple[str, str, str, list[str], list[str]]]:
    """Every change the plan should hold: key -> kind, title, target, its findings' ids, its functions' ids."""
    by_id = {fn.id: fn for fn in functions}
    titles = {c.id: c.title for c in checks}
    changes: dict[str, tuple[str, str, str, list[str], list[str]]] = {}
    for f in findings:
        if f.status != Status.FAIL or f.waived:
            continue
        shared = _SHARED.get(f.check_id)
        target = shared[1](by_id[f.resource_id]) if shared else None
        if shared and target:
            kind, _, template = shared
            key, title = f"{kind}:{f.provider}:{target}", template.format(target)
        else:
            kind, target = "function-setting", f.resource_name
            key, title = f"{kind}:{f.check_id}:{f.resource_id}", f"{f.resource_name}: {titles[f.check_id]}"
        change = changes.setdefault(key, (kind, title, target, [], []))
        change[3].append(f.id)
        if f.resource_id not in change[4]:
            change[4].append(f.resource_id)
    return changes


def _points(own: dict[str, list[Finding]], fixed: set[str]) -> tuple[int, int]:
    """The graded functions' count and summed score, by grading's formula, once the findings in `fixed` pass."""
    scores = [score_findings([dataclasses.replace(f, status=Status.PASS) if f.id in fixed else f for f in mine]).score
              for mine in own.values()]
    return sum(s is not None for s in scores), sum(s for s in scores if s is not None)


def check_plan(plan: RemediationPlan | None, functions: list[ServerlessFunction], findings: list[Finding],
               checks: list[CheckMeta]) -> None:
    """The plan holds exactly the changes above; each step's score is what grading computes with the findings
    of that change and those above it passing; the first step is the single change that gains most."""
    changes = plan_changes(functions, findings, checks)
    if not changes:
        assert plan is None
        return
    own: dict[str, list[Finding]] = {fn.id: [] for fn in functions}
    for f in findings:
        own[f.resource_id].append(f)
    graded, points = _points(own, set())
    assert plan is not None and plan.changes_total == len(changes)
    assert plan.estate_score == round(points / graded)
    fixed: set[str] = set()
    previous = plan.estate_score
    for change in plan.changes:
        kind, title, target, finding_ids, function_ids = changes[change.key]
        assert (change.kind, change.title, change.target, change.findings, change.functions) == (
            kind, title, target, len(finding_ids), function_ids)
        fixed |= set(finding_ids)
        score = round(_points(own, fixed)[1] / graded)
        assert (change.estate_score_after, change.gain) == (score, score - previous), change.key
        previous = score

    def first_rank(key: str) -> tuple[int, int, str]:
        ids = changes[key][3]
        touched = {fid: own[fid] for fid in changes[key][4]}
        return _points(touched, set())[1] - _points(touched, set(ids))[1], -len(ids), key

    assert plan.changes[0].key == min(changes, key=first_rank)
