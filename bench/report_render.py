"""Benchmark: the reports of a synthetic 5,000-function scan, and the demo's PDF.

Prints, for the synthetic estate: the HTML render time and size, how long Chromium takes to load and
paint it (when Chromium and Playwright are installed), the JSON render, and the PDF render time, size
and peak memory (the PDF is built from summaries, so it stays flat as the estate grows). With --demo,
also the PDF of the built-in demo estate (scanned on its emulators first).
Targets: HTML under 10 MB, painted in Chromium under 2 s; the demo's PDF under 10 s.
Usage: python bench/report_render.py [--functions 5000] [--demo]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from reports.html import ReportOptions, render_html
from reports.json import render_json
from scanner.document import ScanDocument
from scanner.inventory import Grant, InvocationPath, ServerlessFunction
from scanner.provider import Collection
from scanner.run import assemble
from scanner.secret_values import classify

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def synthetic_function(i: int) -> ServerlessFunction:
    provider = ("aws", "azure", "gcp")[i % 3]
    bare = ServerlessFunction(provider=provider, account=f"acct-{i % 12}", region=f"region-{i % 6}",
                              id=f"{provider}:function:fn-{i:05d}", name=f"fn-{i:05d}", kind="bench",
                              tags={"team": f"t{i % 40}", "env": "prod" if i % 2 else "dev"})
    # A synthetic estate where every fact was read: its defaults are the facts.
    fn = ServerlessFunction.model_validate(bare.model_dump(exclude_computed_fields=True))
    fn.identity.kind = "aws_iam_role"
    fn.identity.principal = f"role-{i % 50}"
    if i % 7 == 0:
        fn.identity.admin = [Grant(source="AdministratorAccess", actions=["*"], resources=["*"], reason="all")]
    if i % 5 == 0:
        fn.network.invocation = [InvocationPath(via="function_url", principal="*", principal_kind="anonymous",
                                                auth="none", evidence="function URL AuthType NONE")]
    fn.secrets.settings = [classify("TABLE", f"t{i}"), classify("API_KEY", f"k{i}-Xy7Qw9Lm2Pz8Rt5Vb3Nc6")]
    fn.runtime.name = ("python3.9", "node|22", "python312")[i % 3]
    fn.runtime.deprecated_on = date(2025, 12, 15) if i % 4 == 0 else None
    return fn


def estate(count: int) -> list[ServerlessFunction]:
    return [synthetic_function(i) for i in range(count)]


def timed(label: str, render, *args) -> object:  # type: ignore[no-untyped-def]
    started, cpu = time.perf_counter(), time.process_time()
    out = render(*args)
    size = len(out.encode()) if isinstance(out, str) else len(out)
    # CPU time beside wall time: on a shared machine the wall time also counts waiting for a core.
    print(f"{label}: {time.perf_counter() - started:.2f} s ({time.process_time() - cpu:.2f} s CPU), "
          f"{size / 1e6:.2f} MB")
    return out


def chromium_paint(html: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ztscan.html"
        path.write_text(html)
        print(paint_file(path)[1])


def paint_file(path: Path, timeout_s: float = 60) -> tuple[bool | None, str]:
    """Load, script and paint a report in headless Chromium: (True, what it took) once painted, (False,
    why) when it did not open in time or failed, (None, why) when Chromium or Playwright is missing."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        return None, "Chromium: skipped (playwright is in the test extra)"
    if not Path(CHROMIUM).exists():
        return None, "Chromium: skipped (scripts/install-browser.sh installs it)"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")
            started = time.perf_counter()
            page.goto(path.as_uri(), wait_until="load", timeout=timeout_s * 1000)
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            wall = time.perf_counter() - started
            metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            rows = page.locator("#inventory-table tbody tr").count()
        except Error as exc:
            return False, f"Chromium: did not open the report ({str(exc).splitlines()[0]})"
        finally:
            browser.close()
    return True, (f"Chromium: loaded, scripted and painted in {wall:.2f} s ({metrics['TaskDuration']:.2f} s of "
                  f"main-thread work: script {metrics['ScriptDuration']:.2f} s, layout "
                  f"{metrics['LayoutDuration']:.2f} s; {rows} inventory rows)")


def pdf(doc: ScanDocument, label: str) -> None:
    from reports.pdf import PdfUnavailable, check_available, render_pdf

    try:
        check_available()
    except PdfUnavailable as exc:
        print(f"{label}: skipped ({exc})")
        return
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    timed(label, render_pdf, doc, ReportOptions(client="Bench client"))
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label}: peak RSS of this process {after:.0f} MiB (was {before:.0f} MiB before the PDF)")


def demo_document() -> ScanDocument:
    from scanner.demo import demo_providers
    from scanner.progress import make_progress

    started = datetime.now(UTC)
    with demo_providers(quiet=True) as providers, make_progress(True) as progress:
        collections = {p.name: p.collect(progress) for p in providers}
    return assemble(collections, started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=5000)
    parser.add_argument("--demo", action="store_true", help="also scan the demo estate and time its PDF")
    args = parser.parse_args()
    doc = assemble({"bench": Collection(functions=estate(args.functions))}, datetime.now(UTC), date(2026, 11, 28))
    print(f"{len(doc.functions)} functions, {len(doc.findings)} findings, {len(doc.attack_paths)} attack paths, "
          f"{doc.remediation_plan.changes_total if doc.remediation_plan else 0} remediation changes")
    html = timed("HTML", render_html, doc)
    chromium_paint(html)
    timed("JSON", render_json, doc)
    pdf(doc, f"PDF of {len(doc.functions)} functions")
    if args.demo:
        demo = demo_document()
        pdf(demo, f"PDF of the demo ({len(demo.functions)} functions)")


if __name__ == "__main__":
    main()
