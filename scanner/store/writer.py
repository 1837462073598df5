"""Writing one finished scan into the store, in one transaction that holds the store's write lock."""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Engine, Executable, Table, and_, bindparam, delete, select, update

from scanner.document import HistorySummary, ScanDocument
from scanner.history import Outcome, Sighting, apply, changes, compare, evidence_hash, target_key
from scanner.store import tables as t
from scanner.store.engine import write_transaction
from scanner.store.reader import trend

BATCH = 5000


def scope_key(doc: ScanDocument) -> str:
    keys = sorted({target_key(x.provider, x.account, x.region) for x in doc.targets})
    return hashlib.sha256(json.dumps(keys).encode()).hexdigest()[:32]


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(conn: Connection, stmt: Executable, rows: Iterable[dict[str, Any]]) -> None:
    for batch in _batches(rows):
        conn.execute(stmt, batch)


def _append(conn: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    """A plain INSERT of many rows through the driver's executemany.

    SQLAlchemy's own executemany spends more time per row on parameter handling than SQLite takes to
    store it (21,000 findings: 1.5 s against 0.3 s), so the rows go to the driver as tuples, each value
    converted by its column type's own bind processor, which keeps the stored format SQLAlchemy's.
    """
    names = [c.name for c in table.columns]
    # JSON is serialised here for every dialect: psycopg's adapter hooks in where this path does not pass.
    processors = [json.dumps if isinstance(c.type, JSON) else c.type.dialect_impl(conn.dialect).bind_processor(
        conn.dialect) for c in table.columns]
    convert = [(i, p) for i, p in enumerate(processors) if p]
    values = itemgetter(*names)  # every row names every column

    def row_values(row: dict[str, Any]) -> tuple[Any, ...]:
        found = list(values(row))
        for i, processor in convert:
            found[i] = processor(found[i])
        return tuple(found)

    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join([marker] * len(names))})"
    for batch in _batches(rows):
        conn.exec_driver_sql(sql, [row_values(row) for row in batch])


def _priors(conn: Connection, doc: ScanDocument) -> dict[str, Sighting]:
    providers = {x.provider for x in doc.targets} | {f.provider for f in doc.findings}
    accounts = {x.account for x in doc.targets} | {f.account for f in doc.findings}
    if not providers:
        return {}
    query = select(*(t.findings.c[name] for name in Sighting._fields)).where(
        t.findings.c.provider.in_(providers), t.findings.c.account.in_(accounts))
    return {row[0]: Sighting._make(row) for row in conn.execute(query)}


def _previous(conn: Connection, doc: ScanDocument) -> str | None:
    """The latest complete scan that read any of the targets this one read."""
    keys = {target_key(x.provider, x.account, x.region) for x in doc.targets}
    if not keys:
        return None
    query = (select(t.scans.c.id, t.scan_targets.c.provider, t.scan_targets.c.account, t.scan_targets.c.region)
             .join(t.scan_targets, t.scan_targets.c.scan_id == t.scans.c.id)
             .where(t.scans.c.state == "complete", t.scan_targets.c.provider.in_({k[0] for k in keys}))
             .order_by(t.scans.c.finished_at.desc()))
    for row in conn.execute(query):
        if (row.provider, row.account, row.region) in keys:
            return str(row.id)
    return None


def _scan_row(doc: ScanDocument, kind: str, previous: str | None, outcome: Outcome) -> dict[str, Any]:
    s, summary, estate = doc.scan, doc.summary, doc.scores.estate
    return {
        "id": s.id, "state": "complete", "kind": kind, "started_at": s.started_at, "finished_at": s.finished_at,
        "day": s.finished_at.date(), "scan_date": s.scan_date,
        "duration_seconds": (s.finished_at - s.started_at).total_seconds(),
        "tool_version": doc.tool.version, "schema_version": doc.schema_version, "providers": s.providers,
        "scope": s.scope, "scope_key": scope_key(doc), "previous_scan_id": previous,
        "functions": summary.functions, "targets_incomplete": summary.targets_incomplete,
        **{f"status_{k.lower()}": summary.findings_by_status.get(k, 0) for k in t.STATUSES},
        **{f"failing_{k}": summary.failures_by_severity.get(k, 0) for k in t.SEVERITIES},
        "estate_score": estate.overall.score if estate and doc.functions else None,
        "estate_grade": estate.overall.grade if estate and doc.functions else None,
        "deltas": outcome.counts(),
    }


def _scores(doc: ScanDocument) -> Iterator[dict[str, Any]]:
    sid = doc.scan.id
    if doc.scores.estate and doc.functions:
        yield {"scan_id": sid, "level": "estate", "provider": None, "account": None, "function_id": None,
               "score": doc.scores.estate.overall.score, "grade": doc.scores.estate.overall.grade}
    for a in doc.scores.accounts:
        yield {"scan_id": sid, "level": "account", "provider": a.provider, "account": a.account, "function_id": None,
               "score": a.overall.score, "grade": a.overall.grade}
    for fs in doc.scores.functions:
        yield {"scan_id": sid, "level": "function", "provider": None, "account": None, "function_id": fs.function_id,
               "score": fs.overall.score, "grade": fs.overall.grade}


def _write_scan(conn: Connection, doc: ScanDocument, kind: str, previous: str | None, outcome: Outcome) -> None:
    sid = doc.scan.id
    conn.execute(t.scans.insert(), [_scan_row(doc, kind, previous, outcome)])
    _append(conn, t.scan_targets, ({"scan_id": sid, "provider": x.provider, "account": x.account,
                                    "region": x.region or "", "status": x.status, "functions": x.functions,
                                    "error": x.error} for x in doc.targets))
    _append(conn, t.scan_scores, _scores(doc))
    _append(conn, t.scan_functions, ({"scan_id": sid, "function_id": fn.id, "provider": fn.provider,
                                      "account": fn.account, "region": fn.region, "name": fn.name,
                                      "facts": None, "result": None}  # history keeps findings, not facts
                                     for fn in doc.functions))
    _append(conn, t.scan_findings, (
        {"scan_id": sid, "finding_id": f.id, "check_id": f.check_id, "title": f.title, "pillar": f.pillar.value,
         "severity": f.severity.value, "status": f.status.value, "waived": f.waived, "provider": f.provider,
         "account": f.account, "region": f.region, "resource_id": f.resource_id, "resource_name": f.resource_name,
         "evidence": f.evidence, "delta": f.delta, "first_seen": f.first_seen} for f in doc.findings))
    _append(conn, t.scan_absences, ({"scan_id": sid, "finding_id": fid, "delta": delta}
                                    for fid, delta in outcome.absent.items()))


def _upsert_state(conn: Connection, doc: ScanDocument, outcome: Outcome) -> None:
    # Both dialects spell an upsert the same way; the module is already loaded for the connection.
    stmt = importlib.import_module(f"sqlalchemy.dialects.{conn.dialect.name}").insert(t.findings)
    stmt = stmt.on_conflict_do_update(
        index_elements=[t.findings.c.finding_id],
        set_={c.name: stmt.excluded[c.name] for c in t.findings.columns if c.name != "finding_id"})
    sid, now = doc.scan.id, doc.scan.finished_at
    # An unchanged finding only moves its last sighting: one statement for all of them.
    conn.execute(update(t.findings).where(t.findings.c.finding_id.in_(
        select(t.scan_findings.c.finding_id).where(t.scan_findings.c.scan_id == sid,
                                                   t.scan_findings.c.delta == "unchanged")))
                 .values(last_seen=now, last_scan_id=sid, delta="unchanged"))
    _insert(conn, stmt, (
        {"finding_id": f.id, "check_id": f.check_id, "title": f.title, "severity": f.severity.value,
         "provider": f.provider, "account": f.account, "region": f.region, "resource_id": f.resource_id,
         "resource_name": f.resource_name, "status": f.status.value, "waived": f.waived,
         "evidence_hash": evidence_hash(f.evidence), "present": True, "first_seen": outcome.first_seen[f.id],
         "last_seen": now, "last_scan_id": sid, "delta": outcome.deltas[f.id]}
        for f in doc.findings if outcome.deltas[f.id] != "unchanged"))
    gone = (update(t.findings).where(t.findings.c.finding_id == bindparam("fid"))
            .values(present=False, delta=bindparam("delta")))
    for batch in _batches({"fid": fid, "delta": outcome.absent.get(fid)} for fid in outcome.gone):
        conn.execute(gone, batch)


def prune(conn: Connection, now: datetime, keep_days: int) -> int:
    """Drop scans older than ``keep_days`` (their rows go with them) and findings no longer seen since."""
    cutoff = now - timedelta(days=keep_days)
    dropped = conn.execute(delete(t.scans).where(t.scans.c.finished_at < cutoff)).rowcount
    conn.execute(delete(t.findings).where(and_(~t.findings.c.present, t.findings.c.last_seen < cutoff)))
    return dropped


def record(engine: Engine, store: str, doc: ScanDocument, kind: str = "scan",
           retain_days: int | None = None) -> HistorySummary:
    """Compare with the store, stamp the document's findings, and append the scan, all or nothing."""
    with write_transaction(engine) as conn:
        priors = _priors(conn, doc)
        previous = _previous(conn, doc)
        outcome = compare(doc, priors)
        apply(doc, outcome)
        _write_scan(conn, doc, kind, previous, outcome)
        _upsert_state(conn, doc, outcome)
        if retain_days is not None:
            prune(conn, doc.scan.finished_at, retain_days)
        points = trend(conn, scope_key(doc), since=None)
    return HistorySummary(store=store, previous_scan_id=previous, counts=outcome.counts(),
                          changes=changes(doc, outcome, priors), trend=points)
