"""The machine-readable report: the scan document itself, schema-versioned."""

from __future__ import annotations

from scanner.document import ScanDocument


def render_json(doc: ScanDocument) -> str:
    return doc.model_dump_json(indent=2) + "\n"
