"""The on-disk store: scan history now, and the spill store of sharded, streaming scans (issue 12).

One schema (``tables.py``), written with SQLAlchemy Core, so the same code runs on an embedded SQLite
file (the default, in WAL mode) and on a PostgreSQL server shared by a team. Alembic migrations ship in
``migrations/`` and run on open, inside the store's write lock, so an older store is upgraded in place
and two first scans cannot both create it.

Design, for both users of the store:
- Every per-scan table (``scan_targets``, ``scan_scores``, ``scan_functions``, ``scan_findings``,
  ``scan_absences``) is keyed by ``scan_id`` and holds only what that scan observed. A writer can
  therefore append it in batches, one target or shard per transaction, and a reader can assemble a
  report by streaming the rows of one scan (``reader.load_document`` is the small version of that).
- ``scans.state`` says whether a scan's rows are all there. Readers only ever see ``complete`` scans.
  A scan's history is written in one transaction (``writer.record``): the ``scans`` row as ``writing``,
  then the document's results a page of functions at a time, then the absences, then ``complete``.
  The streaming pipeline will insert the ``scans`` row as ``writing``, commit each shard's functions and
  findings in its own transaction, and when the last shard is in, compare with history and flip the row
  to ``complete`` in one final transaction; a crashed run leaves a ``writing`` scan that no reader or
  delta ever uses, and the same scan id can be resumed or pruned.
- ``findings`` is the only cross-scan table: each stable finding id's last sighting (status, waived,
  evidence hash, first_seen, last_seen, last scan, present). Deltas are computed against it
  (``scanner.history``) and it is updated in the same transaction that completes a scan, under the
  store's write lock (SQLite ``BEGIN IMMEDIATE``; a PostgreSQL transaction-level advisory lock), so
  concurrent scans take turns and a killed one leaves nothing behind.
- Only a scan that saw its whole scope writes history: an unsharded scan now, ``ztscan merge`` later.
  A shard alone never completes a scan, so it can never mark the rest of the estate as removed.
- Dashboards read the views created by migration 0002 (listed in the README's History section).
"""

from __future__ import annotations

from scanner.document import HistorySummary, ScanDocument
from scanner.history import forget
from scanner.store.engine import ENV_VAR, StoreError, default_location, describe, one_line, open_engine, to_url

__all__ = ["ENV_VAR", "StoreError", "default_location", "describe", "record_scan", "to_url"]


def record_scan(location: str, doc: ScanDocument, retain_days: int | None = None) -> HistorySummary:
    """Append a finished, unsharded scan to the store and fill its history fields; StoreError on failure."""
    from sqlalchemy.exc import SQLAlchemyError

    from scanner.store.writer import record

    engine, name = open_engine(location)
    try:
        doc.history = record(engine, name, doc, retain_days=retain_days)
    except SQLAlchemyError as exc:
        forget(doc)
        raise StoreError(f"{name}: {one_line(exc)}") from None
    finally:
        engine.dispose()
    return doc.history
