"""Scores and letter grades per function, pillar, account and estate.

The formula (also in the README):
- a function starts at 100 and loses, per failing unwaived finding, by severity:
  critical 40, high 20, medium 8, low 3, info 0; the score never goes below 0;
- one critical finding caps the function at 49 (grade F), one high finding caps it at 79 (C);
- a pillar score is the same formula over that pillar's findings;
- an account's or the estate's score is the mean of its functions' scores (pillars likewise), and
  it carries the number of failures by severity;
- grades: A >= 90, B >= 80, C >= 70, D >= 60, F below 60.
NOT_ASSESSED findings cost nothing, so every score carries its coverage (assessed / applicable
findings) and is shown with it ("C (72), 60% of checks assessed"); a scope where nothing was
assessed has no grade ("n/a", with the reason), never an A.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from statistics import mean

from scanner.document import FunctionScore, GroupScore, Score, Scores
from scanner.findings import Finding, Pillar, Severity, Status
from scanner.inventory import ServerlessFunction

PENALTY = {Severity.critical: 40, Severity.high: 20, Severity.medium: 8, Severity.low: 3, Severity.info: 0}
CAP = {Severity.critical: 49, Severity.high: 79}
GRADES = ((90, "A"), (80, "B"), (70, "C"), (60, "D"), (0, "F"))
NO_GRADE = "n/a"


def grade(score: float) -> str:
    return next(letter for floor, letter in GRADES if score >= floor)


def _penalised(findings: list[Finding]) -> tuple[int, Counter[str], str | None]:
    """The formula over the failing unwaived findings: the value, the failures by severity, and the cap applied."""
    failing = [f for f in findings if f.status == Status.FAIL and not f.waived]
    counts = Counter(f.severity.value for f in failing)
    value = max(0, 100 - sum(PENALTY[f.severity] for f in failing))
    capped_by = None
    for severity, cap in CAP.items():
        if counts.get(severity.value):
            # Named even when the penalties already took the score below the cap: the cap still
            # decides that fixing everything else cannot lift the grade past it.
            value, capped_by = min(value, cap), f"{counts[severity.value]} {severity.value} finding(s)"
            break
    return value, counts, capped_by


def score_value(findings: list[Finding]) -> int | None:
    """The score alone, None when nothing was assessed: what the remediation plan recomputes for every
    candidate change, without building a Score."""
    if not any(f.status in (Status.PASS, Status.FAIL) for f in findings):
        return None
    return _penalised(findings)[0]


def score_findings(findings: list[Finding]) -> Score:
    applicable = [f for f in findings if f.status != Status.NOT_APPLICABLE]
    assessed = sum(f.status in (Status.PASS, Status.FAIL) for f in applicable)
    if not assessed:
        why = "nothing could be assessed" if applicable else "no check applies"
        return Score(score=None, grade=NO_GRADE, reason=why, applicable=len(applicable),
                     coverage=0.0 if applicable else None)
    value, counts, capped_by = _penalised(applicable)
    return Score(score=value, grade=grade(value), failing=dict(counts), capped_by=capped_by, assessed=assessed,
                 applicable=len(applicable), coverage=assessed / len(applicable))


def _mean(scores: list[Score]) -> Score:
    graded = [s for s in scores if s.score is not None]
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
    value = round(mean(s.score for s in graded if s.score is not None))
    return Score(score=value, grade=grade(value), failing=dict(failing), assessed=assessed, applicable=applicable,
                 coverage=coverage)


def _group(provider: str | None, account: str | None, members: list[FunctionScore]) -> GroupScore:
    pillars = {p.value: _mean([m.pillars[p.value] for m in members if p.value in m.pillars]) for p in Pillar}
    return GroupScore(provider=provider, account=account, overall=_mean([m.overall for m in members]),
                      pillars=pillars, functions=len(members))


def grade_all(functions: list[ServerlessFunction], findings: list[Finding]) -> Scores:
    by_function: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_function[f.resource_id].append(f)
    scored = []
    for fn in functions:
        own = by_function[fn.id]
        pillars = {p.value: score_findings([f for f in own if f.pillar == p]) for p in Pillar}
        scored.append(FunctionScore(function_id=fn.id, overall=score_findings(own), pillars=pillars))
    by_account: dict[tuple[str, str], list[FunctionScore]] = defaultdict(list)
    for fn, s in zip(functions, scored, strict=True):
        by_account[(fn.provider, fn.account)].append(s)
    accounts = [_group(p, a, members) for (p, a), members in sorted(by_account.items())]
    return Scores(functions=scored, accounts=accounts, estate=_group(None, None, scored))
