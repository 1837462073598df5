"""History recorded a page of functions at a time through ``doc.results()``, on SQLite and PostgreSQL:
a streaming scan's spilled document gets exactly the deltas an in-memory one gets, a failed write takes
them back out of the spill, and the listed changes are capped with their total counted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from scanner.document import HistorySummary, ScanDocument
from scanner.findings import Finding, Severity
from scanner.history import Changes, Sighting
from scanner.inventory import InvocationPath, ServerlessFunction
from scanner.provider import Collection, TargetStatus
from scanner.run import assemble
from scanner.store import StoreError, record_scan, tables, writer
from scanner.store.engine import open_engine
from scanner.store.spill import Spill
from tests.history_stores import BACKENDS, store_for

ACCOUNT = "123456789012"
URL_CHECK = "ZT-NET-001"
FIRST = datetime(2026, 11, 28, 6, tzinfo=UTC)


def _function(name: str, public: bool, region: str = "us-east-1") -> ServerlessFunction:
    fn = ServerlessFunction(provider="aws", account=ACCOUNT, region=region, name=name, kind="lambda",
                            id=f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}")
    fn.network.invocation = [InvocationPath(via="function_url", principal="*", principal_kind="anonymous",
                                            auth="none", evidence="function URL AuthType NONE")] if public else []
    return fn


def _doc(scan: int, functions: list[ServerlessFunction], targets: list[TargetStatus]) -> ScanDocument:
    started = FIRST + timedelta(days=scan)
    doc = assemble({"aws": Collection(functions=functions, targets=targets)}, started, date(2026, 11, 28))
    doc.scan.id, doc.scan.finished_at = f"scan-{scan}", started + timedelta(minutes=1)
    return doc


def _scans() -> list[ScanDocument]:
    """Three scans: a weakness fixed, a function deleted, one appearing; a region that failed removes nothing."""
    def target(region: str, status: str = "complete") -> TargetStatus:
        return TargetStatus(provider="aws", account=ACCOUNT, region=region, status=status, functions=0)

    quiet = [_function(f"quiet-{i}", public=False) for i in range(5)]
    both = [target("us-east-1"), target("eu-west-1")]
    failed = [target("us-east-1"), target("eu-west-1", "failed")]
    return [
        _doc(0, [_function("api", True), _function("worker", False), _function("legacy", True),
                 _function("far", True, "eu-west-1"), *quiet], both),
        _doc(1, [_function("api", False), _function("worker", True), *quiet], failed),
        _doc(2, [_function("api", False), _function("worker", True), *quiet[:3]], both),
    ]


def _spilled(doc: ScanDocument) -> tuple[ScanDocument, Spill]:
    """The same scan as a streaming scan holds it: no lists, its results on disk."""
    results = list(doc.results())
    spill = Spill(doc.scan.id, doc.scan.started_at)
    spill.add([r.function for r in results])
    spill.put_results(results)
    spilled = doc.model_copy(update={"functions": [], "findings": [],
                                     "scores": doc.scores.model_copy(update={"functions": []})})
    spilled._source = spill.source(doc.checks)
    return spilled, spill


def _stamps(doc: ScanDocument) -> dict[str, tuple[Any, ...]]:
    return {f.id: (f.delta, f.first_seen, f.last_seen) for r in doc.results() for f in r.findings}


def _rows(location: str) -> dict[str, list[tuple[Any, ...]]]:
    engine, _ = open_engine(location)
    found = {}
    with engine.connect() as conn:
        for table, columns in ((tables.scan_findings, ("scan_id", "finding_id", "status", "delta", "first_seen")),
                               (tables.scan_absences, ("scan_id", "finding_id", "delta")),
                               (tables.scan_functions, ("scan_id", "function_id")),
                               (tables.scan_scores, ("scan_id", "level", "function_id", "score")),
                               (tables.findings, ("finding_id", "status", "present", "first_seen", "last_seen",
                                                  "last_scan_id", "delta")),
                               (tables.scans, ("id", "state", "deltas", "estate_grade"))):
            found[table.name] = sorted(conn.execute(select(*(table.c[c] for c in columns))).all(), key=repr)
    engine.dispose()
    return found


@pytest.fixture(params=BACKENDS)
def two_stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with store_for(request.param, tmp_path / "a") as first, store_for(request.param, tmp_path / "b") as second:
        yield first, second


def test_a_spilled_document_gets_the_deltas_an_in_memory_one_gets(
        two_stores: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "PAGE", 2)  # many pages from a few functions
    in_memory, streamed = two_stores
    summaries: list[tuple[HistorySummary, HistorySummary]] = []
    for doc in _scans():
        spilled, spill = _spilled(doc.model_copy(deep=True))
        try:
            summaries.append((record_scan(in_memory, doc), record_scan(streamed, spilled)))
            assert _stamps(spilled) == _stamps(doc)  # read back from the spill: the stamps were written there
            assert spilled.history == summaries[-1][1]
        finally:
            spill.close()
        assert summaries[-1][0].model_dump(exclude={"store"}) == summaries[-1][1].model_dump(exclude={"store"})
    assert _rows(in_memory) == _rows(streamed)
    # And they are the right ones.
    first, second, third = (s for s, _ in summaries)
    assert first.counts["new"] == first.changes_total > 0 and first.previous_scan_id is None
    moved = {(c.resource_name, c.delta) for c in second.changes if c.check_id == URL_CHECK}
    assert moved == {("api", "resolved"), ("worker", "new"), ("legacy", "removed")}  # far's region failed
    assert second.changes_total == len(second.changes) == sum(v for k, v in second.counts.items() if k != "unchanged")
    # far's region was read again and far is gone; so are two quiet functions, which failed nothing.
    assert {(c.resource_name, c.delta) for c in third.changes} >= {("far", "removed")}
    assert {c.delta for c in third.changes} == {"removed"} and {c.resource_name for c in third.changes} == {"far"}
    engine, _ = open_engine(in_memory)
    with engine.connect() as conn:
        quiet = conn.execute(select(tables.findings.c.present, tables.findings.c.delta).where(
            tables.findings.c.resource_name.in_(("quiet-3", "quiet-4"))).distinct()).all()
    engine.dispose()
    assert [(bool(present), delta) for present, delta in quiet] == [(False, None)]


def test_a_failed_write_takes_the_stamps_back_out_of_the_spill(
        two_stores: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    store = two_stores[0]
    first, second, _ = _scans()
    record_scan(store, first)
    before = _rows(store)

    def fail(*_args: object) -> None:  # after every page was stamped and written back to the spill
        raise OperationalError("UPDATE findings", {}, Exception("disk I/O error"))

    monkeypatch.setattr(writer, "_finish", fail)
    spilled, spill = _spilled(second)
    try:
        with pytest.raises(StoreError, match="disk I/O error"):
            record_scan(store, spilled)
        assert spilled.history is None
        assert set(_stamps(spilled).values()) == {(None, None, None)}
    finally:
        spill.close()
    assert _rows(store) == before  # all or nothing


def test_changes_list_the_most_severe_and_count_them_all(two_stores: tuple[str, str]) -> None:
    capped, full = two_stores
    engines = [open_engine(full), open_engine(capped)]
    for doc in _scans()[:2]:
        every = writer.record(*engines[0], doc.model_copy(deep=True))
        kept = writer.record(*engines[1], doc, keep_changes=2)
        assert kept.counts == every.counts and kept.changes_total == every.changes_total == len(every.changes)
        assert kept.changes == every.changes[:2] and len(every.changes) > 2
    for engine, _ in engines:
        engine.dispose()


def _finding(name: str, check: str, severity: Severity) -> Finding:
    return Finding(id=f"{check}-{name}", check_id=check, title=check, pillar="network", severity=severity,
                   status="FAIL", provider="aws", account=ACCOUNT, region="us-east-1", resource_id=name,
                   resource_name=name, evidence=[])


def test_the_kept_changes_are_ranked_as_diff_ranks_them_whatever_order_they_come_in() -> None:
    gone = Sighting("gone", "ZT-A", "a", "critical", "aws", ACCOUNT, "us-east-1", "x", "x", "FAIL", False, "", True,
                    FIRST)
    ranked = Changes(keep=4)
    ranked.absent(gone, "removed")
    for name, check, severity, delta in [("b", "ZT-B", Severity.low, "new"), ("a", "ZT-B", Severity.low, "new"),
                                         ("c", "ZT-A", Severity.high, "changed"), ("d", "ZT-A", Severity.high, "new"),
                                         ("e", "ZT-A", Severity.info, "unchanged"), ("f", "ZT-C", Severity.medium,
                                                                                     "resolved")]:
        ranked.present(_finding(name, check, severity), delta)  # type: ignore[arg-type]
    assert [(c.resource_name, c.delta) for c in ranked.listed()] == [("d", "new"), ("a", "new"), ("b", "new"),
                                                                     ("c", "changed")]
    assert ranked.total == 6 and ranked.counts == {"new": 3, "changed": 1, "unchanged": 1, "resolved": 1,
                                                   "removed": 1}


def test_the_html_report_says_how_many_changes_it_leaves_out() -> None:
    from reports.html import render_html

    doc = _scans()[1]
    failing = next(f for f in doc.findings if f.status == "FAIL")
    ranked = Changes(keep=101)
    for _ in range(101):
        ranked.present(failing, "new")
    doc.history = HistorySummary(store="x", changes=ranked.listed(), changes_total=12_345)
    shown = render_html(doc)
    assert f'First 100 of 12345 changes; <span class="mono">ztscan history show {doc.scan.id}</span>' in shown
    doc.history = HistorySummary(store="x", changes=ranked.listed()[:100])  # written before the cap: all listed
    assert "First 100 of" not in render_html(doc)
