"""Renderers: each turns a finished scan document into one file. A renderer never re-evaluates."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from reports.html import ReportOptions, render_html
from scanner.document import ScanDocument

Renderer = Callable[..., str | bytes]
BRANDED = ("html", "pdf")  # renderers that take the consultant's ReportOptions


def _renderers() -> dict[str, tuple[str, Renderer]]:
    from reports.csv import render_csv
    from reports.json import render_json
    from reports.junit import render_junit
    from reports.markdown import render_markdown
    from reports.ocsf import render_ocsf
    from reports.pdf import render_pdf
    from reports.sarif import render_sarif

    return {
        "json": ("ztscan.json", render_json),
        "html": ("ztscan.html", render_html),
        "csv": ("ztscan.csv", render_csv),
        "junit": ("ztscan-junit.xml", render_junit),
        "markdown": ("ztscan.md", render_markdown),
        "sarif": ("ztscan.sarif", render_sarif),
        "ocsf": ("ztscan.ocsf.json", render_ocsf),
        "pdf": ("ztscan.pdf", render_pdf),
    }


def formats() -> list[str]:
    return list(_renderers())


def unavailable(fmt: str) -> str | None:
    """Why a known format cannot be written on this machine (a missing optional extra), if it cannot."""
    if fmt != "pdf":
        return None
    from reports.pdf import PdfUnavailable, check_available

    try:
        check_available()
    except PdfUnavailable as exc:
        return str(exc)
    return None


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write beside the target and rename, so a reader never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    data = content.encode("utf-8") if isinstance(content, str) else content
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600; a report is meant to be shared
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render(doc: ScanDocument, fmt: str, options: ReportOptions | None = None) -> tuple[str, str | bytes]:
    """The report's file name and content."""
    filename, renderer = _renderers()[fmt]
    return filename, renderer(doc, options) if fmt in BRANDED else renderer(doc)


def write(doc: ScanDocument, fmt: str, out_dir: Path, options: ReportOptions | None = None) -> Path:
    filename, content = render(doc, fmt, options)
    path = out_dir / filename
    write_atomic(path, content)
    return path
