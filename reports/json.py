"""The machine-readable report: the scan document itself, schema-versioned."""

from __future__ import annotations

from scanner.document import ScanDocument


def render_json(doc: ScanDocument) -> bytes:
    # Bytes straight from pydantic-core: a str copy of a 15 MB document costs as much again in memory.
    return doc.__pydantic_serializer__.to_json(doc, indent=2) + b"\n"
