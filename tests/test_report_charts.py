"""The HTML report's charts, attack-path graphs, remediation plan and history: each chart's numbers,
read back from its SVG and its data table, are the document's numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from markupsafe import escape

import reports
from scanner.document import FindingChange, HistorySummary, ScanDocument, TrendPoint
from scanner.findings import Severity, Status
from scanner.inventory import Grant, InvocationPath, ServerlessFunction
from scanner.provider import Collection
from scanner.run import assemble

HOSTILE = "<script>alert('x')</script>\"quoted\""


def _function(i: int) -> ServerlessFunction:
    fn = ServerlessFunction(provider=("aws", "gcp")[i % 2], account=f"acct-{i % 3}", region="r1", id=f"fn:{i}",
                            name=HOSTILE if i == 0 else f"svc-{i:02d}", kind="test")
    fn.identity.kind = "aws_iam_role"
    fn.identity.principal = f"role-{i % 4}"
    if i % 3 == 0:
        fn.identity.admin = [Grant(source="AdministratorAccess", actions=["*"], resources=["*"], reason="all")]
    if i % 2 == 0:
        fn.network.invocation = [InvocationPath(via="api_gateway", principal="*", principal_kind="anonymous",
                                                auth="none", front_door="api-123", route="POST /orders")]
    return fn


@pytest.fixture(scope="module")
def doc() -> ScanDocument:
    doc = assemble({"test": Collection(functions=[_function(i) for i in range(24)])}, datetime.now(UTC),
                   date(2026, 11, 28))
    start = datetime(2026, 11, 1, tzinfo=UTC)
    trend = [TrendPoint(scan_id=f"s{i}", finished_at=start + timedelta(days=7 * i), estate_score=score,
                        estate_grade=grade, failing={"critical": crit, "high": 10 - i})
             for i, (score, grade, crit) in enumerate([(20, "F", 9), (35, "F", 7), (61, "D", 2)])]
    doc.history = HistorySummary(
        store="/tmp/history", previous_scan_id="s1", counts={"new": 3, "resolved": 5, "changed": 1, "unchanged": 40},
        changes=[FindingChange(finding_id="f1", check_id="ZT-NET-001", title="Public", severity=Severity.critical,
                               resource_id="fn:2", resource_name=HOSTILE, delta="new", status=Status.FAIL)],
        trend=trend)
    return doc


@pytest.fixture(scope="module")
def html(doc: ScanDocument) -> str:
    return reports.rendered(doc, "html").decode()


def _figure(html: str, chart_id: str) -> ET.Element:
    match = re.search(rf'<figure class="chart" id="{chart_id}">.*?</figure>', html, re.S)
    assert match, f"{chart_id} missing"
    return ET.fromstring(match.group(0))


SVG = "{http://www.w3.org/2000/svg}"


def _bars(figure: ET.Element) -> dict[str, float]:
    rects = [r for r in figure.iter(f"{SVG}rect") if r.get("class") == "bar"]
    return {r.get("data-label"): float(r.get("data-value")) for r in rects}


def _table(figure: ET.Element) -> list[list[str]]:
    return [[c.text or "" for c in row] for row in figure.iter("tr")][1:]


def test_every_chart_has_a_title_a_description_and_no_script(html: str) -> None:
    for chart_id in ("chart-severity", "chart-pillars", "chart-grades", "chart-heatmap", "chart-compliance",
                     "chart-trend-grade", "chart-trend-failing"):
        figure = _figure(html, chart_id)
        svg = figure.find(f"{SVG}svg")
        assert svg.get("role") == "img" and svg.find(f"{SVG}title").text and svg.find(f"{SVG}desc").text
        assert svg.get("aria-labelledby") == f"{chart_id}-t {chart_id}-d"
        assert not list(figure.iter(f"{SVG}script")) and not list(figure.iter(f"{SVG}image"))
    assert not re.search(r'(?:href|src)="https?:', html), "nothing from outside"


def test_severity_chart_matches_the_summary(html: str, doc: ScanDocument) -> None:
    figure = _figure(html, "chart-severity")
    assert _bars(figure) == {k: float(v) for k, v in doc.summary.failures_by_severity.items()}
    assert _table(figure) == [[k, str(v)] for k, v in doc.summary.failures_by_severity.items()]
    assert doc.summary.failures_by_severity["critical"] > 0


def test_pillar_grade_and_compliance_charts_match_the_scores(html: str, doc: ScanDocument) -> None:
    pillars = _figure(html, "chart-pillars")
    assert _bars(pillars) == {p: float(s.score or 0) for p, s in doc.scores.estate.pillars.items()}
    assert _table(pillars) == [[p, s.label()] for p, s in doc.scores.estate.pillars.items()]
    grades = Counter(s.overall.grade for s in doc.scores.functions)
    assert _bars(_figure(html, "chart-grades")) == {g: float(grades[g]) for g in "ABCDF"}
    compliance = _figure(html, "chart-compliance")
    assert _table(compliance) == [[fw.title, f"{fw.pass_rate:.0%}"] for fw in doc.compliance]
    assert len(doc.compliance) >= 2


def test_heat_map_cells_are_the_account_pillar_scores(html: str, doc: ScanDocument) -> None:
    cells = {(r.get("data-row"), r.get("data-column")): r.get("data-value")
             for r in _figure(html, "chart-heatmap").iter(f"{SVG}rect") if r.get("class") == "cell"}
    assert len(doc.scores.accounts) == 6
    for account in doc.scores.accounts:
        row = f"{account.provider} {account.account}"
        assert cells[(row, "overall")] == str(account.overall.score)
        for pillar, score in account.pillars.items():
            assert cells[(row, pillar)] == ("—" if score.score is None else str(score.score))


def test_trend_charts_and_since_the_last_scan(html: str, doc: ScanDocument) -> None:
    points = [(c.get("data-series"), float(c.get("data-value")))
              for c in _figure(html, "chart-trend-grade").iter(f"{SVG}circle")]
    assert points == [("estate score", float(p.estate_score)) for p in doc.history.trend]
    assert [row[1] for row in _table(_figure(html, "chart-trend-grade"))] == ["F 20", "F 35", "D 61"]
    failing = Counter()
    for c in _figure(html, "chart-trend-failing").iter(f"{SVG}circle"):
        failing[c.get("data-series")] += float(c.get("data-value"))
    assert failing["critical"] == 18 and failing["high"] == 27
    since = re.search(r'<section id="since-last-scan">.*?</section>', html, re.S).group(0)
    assert "<b>3</b> new, <b>5</b> resolved, <b>1</b> changed" in since
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&#34;quoted&#34;" in since and "<script>alert" not in since


def test_no_history_means_no_trend_and_no_since_section(doc: ScanDocument) -> None:
    html = reports.rendered(doc.model_copy(update={"history": None}), "html").decode()
    assert "chart-trend-grade" not in html and 'id="since-last-scan"' not in html


def test_attack_paths_are_drawn_hop_by_hop_beside_their_text(html: str, doc: ScanDocument) -> None:
    paths = [p for p in doc.attack_paths if not p.waived]
    assert paths
    for path in paths:
        nodes = [(r.get("data-role"), r.get("data-label"))
                 for r in _figure(html, f"path-{path.id}").iter(f"{SVG}rect") if r.get("class") == "node"]
        roles = [role for role, _ in nodes]
        assert roles[:3] == ["caller", "front door", "function"] and roles[-1] == "reach"
        assert nodes[1][1] == "api-123 POST /orders" and nodes[2][1] == path.function_name
    assert "&lt;script&gt;" in html and "<script>alert" not in html


def test_the_plan_section_shows_the_headline_and_the_changes(html: str, doc: ScanDocument) -> None:
    plan = doc.remediation_plan
    section = re.search(r'<section id="plan">.*?</section>', html, re.S).group(0)
    headline = re.sub(r"<[^>]+>|\s+", " ", re.search(r'<p class="plan-headline">.*?</p>', section, re.S).group(0))
    assert (f"takes the estate from {plan.estate_grade} ({plan.estate_score}) to "
            f"{plan.headline_grade} ({plan.headline_score})") in re.sub(r"\s+", " ", headline)
    assert section.count('<tr class="headline">') == min(plan.headline_changes, len(plan.changes))
    assert plan.changes[0].title in section


def test_capped_by_is_shown_in_the_lowest_graded_functions(doc: ScanDocument) -> None:
    capped = doc.model_copy(deep=True)
    worst = min(capped.scores.functions, key=lambda s: s.overall.score)
    worst.overall.capped_by = "1 critical finding(s)"
    grades = re.search(r'<section id="grades">.*?</section>', reports.rendered(capped, "html").decode(), re.S).group(0)
    name = next(fn.name for fn in capped.functions if fn.id == worst.function_id)
    row = next(r for r in grades.split("<tr>") if f"<td>{escape(name)}</td>" in r)
    assert "<td>1 critical finding(s)</td>" in row
