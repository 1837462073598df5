"""The paged PDF report for a client, from WeasyPrint (HTML and CSS paged media, no browser).

Built from summaries only: charts, the first attack paths, the top of the remediation plan, per-check
counts and a capped inventory appendix, so its size and memory stay flat however large the estate.
"""

from __future__ import annotations

from typing import BinaryIO

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from reports.html import ReportOptions, logo_uri, summaries
from reports.tally import tally
from reports.visuals import drawn_paths, path_graphs
from scanner.document import ScanDocument

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
    shown = drawn_paths(doc)[:PDF_GRAPHS]
    t = tally(doc, {p.function_id for p in shown}, appendix_rows=APPENDIX_ROWS)
    return _env.get_template("pdf.html.j2").render(
        **summaries(doc, t), options=options, logo=logo_uri(options.logo),
        graphs=path_graphs(shown, t.path_functions), paths_total=sum(not p.waived for p in doc.attack_paths),
        plan_rows=PDF_PLAN_ROWS, clouds=sorted(t.by_cloud),
        inventory=[(fn, score.overall if score else None) for fn, score in t.appendix],
    )


def render_pdf(doc: ScanDocument, out: BinaryIO, options: ReportOptions | None = None) -> None:
    check_available()
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # No base URL and data: URIs only: a cloud string can never make the renderer read a file or reach
    # the network; the logo is already inline as a data URI.
    HTML(string=pdf_html(doc, options), url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf(target=out)
