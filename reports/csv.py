"""CSV: one row per finding, for spreadsheets and quick filtering."""

from __future__ import annotations

import csv
from typing import BinaryIO

from reports.streams import text_stream
from scanner.document import ScanDocument

COLUMNS = ("finding_id", "status", "severity", "check_id", "title", "pillar", "provider", "account", "region",
           "function", "resource_id", "waived", "evidence")


def _cell(value: str) -> str:
    # A cloud string starting with = + - @ would run as a formula when the file is opened in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def render_csv(doc: ScanDocument, out: BinaryIO) -> None:
    with text_stream(out) as text:
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(COLUMNS)
        for result in doc.results():
            writer.writerows([_cell(str(v)) for v in (
                f.id, f.status.value, f.severity.value, f.check_id, f.title, f.pillar.value, f.provider, f.account,
                f.region, f.resource_name, f.resource_id, str(f.waived).lower(), " | ".join(f.evidence),
            )] for f in result.findings)
