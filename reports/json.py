"""The machine-readable report: the scan document itself (schema 2.x, scanner.document_v2), streamed.

The header (everything but the functions) is indented for people; then each function is written on one
line as it comes from ``doc.results()``, so the file is never held whole and a function is one grep away.
"""

from __future__ import annotations

from typing import BinaryIO

from scanner.document import SCHEMA_VERSION, ScanDocument
from scanner.document_v2 import FunctionEntry, ScanFile, header

_FILE = ScanFile.__pydantic_serializer__
_ENTRY = FunctionEntry.__pydantic_serializer__


def render_json(doc: ScanDocument, out: BinaryIO) -> None:
    head = _FILE.to_json(header(doc, SCHEMA_VERSION), indent=2, exclude={"functions"})
    out.write(head.removesuffix(b"\n}") + b',\n  "functions": [')
    separator = b"\n    "
    for result in doc.results():
        out.write(separator + _ENTRY.to_json(FunctionEntry.of(result, doc.scan.finished_at)))
        separator = b",\n    "
    out.write(b"\n  ]\n}\n")
