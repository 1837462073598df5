"""The machine-readable report: the scan document itself (schema 2.x, scanner.document_v2), streamed.

Compact JSON, one top-level member per line, then each function on a line of its own as it comes from
``doc.results()``: the file is never held whole, and a member or a function is one grep away.
"""

from __future__ import annotations

from typing import BinaryIO

from scanner.document import SCHEMA_VERSION, ScanDocument
from scanner.document_v2 import FunctionEntry, ScanFile, header

_FILE = ScanFile.__pydantic_serializer__
_ENTRY = FunctionEntry.__pydantic_serializer__
_MEMBERS = tuple(name for name in ScanFile.model_fields if name != "functions")


def render_json(doc: ScanDocument, out: BinaryIO) -> None:
    head = header(doc, SCHEMA_VERSION)
    members = (_FILE.to_json(head, include={name})[1:-1] for name in _MEMBERS)
    out.write(b"{" + b",\n".join(members) + b',\n"functions":[')
    separator = b"\n"
    for result in doc.results():
        out.write(separator + _ENTRY.to_json(FunctionEntry.of(result, doc.scan.finished_at), exclude_defaults=True))
        separator = b",\n"
    out.write(b"\n]}\n")
