"""Renderers: each writes a finished scan document into a binary stream, in pieces. A renderer never
re-evaluates, and reads the per-function bulk only by iterating ``doc.results()`` once."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from reports.html import ReportOptions, render_html
from scanner.document import ScanDocument

Renderer = Callable[..., None]  # renderer(doc, out: BinaryIO), and (doc, out, options) for BRANDED ones
Write = Callable[[BinaryIO], None]
BRANDED = ("html", "pdf")  # renderers that take the consultant's ReportOptions


def _renderers() -> dict[str, tuple[str, Renderer]]:
    from reports.csv import render_csv
    from reports.json import render_json
    from reports.jsonl import render_jsonl
    from reports.junit import render_junit
    from reports.markdown import render_markdown
    from reports.ocsf import render_ocsf
    from reports.pdf import render_pdf
    from reports.sarif import render_sarif

    return {
        "json": ("ztscan.json", render_json),
        "jsonl": ("ztscan.jsonl", render_jsonl),
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


def _as_write(content: str | bytes | Write) -> Write:
    if callable(content):
        return content
    data = content.encode("utf-8") if isinstance(content, str) else content
    return lambda out: out.write(data)  # type: ignore[return-value]


def write_atomic(path: Path, content: str | bytes | Write) -> None:
    """Write beside the target and rename, so a reader never sees half a report. ``content`` may be a
    function that writes into the temp file's stream, so a large report never exists as one string."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600; a report is meant to be shared
        with os.fdopen(fd, "wb") as handle:
            _as_write(content)(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def writer(doc: ScanDocument, fmt: str, options: ReportOptions | None = None) -> tuple[str, Write]:
    """The report's file name, and the function that writes it into a binary stream."""
    filename, renderer = _renderers()[fmt]
    if fmt in BRANDED:
        return filename, lambda out: renderer(doc, out, options)
    return filename, lambda out: renderer(doc, out)


def rendered(doc: ScanDocument, fmt: str, options: ReportOptions | None = None) -> bytes:
    """A report in memory, for tests and benchmarks of small documents; scans write with write()."""
    buffer = io.BytesIO()
    writer(doc, fmt, options)[1](buffer)
    return buffer.getvalue()

