"""Reading scans back: the list, one scan, trends, and a scan rebuilt as a document for ``ztscan diff``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from scanner.collected import FACT_SECTIONS
from scanner.document import (
    FunctionScore,
    GroupScore,
    ScanDocument,
    ScanMeta,
    Score,
    Scores,
    Summary,
    ToolInfo,
    TrendPoint,
)
from scanner.findings import Finding
from scanner.history import as_utc
from scanner.inventory import ServerlessFunction
from scanner.store import tables as t

TREND_POINTS = 30


def _complete() -> Any:
    return t.scans.c.state == "complete"


def _point(row: Any) -> TrendPoint:
    return TrendPoint(scan_id=row.id, finished_at=as_utc(row.finished_at), estate_score=row.estate_score,
                      estate_grade=row.estate_grade, failing={s: getattr(row, f"failing_{s}") for s in t.SEVERITIES})


def trend(conn: Connection, scope_key: str | None, since: datetime | None,
          limit: int = TREND_POINTS) -> list[TrendPoint]:
    """The latest ``limit`` scans (of one scope, when given), oldest first."""
    query = select(t.scans).where(_complete()).order_by(t.scans.c.finished_at.desc()).limit(limit)
    if scope_key:
        query = query.where(t.scans.c.scope_key == scope_key)
    if since:
        query = query.where(t.scans.c.finished_at >= since)
    return [_point(row) for row in reversed(conn.execute(query).all())]


def list_scans(conn: Connection, limit: int) -> list[dict[str, Any]]:
    query = select(t.scans).where(_complete()).order_by(t.scans.c.finished_at.desc()).limit(limit)
    return [_scan_dict(row) for row in conn.execute(query)]


def _scan_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row.id, "kind": row.kind, "started_at": as_utc(row.started_at).isoformat(),
        "finished_at": as_utc(row.finished_at).isoformat(), "duration_seconds": round(row.duration_seconds, 2),
        "tool_version": row.tool_version, "schema_version": row.schema_version, "providers": row.providers,
        "scope": row.scope, "previous_scan_id": row.previous_scan_id, "functions": row.functions,
        "targets_incomplete": row.targets_incomplete,
        "findings_by_status": {s: getattr(row, f"status_{s.lower()}") for s in t.STATUSES},
        "failing_by_severity": {s: getattr(row, f"failing_{s}") for s in t.SEVERITIES},
        "estate_grade": row.estate_grade, "estate_score": row.estate_score, "deltas": row.deltas,
    }


def find_scan(conn: Connection, scan_id: str) -> Any | None:
    """A complete scan by id or by a unique id prefix (as ``history list`` shortens them)."""
    rows = conn.execute(select(t.scans).where(_complete(), t.scans.c.id.startswith(scan_id, autoescape=True))
                        .limit(2)).all()
    return rows[0] if len(rows) == 1 else None


def show_scan(conn: Connection, row: Any) -> dict[str, Any]:
    """A scan's record with its grades per account and its new, changed, resolved and removed findings."""
    found = _scan_dict(row)
    found["accounts"] = [
        {"provider": r.provider, "account": r.account, "score": r.score, "grade": r.grade}
        for r in conn.execute(select(t.scan_scores).where(t.scan_scores.c.scan_id == row.id,
                                                          t.scan_scores.c.level == "account"))]
    changed = conn.execute(select(t.scan_findings.c.finding_id, t.scan_findings.c.delta, t.scan_findings.c.severity,
                                  t.scan_findings.c.check_id, t.scan_findings.c.resource_name,
                                  t.scan_findings.c.status, t.scan_findings.c.title)
                           .where(t.scan_findings.c.scan_id == row.id,
                                  t.scan_findings.c.delta.in_(("new", "changed", "resolved"))))
    absent = conn.execute(select(t.scan_absences.c.finding_id, t.scan_absences.c.delta, t.findings.c.severity,
                                 t.findings.c.check_id, t.findings.c.resource_name, t.findings.c.title)
                          .join(t.findings, t.findings.c.finding_id == t.scan_absences.c.finding_id)
                          .where(t.scan_absences.c.scan_id == row.id))
    found["changes"] = [{**r._asdict(), "status": getattr(r, "status", None)} for r in [*changed, *absent]]
    return found


def load_document(conn: Connection, row: Any) -> ScanDocument:
    """A stored scan as a document with what ``ztscan diff`` compares: findings and grades."""
    sid = row.id
    findings = [
        Finding(id=r.finding_id, check_id=r.check_id, title=r.title, pillar=r.pillar, severity=r.severity,
                status=r.status, provider=r.provider, account=r.account, region=r.region, resource_id=r.resource_id,
                resource_name=r.resource_name, evidence=list(r.evidence), waived=r.waived,
                first_seen=as_utc(r.first_seen) if r.first_seen else None, delta=r.delta)
        for r in conn.execute(select(t.scan_findings).where(t.scan_findings.c.scan_id == sid))]
    # The store keeps who each function is, not its facts: results() pairs findings with these.
    not_kept = {section: "not kept in the history store" for section in (*FACT_SECTIONS, "tags")}
    functions = [ServerlessFunction(provider=r.provider, account=r.account, region=r.region, id=r.function_id,
                                    name=r.name, kind="unknown", unknown=not_kept)
                 for r in conn.execute(select(t.scan_functions).where(t.scan_functions.c.scan_id == sid))]
    scores = Scores()
    for r in conn.execute(select(t.scan_scores).where(t.scan_scores.c.scan_id == sid)):
        score = Score(score=r.score, grade=r.grade)
        if r.level == "estate":
            scores.estate = GroupScore(overall=score)
        elif r.level == "account":
            scores.accounts.append(GroupScore(provider=r.provider, account=r.account, overall=score))
        else:
            scores.functions.append(FunctionScore(function_id=r.function_id, overall=score))
    return ScanDocument(
        schema_version=row.schema_version, tool=ToolInfo(version=row.tool_version),
        scan=ScanMeta(id=sid, started_at=as_utc(row.started_at), finished_at=as_utc(row.finished_at),
                      scan_date=row.scan_date, providers=row.providers, scope=row.scope,
                      runtime_data="not kept in the history store"),
        targets=[], checks=[], functions=functions, findings=findings, scores=scores,
        summary=Summary(functions=row.functions, targets_incomplete=row.targets_incomplete,
                        findings_by_status={s: getattr(row, f"status_{s.lower()}") for s in t.STATUSES},
                        failures_by_severity={s: getattr(row, f"failing_{s}") for s in t.SEVERITIES}))
