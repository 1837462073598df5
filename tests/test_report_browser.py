"""The HTML report in a real browser (Debian's headless Chromium driven by Playwright): offline,
filtering, sorting, a function page, hostile names shown as text, and a screenshot artifact."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import reports
from reports.html import ReportOptions
from scanner.inventory import Grant, InvocationPath, ServerlessFunction
from scanner.provider import Collection
from scanner.run import assemble
from scanner.waivers import Waiver

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"
HOSTILE = "<script>alert(1)</script>"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (scripts/install-browser.sh installs it)", allow_module_level=True)


def _function(i: int, name: str, public: bool) -> ServerlessFunction:
    fn = ServerlessFunction(provider=("aws", "gcp")[i % 2], account=f"acct-{i % 3}", region="r1",
                            id=f"fn:{i}", name=name, kind="test", tags={"note": HOSTILE})
    if public:
        fn.network.invocation = [InvocationPath(via="function_url", principal="*", principal_kind="anonymous",
                                                auth="none", evidence=f"URL {HOSTILE}")]
    if public and i % 8 == 0:  # an attack path for the graphs
        fn.identity.kind, fn.identity.principal = "aws_iam_role", f"role/admin-{i}"
        fn.identity.admin = [Grant(source="AdministratorAccess", actions=["*"], resources=["*"], reason="all")]
    return fn


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    functions = [_function(i, f"svc-{i:03d}", public=i % 4 == 0) for i in range(60)]
    functions.append(_function(60, HOSTILE, public=True))
    waiver = Waiver(check="ZT-NET-001", resource="svc-008", reason="behind a WAF", owner="web",
                    expires=date(2099, 1, 1))
    doc = assemble({"test": Collection(functions=functions)}, datetime.now(UTC), date(2026, 11, 28), [waiver])
    path = tmp_path_factory.mktemp("browser") / "ztscan.html"
    path.write_bytes(reports.rendered(doc, "html", ReportOptions(title="Browser test", client="ACME <Corp>")))
    return path


@pytest.fixture(scope="module")
def page(report: Path):
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.requests_seen = []  # type: ignore[attr-defined]
        page.dialogs = []  # type: ignore[attr-defined]
        page.on("request", lambda r: page.requests_seen.append(r.url))
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.goto(report.as_uri())
        yield page
        browser.close()


def test_report_opens_offline_without_any_network_request(page) -> None:
    assert [u for u in page.requests_seen if not u.startswith(("file:", "data:"))] == []
    assert page.title() == "Browser test — ACME <Corp>"


def test_hostile_names_render_as_text_and_never_run(page) -> None:
    page.fill("#filter-text", "script")
    rows = page.locator("#inventory-table tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td").first.inner_text() == HOSTILE
    assert page.dialogs == []


def test_filter_and_sort_the_inventory(page) -> None:
    page.fill("#filter-text", "")
    assert page.locator("#inventory-table tbody tr").count() == 61
    page.select_option("#filter-cloud", "gcp")
    assert page.locator("#inventory-table tbody tr").count() == 30
    page.select_option("#filter-cloud", "")
    page.click("th[data-key='n']")
    first = page.locator("#inventory-table tbody tr td").first.inner_text()
    page.click("th[data-key='n']")
    assert page.locator("#inventory-table tbody tr td").first.inner_text() != first
    assert "61 of 61 functions" in page.inner_text("#inventory-count")


def test_a_function_page_opens_with_its_findings(page) -> None:
    page.fill("#filter-text", "svc-004")
    page.click("#inventory-table tbody tr a")
    section = page.locator("#function-page")
    section.wait_for(state="visible")
    assert section.locator("h3").inner_text() == "svc-004"
    assert "ZT-NET-001" in section.inner_text() and "FAIL" in section.inner_text()
    assert f"URL {HOSTILE}" in section.inner_text() and page.dialogs == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-function-page.png"), full_page=False)
    page.goto(page.url.split("#")[0])
    page.screenshot(path=str(ARTIFACTS / "report-cover.png"), full_page=False)
    assert (ARTIFACTS / "report-cover.png").stat().st_size > 10_000


def test_a_function_page_shows_waived_and_unassessed_findings_with_their_evidence(page, report: Path) -> None:
    """The payload lists a function's findings as a status code per check and only the evidence of failing and
    unassessed ones; the page rebuilds every row from them."""
    data = page.evaluate("JSON.parse(document.getElementById('ztscan-data').textContent)")
    entry = next(f for f in data["functions"] if f["n"] == "svc-008")
    net_001 = next(i for i, c in enumerate(data["checks"]) if c["id"] == "ZT-NET-001")
    assert len(entry["x"]) == len(data["checks"]) and entry["x"][net_001] == "f", "failing, waived"
    assert len(entry["ev"]) == sum(code in "FUfu" for code in entry["x"])
    page.goto(page.url.split("#")[0] + "#fn-" + str(data["functions"].index(entry)))
    section = page.locator("#function-page")
    section.wait_for(state="visible")
    waived = section.locator("tr", has_text="ZT-NET-001").inner_text()
    assert "WAIVED" in waived and f"URL {HOSTILE}" in waived
    unassessed = section.locator("tr", has_text="NOT_ASSESSED").first.inner_text()
    assert "could not be read" in unassessed
    findings = section.locator("table").last.locator("tr")
    assert findings.count() == 1 + len(entry["x"]) - entry["x"].count("-"), "a row per finding under the header"


def test_summary_charts_render_with_their_numbers(page) -> None:
    page.goto(page.url.split("#")[0])
    for chart in ("chart-severity", "chart-pillars", "chart-grades", "chart-heatmap"):
        box = page.locator(f"#{chart} svg").bounding_box()
        assert box and box["width"] > 200 and box["height"] > 60, chart
    shown = page.eval_on_selector_all("#chart-severity rect.bar", "bars => bars.map(b => [b.dataset.label, "
                                      "Number(b.dataset.value), b.getBoundingClientRect().width])")
    failing = page.evaluate("JSON.parse(document.getElementById('ztscan-data').textContent).functions"
                            ".reduce((n, f) => n + f.f, 0)")
    assert sum(value for _, value, _ in shown) == failing, "the severity bars add up to the failing checks"
    widths = {label: width for label, _, width in shown}
    values = {label: value for label, value, _ in shown}
    top = max(values, key=values.get)
    assert all(widths[label] <= widths[top] for label in widths), "the longest bar is the largest count"
    assert page.locator("#plan-table tr").count() > 1 and page.locator("#attack-paths figure.chart").count() > 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#summary").screenshot(path=str(ARTIFACTS / "report-summary-charts.png"))
    page.locator("#plan").screenshot(path=str(ARTIFACTS / "report-remediation-plan.png"))
    page.locator("#attack-paths").screenshot(path=str(ARTIFACTS / "report-attack-paths.png"))
    assert (ARTIFACTS / "report-summary-charts.png").stat().st_size > 20_000
    page.emulate_media(media="print")
    assert page.locator("#chart-severity details.chart-data table").is_visible(), "printed with its numbers"
    page.emulate_media(media="screen")
