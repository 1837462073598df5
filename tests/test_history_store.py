"""The history store under stress, on SQLite and PostgreSQL: writers at once, a writer killed inside its
transaction, a store that cannot be written, retention, and a store of an older schema."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select

from scanner.demo.aws.fixtures import PUBLIC_URL, DemoFunction
from scanner.document import ScanDocument
from scanner.provider import Collection, TargetStatus
from scanner.run import assemble
from scanner.store import record_scan, tables
from scanner.store.engine import HEAD, head_revision, make_engine, migrate, open_engine, to_url
from tests.conftest import CliResult, cli_env, findings_of, run_cli, seeded_aws
from tests.history_stores import BACKENDS, store_for
from tests.test_diff import _function

FUNCTIONS = [DemoFunction("edge", "python3.12", "reader", url_auth="NONE", permissions=[PUBLIC_URL]),
             DemoFunction("quiet", "python3.12", "reader")]


@pytest.fixture(scope="module")
def endpoint(moto_endpoint: str) -> Iterator[str]:
    with seeded_aws(moto_endpoint, FUNCTIONS) as proxied:
        yield proxied


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with store_for(request.param, tmp_path) as location:
        yield location


def scan_args(endpoint: str, out: Path, *extra: str) -> list[str]:
    return ["scan", "aws", "--endpoint-url", endpoint, "--regions", "us-east-1", "--format", "json",
            "--out", str(out), *extra]


def _count(location: str, table: tables.Table) -> int:
    engine, _ = open_engine(location)
    with engine.connect() as conn:
        found = conn.execute(select(func.count()).select_from(table)).scalar_one()
    engine.dispose()
    return found


def _doc(finished: datetime, *names: str) -> ScanDocument:
    fns = [_function(n, public=True) for n in names]
    targets = [TargetStatus(provider="aws", account=fns[0].account, region="us-east-1", status="complete",
                            functions=len(fns))]
    doc = assemble({"aws": Collection(functions=fns, targets=targets)}, finished, date(2026, 11, 28))
    doc.scan.finished_at = finished + timedelta(seconds=1)
    return doc


def test_two_scans_at_once_both_land_and_the_later_compares_with_the_earlier(
        endpoint: str, aws_env: dict[str, str], store: str, tmp_path: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-m", "scanner", *scan_args(endpoint, tmp_path / str(i), "--store",
                                                                             store)],
                              env=cli_env(aws_env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outputs]
    docs = [json.loads((tmp_path / str(i) / "ztscan.json").read_text()) for i in range(2)]
    first, second = sorted(docs, key=lambda d: d["history"]["previous_scan_id"] is not None)
    assert first["history"]["previous_scan_id"] is None
    assert second["history"]["previous_scan_id"] == first["scan"]["id"]
    assert second["history"]["counts"]["new"] == 0 and second["history"]["counts"]["resolved"] == 0
    assert _count(store, tables.scan_findings) == len(findings_of(docs[0])) + len(findings_of(docs[1]))
    assert _count(store, tables.findings) == len(findings_of(docs[0]))


KILLER = textwrap.dedent("""
    import os, signal, sys
    from datetime import UTC, datetime
    from scanner.store import record_scan, writer
    from tests.test_history_store import _doc

    def die(*_args):  # every page is in, findings' state included, the absences are not: the transaction is open
        os.kill(os.getpid(), signal.SIGKILL)

    writer._absences = die
    record_scan(sys.argv[1], _doc(datetime.now(UTC), "api", "worker"))
""")


def test_a_writer_killed_inside_its_transaction_leaves_no_trace(store: str, tmp_path: Path) -> None:
    first = _doc(datetime.now(UTC), "api")
    record_scan(store, first)
    killed = subprocess.run([sys.executable, "-c", KILLER, store], capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).parent.parent)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    for table in (tables.scans, tables.scan_targets, tables.scan_functions, tables.scan_scores):
        assert _count(store, table) == _count(store, table.select().where(table.c[
            "id" if table is tables.scans else "scan_id"] == first.scan.id).subquery())
    assert _count(store, tables.scan_findings) == _count(store, tables.findings) == len(first.findings)
    after = record_scan(store, _doc(datetime.now(UTC), "api", "worker"))
    assert after.previous_scan_id == first.scan.id
    assert after.counts["unchanged"] == len(first.findings) and after.counts["new"] > 0


def test_retention_prunes_old_scans_and_findings_no_longer_seen(store: str) -> None:
    now = datetime.now(UTC)
    record_scan(store, _doc(now - timedelta(days=400), "gone"))
    record_scan(store, _doc(now - timedelta(days=10), "api"))
    kept = record_scan(store, _doc(now, "api"), retain_days=180)
    assert [p.finished_at.date() for p in kept.trend] == [(now - timedelta(days=10)).date(), now.date()]
    assert _count(store, tables.scans) == 2
    engine, _ = open_engine(store)
    with engine.connect() as conn:
        names = set(conn.execute(select(tables.findings.c.resource_name)).scalars())
        orphans = conn.execute(select(func.count()).select_from(tables.scan_findings).where(
            tables.scan_findings.c.resource_name == "gone")).scalar_one()
    engine.dispose()
    assert names == {"api"} and orphans == 0


def test_a_store_of_the_first_schema_is_migrated_on_open(store: str) -> None:
    engine = make_engine(to_url(store))
    migrate(engine, "0001")
    assert "open_failing_findings" not in inspect(engine).get_view_names()
    engine.dispose()
    engine, _ = open_engine(store)
    views = set(inspect(engine).get_view_names())
    with engine.connect() as conn:
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
        # The frozen migrations build exactly what scanner/store/tables.py describes.
        assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), tables.metadata) == []
    engine.dispose()
    assert version == head_revision() == HEAD
    assert {"open_failing_findings", "daily_failing_counts", "account_grades", "scan_summary"} <= views


def _assert_reports_but_no_history(result: CliResult, secret: str | None = None) -> None:
    assert result.code == 3, result.stderr
    lines = [line for line in result.stderr.splitlines() if "history not written" in line]
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert (result.out_dir / "ztscan.json").is_file()
    assert json.loads((result.out_dir / "ztscan.json").read_text())["history"] is None
    assert "\"delta\": null" in (result.out_dir / "ztscan.json").read_text()
    if secret:
        assert secret not in result.stderr


def test_an_unwritable_store_still_writes_the_reports_and_exits_3(
        endpoint: str, aws_env: dict[str, str], tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    ok = run_cli(scan_args(endpoint, tmp_path / "ok", "--store", str(locked / "history.db")), tmp_path / "ok", aws_env)
    assert ok.code == 0, ok.stderr
    if os.geteuid() == 0:  # root ignores permission bits; an immutable directory stops root too
        if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(locked)]).returncode:
            pytest.skip("this filesystem cannot make a directory immutable")
    else:
        locked.chmod(0o555)
    try:
        for name in ("history.db", "fresh.db"):
            out = tmp_path / name
            _assert_reports_but_no_history(run_cli(scan_args(endpoint, out, "--store", str(locked / name)), out,
                                                   aws_env))
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(locked)], check=True)
        else:
            locked.chmod(0o755)
    read_only = f"sqlite:///file:{locked / 'history.db'}?mode=ro&uri=true"
    out = tmp_path / "ro"
    _assert_reports_but_no_history(run_cli(scan_args(endpoint, out, "--store", read_only), out, aws_env))


def test_an_unreachable_server_is_one_line_without_its_password(
        endpoint: str, aws_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "pg"
    result = run_cli(scan_args(endpoint, out, "--store", "postgresql+psycopg://ztscan:S3cr3t-pw@127.0.0.1:9/x"), out,
                     aws_env)
    _assert_reports_but_no_history(result, secret="S3cr3t-pw")
    assert "postgresql+psycopg://ztscan:***@127.0.0.1:9/x" in result.stderr
