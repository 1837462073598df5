"""Streaming scans spill each function's facts and, once checked, its findings and score into
``scan_functions`` (a scan's rows are written shard by shard and read back by every report).

History leaves both columns empty: it keeps findings, not facts. The indexes serve a result's write-back
by function id and the stable order (provider, account, region, name) in which a streaming scan
evaluates and reports its functions.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scan_functions") as batch:
        batch.add_column(sa.Column("facts", sa.Text, nullable=True))
        batch.add_column(sa.Column("result", sa.Text, nullable=True))
    op.create_index("ix_scan_functions_function", "scan_functions", ["scan_id", "function_id"])
    op.create_index("ix_scan_functions_order", "scan_functions",
                    ["scan_id", "provider", "account", "region", "name", "function_id"])


def downgrade() -> None:
    op.drop_index("ix_scan_functions_order", "scan_functions")
    op.drop_index("ix_scan_functions_function", "scan_functions")
    with op.batch_alter_table("scan_functions") as batch:
        batch.drop_column("result")
        batch.drop_column("facts")
