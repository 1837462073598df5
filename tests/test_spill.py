"""The spill store of a streaming scan: functions out to disk shard by shard, back in a stable order,
their findings and scores written back and read again exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime

from scanner import registry
from scanner.document import FunctionScore
from scanner.engine import SharedWith, evaluate_function, identity_groups, share
from scanner.grading import score_findings
from scanner.inventory import ServerlessFunction
from scanner.results import FunctionResult
from scanner.store.spill import PAGE, Spill


def _fn(i: int, account: str, role: str) -> ServerlessFunction:
    fn = ServerlessFunction(provider="aws", account=account, region="us-east-1", id=f"arn:fn:{account}:{i}",
                            name=f"fn-{i:04d}", kind="lambda", tags={"team": "<script>'x'</script>"})
    fn.identity.principal = role
    return fn


def test_functions_come_back_in_stable_order_whatever_order_the_shards_arrived_in() -> None:
    spill = Spill("scan-1", datetime.now(UTC))
    try:
        spill.add([_fn(i, "222", "r") for i in range(PAGE + 7)])  # more than a page: keyset paging
        spill.add([_fn(i, "111", "r") for i in range(3)])
        back = [fn for page in spill.functions() for fn in page]
        assert len(spill) == len(back) == PAGE + 10
        assert [(fn.account, fn.name) for fn in back] == sorted((fn.account, fn.name) for fn in back)
        assert back[0].tags == {"team": "<script>'x'</script>"}
    finally:
        spill.close()


def test_results_written_back_read_the_same() -> None:
    checks = registry.checks()
    functions = [_fn(i, "111", "shared" if i < 3 else f"own-{i}") for i in range(5)]
    groups = identity_groups(functions)
    spill = Spill("scan-2", datetime.now(UTC))
    try:
        spill.add(functions)
        written = []
        for page in spill.functions():
            for fn in page:
                share(fn, groups)
                findings = evaluate_function(fn, checks, registry.ScanContext(scan_date=date(2026, 12, 1)))
                findings[0].delta, findings[0].first_seen = "new", datetime(2026, 11, 30, tzinfo=UTC)
                written.append(FunctionResult(fn, findings, FunctionScore(function_id=fn.id,
                                                                          overall=score_findings(findings))))
            spill.put_results(written[-len(page):])
        read = list(spill.results([c.meta for c in checks]))
        assert [r.function.id for r in read] == [r.function.id for r in written]
        assert [r.findings for r in read] == [r.findings for r in written]
        assert [r.score for r in read] == [r.score for r in written]
        shared = next(r for r in read if r.function.name == "fn-0000")
        assert any(f.check_id == "ZT-IAM-004" and f.status == "FAIL" and "2 other function(s)" in f.evidence[0]
                   for f in shared.findings)
    finally:
        spill.close()


def test_shared_with_is_a_view_of_the_group_without_the_function_itself() -> None:
    group = ("a", "b", "c", "d")
    others = SharedWith(group, "b")
    assert list(others) == ["a", "c", "d"] and len(others) == 3 and others[:2] == ["a", "c"] and others[-1] == "d"
    assert list(SharedWith(group, "zz")) == list(group)
    assert list(SharedWith((), "a")) == []
