"""Grades never speak for more than was assessed: n/a where nothing was, coverage where part was."""

from __future__ import annotations

from datetime import UTC, date, datetime

from scanner.findings import Finding, Pillar, Severity, Status
from scanner.grading import score_findings
from scanner.provider import Collection, TargetStatus
from scanner.run import assemble, exit_code


def _finding(check: str, severity: Severity, status: Status) -> Finding:
    return Finding(id=Finding.stable_id(check, "fn"), check_id=check, title=check, pillar=Pillar.network,
                   severity=severity, status=status, provider="aws", account="a", region="r", resource_id="fn",
                   resource_name="fn")


def test_a_scan_whose_every_target_failed_has_no_grade_and_exits_3() -> None:
    dead = TargetStatus(provider="aws", account="111122223333", region="eu-west-1", status="failed",
                        error="could not connect to the endpoint")
    doc = assemble({"aws": Collection(functions=[], targets=[dead])}, datetime.now(UTC), date(2026, 11, 28))
    assert doc.scores.estate is not None
    estate = doc.scores.estate.overall
    assert (estate.grade, estate.score, estate.reason) == ("n/a", None, "no function was scanned")
    assert estate.label() == "n/a (no function was scanned)"
    assert exit_code(doc, None) == 3


def test_a_partly_assessed_function_shows_its_coverage() -> None:
    findings = [_finding("A", Severity.medium, Status.FAIL), _finding("B", Severity.low, Status.PASS)]
    findings += [_finding(f"N{i}", Severity.high, Status.NOT_ASSESSED) for i in range(3)]
    findings.append(_finding("X", Severity.high, Status.NOT_APPLICABLE))
    score = score_findings(findings)
    assert (score.score, score.assessed, score.applicable, score.coverage) == (92, 2, 5, 0.4)
    assert score.label() == "A (92), 40% of checks assessed"


def test_nothing_assessed_is_no_grade_rather_than_an_a() -> None:
    score = score_findings([_finding("N", Severity.critical, Status.NOT_ASSESSED)])
    assert score.label() == "n/a (nothing could be assessed)"
    assert score_findings([_finding("X", Severity.low, Status.NOT_APPLICABLE)]).reason == "no check applies"


def test_capped_by_is_named_even_when_penalties_already_took_the_score_below_the_cap() -> None:
    two_critical = [_finding("C1", Severity.critical, Status.FAIL), _finding("C2", Severity.critical, Status.FAIL)]
    score = score_findings(two_critical)
    assert (score.score, score.grade, score.capped_by) == (20, "F", "2 critical finding(s)")
    one_high = score_findings([_finding("H", Severity.high, Status.FAIL)])
    assert (one_high.score, one_high.capped_by) == (79, "1 high finding(s)")
    assert score_findings([_finding("M", Severity.medium, Status.FAIL)]).capped_by is None
