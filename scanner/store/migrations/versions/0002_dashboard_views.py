"""SQL views for dashboards (Grafana, Metabase, Superset), documented in the README's History section.

Only the age of a finding needs dialect-specific SQL: SQLite has no interval arithmetic.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

AGE_DAYS = {
    "sqlite": "CAST(julianday('now') - julianday(f.first_seen) AS REAL)",
    "postgresql": "EXTRACT(EPOCH FROM (now() - f.first_seen)) / 86400.0",
}

VIEWS = {
    "open_failing_findings": """
        SELECT f.finding_id, f.check_id, f.title, f.severity, f.provider, f.account, f.region, f.resource_id,
               f.resource_name, f.first_seen, f.last_seen, f.last_scan_id, {age} AS age_days
        FROM findings f
        WHERE f.present AND f.status = 'FAIL' AND NOT f.waived""",
    "daily_failing_counts": """
        SELECT s.day, sf.severity, sf.provider, sf.account, sf.check_id, COUNT(DISTINCT sf.finding_id) AS failing
        FROM scan_findings sf JOIN scans s ON s.id = sf.scan_id
        WHERE s.state = 'complete' AND sf.status = 'FAIL' AND NOT sf.waived
        GROUP BY s.day, sf.severity, sf.provider, sf.account, sf.check_id""",
    "account_grades": """
        SELECT s.id AS scan_id, s.finished_at, s.day, sc.provider, sc.account, sc.score, sc.grade
        FROM scan_scores sc JOIN scans s ON s.id = sc.scan_id
        WHERE s.state = 'complete' AND sc.level = 'account'""",
    "scan_summary": """
        SELECT id AS scan_id, finished_at, day, duration_seconds, functions, estate_score, estate_grade,
               failing_critical, failing_high, failing_medium, failing_low, failing_info, targets_incomplete
        FROM scans WHERE state = 'complete'""",
}


def upgrade() -> None:
    age = AGE_DAYS[op.get_bind().dialect.name]
    for name, body in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {body.format(age=age)}")


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW {name}")
