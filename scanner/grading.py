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

from collections import Counter
from collections.abc import Iterable

from scanner.document import FunctionScore, GroupScore, Score, Scores
from scanner.findings import Finding, Pillar, Severity, Status
from scanner.inventory import ServerlessFunction

PENALTY = {Severity.critical: 40, Severity.high: 20, Severity.medium: 8, Severity.low: 3, Severity.info: 0}
CAP = {Severity.critical: 49, Severity.high: 79}
GRADES = ((90, "A"), (80, "B"), (70, "C"), (60, "D"), (0, "F"))
NO_GRADE = "n/a"


def grade(score: float) -> str:
    return next(letter for floor, letter in GRADES if score >= floor)


def failing_score(severities: Iterable[Severity]) -> tuple[int, dict[str, int], str | None]:
    """An assessed scope's score from its failing unwaived findings' severities: value, counts, cap."""
    counts: dict[str, int] = {}
    penalty = 0
    for severity in severities:  # a plain loop: the plan's ranking calls this once per change it weighs
        counts[severity.value] = counts.get(severity.value, 0) + 1
        penalty += PENALTY[severity]
    value = max(0, 100 - penalty)
    for severity, cap in CAP.items():
        if counts.get(severity.value):
            # Named even when the penalties already took the score below the cap: the cap still
            # decides that fixing everything else cannot lift the grade past it.
            return min(value, cap), counts, f"{counts[severity.value]} {severity.value} finding(s)"
    return value, counts, None


def score_findings(findings: list[Finding]) -> Score:
    applicable = [f for f in findings if f.status != Status.NOT_APPLICABLE]
    assessed = sum(f.status in (Status.PASS, Status.FAIL) for f in applicable)
    if not assessed:
        why = "nothing could be assessed" if applicable else "no check applies"
        return Score(score=None, grade=NO_GRADE, reason=why, applicable=len(applicable),
                     coverage=0.0 if applicable else None)
    value, counts, capped_by = failing_score(f.severity for f in applicable if f.status == Status.FAIL and not f.waived)
    return Score(score=value, grade=grade(value), failing=counts, capped_by=capped_by, assessed=assessed,
                 applicable=len(applicable), coverage=assessed / len(applicable))


def score_function(function_id: str, findings: list[Finding]) -> FunctionScore:
    by_pillar: dict[Pillar, list[Finding]] = {p: [] for p in Pillar}
    for f in findings:
        by_pillar[f.pillar].append(f)
    return FunctionScore(function_id=function_id, overall=score_findings(findings),
                         pillars={p.value: score_findings(own) for p, own in by_pillar.items()})


class ScoreSum:
    """The mean of many scores, kept as running sums so that no per-function list is needed."""

    __slots__ = ("applicable", "assessed", "failing", "graded", "members", "points")

    def __init__(self) -> None:
        self.members = self.graded = self.points = self.assessed = self.applicable = 0
        self.failing: Counter[str] = Counter()

    def add(self, s: Score) -> None:
        self.members += 1
        if s.score is not None:
            self.graded += 1
            self.points += s.score
        self.failing.update(s.failing)
        self.assessed += s.assessed
        self.applicable += s.applicable

    def result(self) -> Score:
        failing, applicable = dict(self.failing), self.applicable
        coverage = self.assessed / applicable if applicable else None
        if not self.graded:
            why = ("no function was scanned" if not self.members
                   else "nothing could be assessed" if applicable else "no check applies")
            return Score(score=None, grade=NO_GRADE, failing=failing, reason=why, applicable=applicable,
                         coverage=coverage)
        value = round(self.points / self.graded)
        return Score(score=value, grade=grade(value), failing=failing, assessed=self.assessed, applicable=applicable,
                     coverage=coverage)


class GroupSum:
    """An account's or the estate's score: its functions' scores and pillar scores, folded one at a time."""

    __slots__ = ("overall", "pillars")

    def __init__(self) -> None:
        self.overall = ScoreSum()
        self.pillars = {p.value: ScoreSum() for p in Pillar}

    def add(self, s: FunctionScore) -> None:
        self.overall.add(s.overall)
        for pillar, score in s.pillars.items():
            self.pillars[pillar].add(score)

    def result(self, provider: str | None, account: str | None) -> GroupScore:
        return GroupScore(provider=provider, account=account, overall=self.overall.result(),
                          pillars={p: total.result() for p, total in self.pillars.items()},
                          functions=self.overall.members)


class Grades:
    """Per account and for the estate; each function's own score goes out with its result, not kept here."""

    def __init__(self) -> None:
        self.accounts: dict[tuple[str, str], GroupSum] = {}
        self.estate = GroupSum()

    def add(self, fn: ServerlessFunction, s: FunctionScore) -> None:
        self.accounts.setdefault((fn.provider, fn.account), GroupSum()).add(s)
        self.estate.add(s)

    def scores(self) -> Scores:
        return Scores(accounts=[total.result(p, a) for (p, a), total in sorted(self.accounts.items())],
                      estate=self.estate.result(None, None))

