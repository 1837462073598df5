"""The store's tables (SQLAlchemy Core), shared by scan history and, later, sharded scans.

Every per-scan table is keyed by ``scan_id`` and carries only what that scan observed, so a writer can
fill it in batches (one target or shard per transaction) and a reader can assemble a scan from it.
``findings`` is the one table that is not per scan: each stable finding id's life across scans.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

SEVERITIES = ("critical", "high", "medium", "low", "info")
STATUSES = ("PASS", "FAIL", "NOT_ASSESSED", "NOT_APPLICABLE")


def _scan_fk() -> Column:
    return Column("scan_id", String(64), ForeignKey("scans.id", ondelete="CASCADE"), nullable=False)


def _resource() -> list[Column]:
    """Where a finding is: its target and its function."""
    return [Column("provider", String(16), nullable=False), Column("account", String(128), nullable=False),
            Column("region", String(64), nullable=False), Column("resource_id", Text, nullable=False),
            Column("resource_name", Text, nullable=False)]


scans = Table(
    "scans", metadata,
    Column("id", String(64), primary_key=True),
    # "complete" once every row of the scan is written; readers see nothing else.
    Column("state", String(16), nullable=False),
    Column("kind", String(16), nullable=False, doc="scan (an unsharded scan) or merge"),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("day", Date, nullable=False, doc="UTC day the scan finished, for daily dashboards"),
    Column("scan_date", String(10), nullable=False),
    Column("duration_seconds", Float, nullable=False),
    Column("tool_version", String(32), nullable=False),
    Column("schema_version", String(16), nullable=False),
    Column("providers", JSON, nullable=False),
    Column("scope", JSON, nullable=False),
    Column("scope_key", String(64), nullable=False, doc="Hash of the sorted targets: equal scopes trend together"),
    Column("previous_scan_id", String(64)),
    Column("functions", Integer, nullable=False),
    Column("targets_incomplete", Integer, nullable=False),
    *(Column(f"status_{s.lower()}", Integer, nullable=False) for s in STATUSES),
    *(Column(f"failing_{s}", Integer, nullable=False) for s in SEVERITIES),
    Column("estate_score", Integer),
    Column("estate_grade", String(2)),
    Column("deltas", JSON, nullable=False, doc="new/changed/unchanged/resolved/removed counts"),
)
Index("ix_scans_finished", scans.c.finished_at)
Index("ix_scans_scope_key", scans.c.scope_key, scans.c.finished_at)

scan_targets = Table(
    "scan_targets", metadata,
    _scan_fk(),
    Column("provider", String(16), nullable=False),
    Column("account", String(128), nullable=False),
    Column("region", String(64), nullable=False, doc="'' where the target has no region"),
    Column("status", String(16), nullable=False),
    Column("functions", Integer, nullable=False),
    Column("error", Text),
)
Index("ix_scan_targets_scan", scan_targets.c.scan_id)

scan_scores = Table(
    "scan_scores", metadata,
    _scan_fk(),
    Column("level", String(16), nullable=False, doc="estate, account or function"),
    Column("provider", String(16)),
    Column("account", String(128)),
    Column("function_id", Text),
    Column("score", Integer, nullable=False),
    Column("grade", String(2), nullable=False),
)
Index("ix_scan_scores_scan", scan_scores.c.scan_id, scan_scores.c.level)

scan_functions = Table(
    "scan_functions", metadata,
    _scan_fk(),
    Column("function_id", Text, nullable=False),
    Column("provider", String(16), nullable=False),
    Column("account", String(128), nullable=False),
    Column("region", String(64), nullable=False),
    Column("name", Text, nullable=False),
    # Filled by a streaming scan's spill store only (history keeps findings, not facts): the function's
    # facts as collected, then its findings and score once checked.
    Column("facts", Text),
    Column("result", Text),
)
Index("ix_scan_functions_scan", scan_functions.c.scan_id)
Index("ix_scan_functions_function", scan_functions.c.scan_id, scan_functions.c.function_id)
Index("ix_scan_functions_order", scan_functions.c.scan_id, scan_functions.c.provider, scan_functions.c.account,
      scan_functions.c.region, scan_functions.c.name, scan_functions.c.function_id)

scan_findings = Table(
    "scan_findings", metadata,
    _scan_fk(),
    Column("finding_id", String(40), nullable=False),
    Column("check_id", String(32), nullable=False),
    Column("title", Text, nullable=False),
    Column("pillar", String(16), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("waived", Boolean, nullable=False),
    *_resource(),
    Column("evidence", JSON, nullable=False),
    Column("delta", String(16)),
    Column("first_seen", DateTime(timezone=True)),
)
Index("ix_scan_findings_scan", scan_findings.c.scan_id, scan_findings.c.finding_id)

# Findings that were failing before and are absent from this scan, inside the scope it covered.
scan_absences = Table(
    "scan_absences", metadata,
    _scan_fk(),
    Column("finding_id", String(40), nullable=False),
    Column("delta", String(16), nullable=False, doc="resolved (function still there) or removed (function gone)"),
)
Index("ix_scan_absences_scan", scan_absences.c.scan_id)

findings = Table(
    "findings", metadata,
    Column("finding_id", String(40), primary_key=True),
    Column("check_id", String(32), nullable=False),
    Column("title", Text, nullable=False),
    Column("severity", String(16), nullable=False),
    *_resource(),
    Column("status", String(16), nullable=False, doc="As last seen"),
    Column("waived", Boolean, nullable=False),
    Column("evidence_hash", String(16), nullable=False),
    Column("present", Boolean, nullable=False, doc="False once resolved by absence or removed with its function"),
    Column("first_seen", DateTime(timezone=True), nullable=False, doc="Reset when the finding fails anew"),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("last_scan_id", String(64), nullable=False),
    Column("delta", String(16), doc="In the last scan that covered it"),
)
Index("ix_findings_target", findings.c.provider, findings.c.account, findings.c.region)
