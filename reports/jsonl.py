"""JSON Lines: one finding per line, denormalised, for log pipelines and warehouses.

Every line carries what a dashboard filters on (scan, cloud, account, region, function, check, status,
waiver, history), so a line needs no join with anything else; check metadata beyond the title and the
function's facts stay in ztscan.json.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, BinaryIO

from scanner.document import ScanDocument
from scanner.findings import Finding
from scanner.inventory import ServerlessFunction


def _time(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None  # as ztscan.json writes times


def record(doc: ScanDocument, fn: ServerlessFunction, f: Finding) -> dict[str, Any]:
    waiver = f.waiver or {}
    return {
        "scan_id": doc.scan.id, "finished_at": _time(doc.scan.finished_at),
        "provider": fn.provider, "account": fn.account, "region": fn.region,
        "function_id": fn.id, "function_name": fn.name, "function_kind": fn.kind,
        "runtime": fn.runtime.name or fn.runtime.package_type,
        "finding_id": f.id, "check_id": f.check_id, "check_title": f.title, "pillar": f.pillar.value,
        "severity": f.severity.value, "status": f.status.value,
        "waived": f.waived, "waiver_owner": waiver.get("owner"), "waiver_expires": waiver.get("expires"),
        "evidence": f.evidence, "delta": f.delta, "first_seen": _time(f.first_seen),
    }


def render_jsonl(doc: ScanDocument, out: BinaryIO) -> None:
    for result in doc.results():
        fn = result.function
        out.write(b"".join(json.dumps(record(doc, fn, f), ensure_ascii=False).encode() + b"\n"
                           for f in result.findings))
