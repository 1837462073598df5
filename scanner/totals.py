"""Totals: everything a scan derives from its findings, folded one function at a time.

A streaming scan sees each function once, with its findings, and then lets go of both. What the
document needs of the whole estate (summary, grades per account and estate, compliance, attack paths,
waiver use, the remediation plan) is kept here as counters and running sums, plus the compact input
the plan's global ranking needs; nothing else per function.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from scanner import compliance
from scanner.attack_paths import function_paths, ranked
from scanner.document import AttackPath, ComplianceFramework, RemediationPlan, Scores, Summary, WaiverUse
from scanner.findings import CheckMeta, Finding, Severity, Status
from scanner.grading import Grades, score_function
from scanner.inventory import ServerlessFunction
from scanner.provider import TargetStatus
from scanner.remediation_plan import PlanInput
from scanner.results import FunctionResult
from scanner.waivers import Waiver, WaiverIndex


@dataclass(slots=True)
class Aggregates:
    scores: Scores  # accounts and estate; each function's own score went out with its result
    compliance: list[ComplianceFramework]
    waivers: list[WaiverUse]
    summary: Summary
    attack_paths: list[AttackPath]
    remediation_plan: RemediationPlan | None


class Totals:
    def __init__(self, checks: list[CheckMeta], waivers: list[Waiver], scan_date: date,
                 frameworks: list[str] | None) -> None:
        self.checks = checks
        self.frameworks = frameworks
        self.waivers = WaiverIndex(waivers, [c.id for c in checks], scan_date)
        self.grades = Grades()
        self.counts = compliance.CheckCounts()
        self.plan = PlanInput(checks)
        self.paths: list[AttackPath] = []
        self.functions = 0
        self.by_status = {s.value: 0 for s in Status}
        self.by_severity = {s.value: 0 for s in Severity}
        self.unknown: Counter[str] = Counter()

    def add(self, fn: ServerlessFunction, findings: list[Finding]) -> FunctionResult:
        """Waive, score and count one function's findings (waivers are set on the findings themselves)."""
        self.waivers.apply(fn, findings)
        score = score_function(fn.id, findings)
        self.grades.add(fn, score)
        self.counts.add(findings)
        self.plan.add(fn, findings, score.overall.score)
        self.paths += function_paths(fn, findings)
        self.functions += 1
        for f in findings:
            self.by_status[f.status.value] += 1
            if f.status == Status.FAIL and not f.waived:
                self.by_severity[f.severity.value] += 1
        self.unknown.update(fn.unknown.keys())
        return FunctionResult(fn, findings, score)

    def finish(self, targets: list[TargetStatus]) -> Aggregates:
        summary = Summary(functions=self.functions, findings_by_status=dict(self.by_status),
                          failures_by_severity=dict(self.by_severity),
                          targets_incomplete=sum(t.status != "complete" for t in targets),
                          unknown_facts=dict(self.unknown.most_common()))
        return Aggregates(scores=self.grades.scores(),
                          compliance=compliance.evaluate(self.checks, self.counts, self.frameworks),
                          waivers=self.waivers.uses(), summary=summary, attack_paths=ranked(self.paths),
                          remediation_plan=self.plan.build())
