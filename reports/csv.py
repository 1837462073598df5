"""CSV: one row per finding, for spreadsheets and quick filtering."""

from __future__ import annotations

import csv
import io

from scanner.document import ScanDocument

COLUMNS = ("finding_id", "status", "severity", "check_id", "title", "pillar", "provider", "account", "region",
           "function", "resource_id", "waived", "evidence")


def _cell(value: str) -> str:
    # A cloud string starting with = + - @ would run as a formula when the file is opened in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def render_csv(doc: ScanDocument) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for f in doc.findings:
        writer.writerow([_cell(str(v)) for v in (
            f.id, f.status.value, f.severity.value, f.check_id, f.title, f.pillar.value, f.provider, f.account,
            f.region, f.resource_name, f.resource_id, str(f.waived).lower(), " | ".join(f.evidence),
        )])
    return buffer.getvalue()
