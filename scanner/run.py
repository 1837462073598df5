"""One scan: collect from each provider, evaluate every check, assemble the document."""

from __future__ import annotations

from contextlib import closing
from datetime import date, datetime

from scanner import pipeline
from scanner.document import ScanDocument
from scanner.findings import Severity
from scanner.provider import Collection
from scanner.waivers import Waiver

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


def assemble(
    collections: dict[str, Collection], started: datetime, scan_date: date | None = None,
    waivers: list[Waiver] | None = None, frameworks: list[str] | None = None,
) -> ScanDocument:
    """A scan held in memory (tools and tests over small estates): the pipeline's document, with its
    results read back from the spill into the document's lists, in the pipeline's stable order."""
    with closing(pipeline.new_spill(started)) as spill:
        doc = pipeline.run(collections.items(), spill, started, scan_date, waivers, frameworks)
        results = list(doc.results())
    doc.detach(results)
    return doc


def exit_code(doc: ScanDocument, fail_on: Severity | None) -> int:
    """1 when the gate trips (it matters most to CI), else 3 when something went unassessed."""
    if fail_on is not None and doc.gate_trips(fail_on):
        return EXIT_FINDINGS
    if doc.incomplete:
        return EXIT_INCOMPLETE
    return EXIT_OK
