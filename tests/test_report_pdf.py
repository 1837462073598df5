"""The PDF report through the real CLI: pages, running header and page numbers, what a client reads on
them (client, grade, every top risk), hostile cloud strings as text, no secret value, pages as PNG."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import reports
from reports.html import pillar_rows, top_risks_of
from reports.tally import tally
from scanner.document import ScanDocument
from scanner.inventory import Grant, InvocationPath, ServerlessFunction
from scanner.provider import Collection
from scanner.run import assemble
from scanner.secret_values import classify
from tests.conftest import CliResult, run_cli

pypdf = pytest.importorskip("pypdf", reason="pypdf is in the test extra")
pytest.importorskip("weasyprint", reason="WeasyPrint is the pdf extra, pulled in by the test extra")

ARTIFACTS = Path(__file__).parent.parent / "test-artifacts"
HOSTILE = "<script>alert('pdf')</script>"
CLIENT = 'ACME "Quoted" & Sons'
SECRET = "sk_live_51H8xYzAbCdEfGhIjKlMnOpQrStUvWx"


def _function(i: int) -> ServerlessFunction:
    fn = ServerlessFunction(provider="aws", account=f"1111222233{i % 2}", region="eu-west-1", id=f"fn:{i}",
                            name=HOSTILE if i == 1 else f"billing-{i:02d}", kind="lambda")
    fn.identity.kind = "aws_iam_role"
    fn.identity.principal = f"arn:aws:iam::111122223333:role/r{i % 3}"
    fn.secrets.settings = [classify("STRIPE_API_KEY", SECRET)] if i % 2 else []
    if i % 3 == 0:
        fn.identity.admin = [Grant(source="AdministratorAccess", actions=["*"], resources=["*"], reason="all")]
    if i % 2:
        fn.network.invocation = [InvocationPath(via="function_url", principal="*", principal_kind="anonymous",
                                                auth="none", evidence="AuthType NONE")]
    return fn


@pytest.fixture(scope="module")
def doc() -> ScanDocument:
    return assemble({"test": Collection(functions=[_function(i) for i in range(12)])}, datetime.now(UTC),
                    date(2026, 11, 28))


@pytest.fixture(scope="module")
def rendered(doc: ScanDocument, tmp_path_factory: pytest.TempPathFactory) -> tuple[CliResult, bytes]:
    out = tmp_path_factory.mktemp("pdf")
    scan = out / "scan.json"
    scan.write_bytes(reports.rendered(doc, "json"))
    result = run_cli(["report", str(scan), "--format", "pdf", "--out", str(out), "--title", "Serverless review",
                      "--client", CLIENT], out)
    assert result.code == 0, result.stderr
    return result, (out / "ztscan.pdf").read_bytes()


@pytest.fixture(scope="module")
def pages(rendered: tuple[CliResult, bytes]) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(rendered[1])).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_paged_document_with_a_cover_contents_and_page_numbers(pages: list[str]) -> None:
    assert 8 <= len(pages) <= 40
    cover = _flat(pages[0])
    assert "Serverless review" in cover and f"Prepared for {CLIENT}" in cover
    assert "Page 1 of" not in cover, "the cover carries no running header or footer"
    assert "Contents" in pages[1] and "Executive summary" in pages[1] and "Appendix: inventory" in pages[1]
    for n, text in enumerate(pages[1:], 2):
        assert f"Page {n} of {len(pages)}" in text and "Serverless review" in text, f"page {n}"


def test_the_client_reads_the_grade_and_every_top_risk(doc: ScanDocument, pages: list[str]) -> None:
    grade = doc.scores.estate.overall
    assert f"Estate grade {grade.detail()}" in _flat(pages[0])
    summary = _flat(next(p for p in pages if "Top risks" in p))
    assert f"The estate grades {grade.grade} {grade.detail()}" in summary
    risks = top_risks_of(doc, pillar_rows(doc, tally(doc, set()).counts))
    assert risks
    for risk in risks:
        assert _flat(risk) in summary
    plan = doc.remediation_plan
    assert (f"Fixing these {plan.headline_changes} change(s) takes the estate from {plan.estate_grade} "
            f"({plan.estate_score})") in _flat(" ".join(pages))
    remediation = _flat(next(p for p in pages if "Findings by pillar" in p and "ZT-" in p))
    assert "aws:" in remediation


def test_hostile_strings_are_text_and_no_secret_value_is_in_it(rendered: tuple[CliResult, bytes],
                                                               pages: list[str]) -> None:
    everything = _flat(" ".join(pages))
    assert HOSTILE in everything, "a cloud string is printed, never interpreted"
    assert SECRET not in everything and SECRET.encode() not in rendered[1]
    assert SECRET[:4] + "…" in everything or "sk_l" in everything, "only the 4-character preview"


def test_pages_render_to_png_artifacts(rendered: tuple[CliResult, bytes], tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: scripts/install-pdf-deps.sh installs it")
    pdf = tmp_path / "ztscan.pdf"
    pdf.write_bytes(rendered[1])
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "4", str(pdf), str(ARTIFACTS / "report-pdf-page")],
                   check=True, timeout=120)
    shots = sorted(ARTIFACTS.glob("report-pdf-page-*.png"))
    assert len(shots) >= 4 and all(s.stat().st_size > 5_000 for s in shots)


def test_without_the_pdf_extra_it_is_one_line_naming_the_extra(tmp_path: Path, doc: ScanDocument) -> None:
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "weasyprint.py").write_text('raise ImportError("No module named \'weasyprint\'")\n')
    scan = tmp_path / "scan.json"
    scan.write_bytes(reports.rendered(doc, "json"))
    env = {"PYTHONPATH": f"{blocker}:{Path(__file__).parent.parent}"}
    for args in (["report", str(scan), "--format", "html,pdf", "--out", str(tmp_path / "out")],
                 ["demo", "--format", "pdf", "--out", str(tmp_path / "demo")]):
        result = run_cli(args, env=env, timeout=60)
        assert result.code == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert re.search(r"ztscan\[pdf\]", result.stderr)
        assert not (tmp_path / "out" / "ztscan.html").exists(), "nothing written before the error"
        assert not (tmp_path / "demo").exists(), "the demo never started"
