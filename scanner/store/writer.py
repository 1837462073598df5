"""Writing one finished scan into the store, in one transaction that holds the store's write lock.

The scan's functions are streamed from ``doc.results()`` a page at a time (a streaming scan reads them
back from its spill): each page is stamped against its own findings' sightings and appended, so the
memory used is a page's, whatever the estate's size. What went missing is then found in SQL.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Engine,
    Executable,
    Table,
    and_,
    case,
    delete,
    exists,
    insert,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.sql.selectable import CompoundSelect

from scanner.document import HistorySummary, ScanDocument
from scanner.findings import Status
from scanner.history import CHANGES, PAGE, Changes, Sighting, evidence_hash, pages, stamp, target_key
from scanner.results import FunctionResult
from scanner.store import tables as t
from scanner.store.engine import write_transaction
from scanner.store.reader import trend

BATCH = 5000
IN_LIST = 500  # ids per IN (...): far below SQLite's and PostgreSQL's limits on bound parameters


def scope_key(doc: ScanDocument) -> str:
    keys = sorted({target_key(x.provider, x.account, x.region) for x in doc.targets})
    return hashlib.sha256(json.dumps(keys).encode()).hexdigest()[:32]


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
    for batch in pages(rows, BATCH):
        conn.exec_driver_sql(sql, [row_values(row) for row in batch])


def _priors(conn: Connection, ids: list[str]) -> dict[str, Sighting]:
    """The last sightings of these findings only (a page's worth), in IN lists every dialect accepts."""
    columns = [t.findings.c[name] for name in Sighting._fields]
    found: dict[str, Sighting] = {}
    for chunk in pages(ids, IN_LIST):
        found.update((row[0], Sighting._make(row)) for row in conn.execute(
            select(*columns).where(t.findings.c.finding_id.in_(chunk))))
    return found


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


def _scan_row(doc: ScanDocument, kind: str, previous: str | None) -> dict[str, Any]:
    """The scan as it starts to be written: ``writing`` (no reader sees it) and no deltas yet."""
    s, summary, estate = doc.scan, doc.summary, doc.scores.estate
    graded = estate is not None and doc.function_count > 0
    return {
        "id": s.id, "state": "writing", "kind": kind, "started_at": s.started_at, "finished_at": s.finished_at,
        "day": s.finished_at.date(), "scan_date": s.scan_date,
        "duration_seconds": (s.finished_at - s.started_at).total_seconds(),
        "tool_version": doc.tool.version, "schema_version": doc.schema_version, "providers": s.providers,
        "scope": s.scope, "scope_key": scope_key(doc), "previous_scan_id": previous,
        "functions": summary.functions, "targets_incomplete": summary.targets_incomplete,
        **{f"status_{k.lower()}": summary.findings_by_status.get(k, 0) for k in t.STATUSES},
        **{f"failing_{k}": summary.failures_by_severity.get(k, 0) for k in t.SEVERITIES},
        "estate_score": estate.overall.score if graded and estate else None,
        "estate_grade": estate.overall.grade if graded and estate else None,
        "deltas": {},
    }


def _begin_scan(conn: Connection, doc: ScanDocument, kind: str, previous: str | None) -> None:
    """The scan's own rows: the ``scans`` row first (every other row refers to it), targets, group grades."""
    sid = doc.scan.id
    conn.execute(t.scans.insert(), [_scan_row(doc, kind, previous)])
    _append(conn, t.scan_targets, ({"scan_id": sid, "provider": x.provider, "account": x.account,
                                    "region": x.region or "", "status": x.status, "functions": x.functions,
                                    "error": x.error} for x in doc.targets))
    groups = [{"scan_id": sid, "level": "account", "provider": a.provider, "account": a.account,
               "function_id": None, "score": a.overall.score, "grade": a.overall.grade} for a in doc.scores.accounts]
    if doc.scores.estate and doc.function_count:
        groups.insert(0, {"scan_id": sid, "level": "estate", "provider": None, "account": None, "function_id": None,
                          "score": doc.scores.estate.overall.score, "grade": doc.scores.estate.overall.grade})
    _append(conn, t.scan_scores, groups)


def _upsert(conn: Connection) -> Executable:
    """Each finding's latest sighting: inserted, or replacing the one before."""
    # Both dialects spell an upsert the same way; the module is already loaded for the connection.
    stmt = importlib.import_module(f"sqlalchemy.dialects.{conn.dialect.name}").insert(t.findings)
    return stmt.on_conflict_do_update(
        index_elements=[t.findings.c.finding_id],
        set_={c.name: stmt.excluded[c.name] for c in t.findings.columns if c.name != "finding_id"})


def _write_page(conn: Connection, doc: ScanDocument, page: list[FunctionResult], changes: Changes,
                upsert: Executable) -> None:
    """Stamp one page of functions against their findings' last sightings, and append what this scan saw."""
    sid, now = doc.scan.id, doc.scan.finished_at
    priors = _priors(conn, [f.id for r in page for f in r.findings])
    moved: list[dict[str, Any]] = []
    for r in page:
        for f in r.findings:
            delta = stamp(f, priors.get(f.id), now)
            changes.present(f, delta)
            if delta != "unchanged":  # an unchanged finding only moves its last sighting (_finish, in one go)
                moved.append(
                    {"finding_id": f.id, "check_id": f.check_id, "title": f.title, "severity": f.severity.value,
                     "provider": f.provider, "account": f.account, "region": f.region, "resource_id": f.resource_id,
                     "resource_name": f.resource_name, "status": f.status.value, "waived": f.waived,
                     "evidence_hash": evidence_hash(f.evidence), "present": True, "first_seen": f.first_seen,
                     "last_seen": now, "last_scan_id": sid, "delta": delta})
    doc.update_results(page)
    _append(conn, t.scan_functions, ({"scan_id": sid, "function_id": r.function.id, "provider": r.function.provider,
                                      "account": r.function.account, "region": r.function.region,
                                      "name": r.function.name, "facts": None, "result": None}  # findings, not facts
                                     for r in page))
    _append(conn, t.scan_scores, ({"scan_id": sid, "level": "function", "provider": None, "account": None,
                                   "function_id": r.function.id, "score": r.score.overall.score,  # type: ignore[attr-defined]
                                   "grade": r.score.overall.grade} for r in page if r.score is not None))  # type: ignore[attr-defined]
    _append(conn, t.scan_findings, (
        {"scan_id": sid, "finding_id": f.id, "check_id": f.check_id, "title": f.title, "pillar": f.pillar.value,
         "severity": f.severity.value, "status": f.status.value, "waived": f.waived, "provider": f.provider,
         "account": f.account, "region": f.region, "resource_id": f.resource_id, "resource_name": f.resource_name,
         "evidence": f.evidence, "delta": f.delta, "first_seen": f.first_seen} for r in page for f in r.findings))
    if moved:
        conn.execute(upsert, moved)


def _covered(sid: str) -> CompoundSelect:
    """Ids of the stored findings inside a target this scan read completely (a region-less one: all regions)."""
    stored = t.findings.alias("in_scope")  # not the findings table an UPDATE of it would correlate with
    st, f = t.scan_targets.c, stored.c
    complete = and_(st.scan_id == sid, st.status == "complete")
    same_account = and_(f.provider == st.provider, f.account == st.account)
    return union_all(
        select(f.finding_id).join_from(t.scan_targets, stored, and_(same_account, f.region == st.region))
        .where(complete, st.region != ""),
        select(f.finding_id).join_from(t.scan_targets, stored, same_account).where(complete, st.region == ""))


def _absences(conn: Connection, doc: ScanDocument, changes: Changes) -> None:
    """Findings present before, inside a target this scan read completely, and not seen by it: gone now.

    The failing ones are this scan's absences: ``resolved`` while their function is still there,
    ``removed`` with it. Found in SQL against this scan's own rows, so nothing per finding is held here.
    """
    sid = doc.scan.id
    f, sf, sfn, a = t.findings.c, t.scan_findings.c, t.scan_functions.c, t.scan_absences.c
    failing = and_(f.status == Status.FAIL.value, ~f.waived)
    # Cheapest test first: most findings in scope were seen, and the scope is a join on the target index.
    gone = and_(f.present, ~exists().where(sf.scan_id == sid, sf.finding_id == f.finding_id),
                f.finding_id.in_(_covered(sid)))
    absence = case((exists().where(sfn.scan_id == sid, sfn.function_id == f.resource_id), "resolved"),
                   else_="removed")
    conn.execute(insert(t.scan_absences).from_select(
        ["scan_id", "finding_id", "delta"], select(literal(sid), f.finding_id, absence).where(gone, failing)))
    columns = [t.findings.c[name] for name in Sighting._fields]
    # Streamed (a server-side cursor on PostgreSQL): a scan can find a whole account gone.
    found = conn.execute(select(a.delta, *columns).join(t.findings, f.finding_id == a.finding_id)
                         .where(a.scan_id == sid).execution_options(yield_per=BATCH))
    for row in found:
        changes.absent(Sighting._make(row[1:]), row[0])
    conn.execute(update(t.findings).where(gone, failing).values(present=False, delta=absence))
    conn.execute(update(t.findings).where(gone).values(present=False, delta=None))


def _finish(conn: Connection, doc: ScanDocument, changes: Changes) -> None:
    """The unchanged findings' last sighting, in one statement; then the scan is complete."""
    sid, now = doc.scan.id, doc.scan.finished_at
    conn.execute(update(t.findings).where(t.findings.c.finding_id.in_(
        select(t.scan_findings.c.finding_id).where(t.scan_findings.c.scan_id == sid,
                                                   t.scan_findings.c.delta == "unchanged")))
                 .values(last_seen=now, last_scan_id=sid, delta="unchanged"))
    conn.execute(update(t.scans).where(t.scans.c.id == sid).values(state="complete", deltas=changes.counts))


def prune(conn: Connection, now: datetime, keep_days: int) -> int:
    """Drop scans older than ``keep_days`` (their rows go with them) and findings no longer seen since."""
    cutoff = now - timedelta(days=keep_days)
    dropped = conn.execute(delete(t.scans).where(t.scans.c.finished_at < cutoff)).rowcount
    conn.execute(delete(t.findings).where(and_(~t.findings.c.present, t.findings.c.last_seen < cutoff)))
    return dropped


def record(engine: Engine, store: str, doc: ScanDocument, kind: str = "scan", retain_days: int | None = None,
           keep_changes: int = CHANGES) -> HistorySummary:
    """Compare with the store, stamp the document's findings, and append the scan, all or nothing.

    The document's functions are read through ``doc.results()`` a page at a time and their stamped
    findings written back with ``doc.update_results``, so a streaming scan's spill is recorded in the
    memory of one page, as an in-memory document is.
    """
    changes = Changes(keep_changes)
    with write_transaction(engine) as conn:
        previous = _previous(conn, doc)
        _begin_scan(conn, doc, kind, previous)
        upsert = _upsert(conn)
        for page in pages(doc.results(), PAGE):
            _write_page(conn, doc, page, changes, upsert)
        _absences(conn, doc, changes)
        _finish(conn, doc, changes)
        if retain_days is not None:
            prune(conn, doc.scan.finished_at, retain_days)
        points = trend(conn, scope_key(doc), since=None)
    return HistorySummary(store=store, previous_scan_id=previous, counts=changes.counts, changes=changes.listed(),
                          changes_total=changes.total, trend=points)
