"""The first store schema: scans, their targets, scores, functions and findings, and each finding's life.

Frozen as released (a later schema change is a new revision), so the columns are spelt out here rather
than taken from scanner.store.tables, which always describes the newest schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _scan_id() -> sa.Column:
    return sa.Column("scan_id", sa.String(64), sa.ForeignKey("scans.id", ondelete="CASCADE"), nullable=False)


def _where(*names: str) -> list[sa.Column]:
    """provider/account/region (and more) as every per-target table spells them."""
    sizes = {"provider": 16, "account": 128, "region": 64}
    return [sa.Column(n, sa.String(sizes[n]) if n in sizes else sa.Text, nullable=False) for n in names]


def upgrade() -> None:
    op.create_table(
        "scans",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("scan_date", sa.String(10), nullable=False),
        sa.Column("duration_seconds", sa.Float, nullable=False),
        sa.Column("tool_version", sa.String(32), nullable=False),
        sa.Column("schema_version", sa.String(16), nullable=False),
        sa.Column("providers", sa.JSON, nullable=False),
        sa.Column("scope", sa.JSON, nullable=False),
        sa.Column("scope_key", sa.String(64), nullable=False),
        sa.Column("previous_scan_id", sa.String(64)),
        sa.Column("functions", sa.Integer, nullable=False),
        sa.Column("targets_incomplete", sa.Integer, nullable=False),
        *(sa.Column(f"status_{s}", sa.Integer, nullable=False)
          for s in ("pass", "fail", "not_assessed", "not_applicable")),
        *(sa.Column(f"failing_{s}", sa.Integer, nullable=False) for s in ("critical", "high", "medium", "low", "info")),
        sa.Column("estate_score", sa.Integer),
        sa.Column("estate_grade", sa.String(2)),
        sa.Column("deltas", sa.JSON, nullable=False),
    )
    op.create_index("ix_scans_finished", "scans", ["finished_at"])
    op.create_index("ix_scans_scope_key", "scans", ["scope_key", "finished_at"])
    op.create_table(
        "scan_targets", _scan_id(), *_where("provider", "account", "region"),
        sa.Column("status", sa.String(16), nullable=False), sa.Column("functions", sa.Integer, nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_index("ix_scan_targets_scan", "scan_targets", ["scan_id"])
    op.create_table(
        "scan_scores", _scan_id(), sa.Column("level", sa.String(16), nullable=False),
        sa.Column("provider", sa.String(16)), sa.Column("account", sa.String(128)), sa.Column("function_id", sa.Text),
        sa.Column("score", sa.Integer, nullable=False), sa.Column("grade", sa.String(2), nullable=False),
    )
    op.create_index("ix_scan_scores_scan", "scan_scores", ["scan_id", "level"])
    op.create_table("scan_functions", _scan_id(), *_where("function_id", "provider", "account", "region", "name"))
    op.create_index("ix_scan_functions_scan", "scan_functions", ["scan_id"])
    op.create_table(
        "scan_findings", _scan_id(),
        sa.Column("finding_id", sa.String(40), nullable=False), sa.Column("check_id", sa.String(32), nullable=False),
        sa.Column("title", sa.Text, nullable=False), sa.Column("pillar", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False), sa.Column("status", sa.String(16), nullable=False),
        sa.Column("waived", sa.Boolean, nullable=False),
        *_where("provider", "account", "region", "resource_id", "resource_name"),
        sa.Column("evidence", sa.JSON, nullable=False), sa.Column("delta", sa.String(16)),
        sa.Column("first_seen", TZ),
    )
    op.create_index("ix_scan_findings_scan", "scan_findings", ["scan_id", "finding_id"])
    op.create_table(
        "scan_absences", _scan_id(), sa.Column("finding_id", sa.String(40), nullable=False),
        sa.Column("delta", sa.String(16), nullable=False),
    )
    op.create_index("ix_scan_absences_scan", "scan_absences", ["scan_id"])
    op.create_table(
        "findings",
        sa.Column("finding_id", sa.String(40), primary_key=True), sa.Column("check_id", sa.String(32), nullable=False),
        sa.Column("title", sa.Text, nullable=False), sa.Column("severity", sa.String(16), nullable=False),
        *_where("provider", "account", "region", "resource_id", "resource_name"),
        sa.Column("status", sa.String(16), nullable=False), sa.Column("waived", sa.Boolean, nullable=False),
        sa.Column("evidence_hash", sa.String(16), nullable=False), sa.Column("present", sa.Boolean, nullable=False),
        sa.Column("first_seen", TZ, nullable=False), sa.Column("last_seen", TZ, nullable=False),
        sa.Column("last_scan_id", sa.String(64), nullable=False), sa.Column("delta", sa.String(16)),
    )
    op.create_index("ix_findings_target", "findings", ["provider", "account", "region"])


def downgrade() -> None:
    for table in ("findings", "scan_absences", "scan_findings", "scan_functions", "scan_scores", "scan_targets",
                  "scans"):
        op.drop_table(table)
