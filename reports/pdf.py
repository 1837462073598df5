"""The paged PDF report for a client, from WeasyPrint (HTML and CSS paged media, no browser).

Built from summaries only: charts, the first attack paths, the top of the remediation plan, per-check
counts and a capped inventory appendix, so its size and memory stay flat however large the estate.
"""

from __future__ import annotations

import heapq

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from reports.html import ReportOptions, logo_uri, pillar_rows, top_risks_of
from reports.visuals import path_graphs, plan_of, summary_charts, trend_charts
from scanner.document import ScanDocument, Score

APPENDIX_ROWS = 200
PDF_GRAPHS = 10
PDF_PLAN_ROWS = 20
EXTRA_HINT = "PDF output needs the 'pdf' extra: pip install 'ztscan[pdf]'"

_env = Environment(loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(default=True),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it loads (Pango) are missing."""


def check_available() -> None:
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        raise PdfUnavailable(EXTRA_HINT) from None
    except OSError as exc:  # WeasyPrint loads Pango when imported
        raise PdfUnavailable(f"PDF output needs Pango (Debian: apt-get install libpango-1.0-0 "
                             f"libpangoft2-1.0-0): {' '.join(str(exc).split())[:160]}") from None


def pdf_html(doc: ScanDocument, options: ReportOptions | None = None) -> str:
    options = options or ReportOptions()
    pillars = pillar_rows(doc)
    scores = {s.function_id: s.overall for s in doc.scores.functions}
    by_score = heapq.nsmallest(APPENDIX_ROWS, doc.functions,
                               key=lambda fn: (_rank(scores.get(fn.id)), fn.name))
    return _env.get_template("pdf.html.j2").render(
        doc=doc, options=options, logo=logo_uri(options.logo), pillars=pillars,
        top_risks=top_risks_of(doc, pillars), charts=summary_charts(doc), trend=trend_charts(doc),
        graphs=path_graphs(doc)[:PDF_GRAPHS], paths_total=sum(not p.waived for p in doc.attack_paths),
        plan=plan_of(doc), plan_rows=PDF_PLAN_ROWS, clouds=sorted({fn.provider for fn in doc.functions}),
        inventory=[(fn, scores.get(fn.id)) for fn in by_score],
    )


def _rank(score: Score | None) -> int:
    return score.score if score is not None and score.score is not None else 101


def render_pdf(doc: ScanDocument, options: ReportOptions | None = None) -> bytes:
    check_available()
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # No base URL and data: URIs only: a cloud string can never make the renderer read a file or reach
    # the network; the logo is already inline as a data URI.
    return HTML(string=pdf_html(doc, options), url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf()
