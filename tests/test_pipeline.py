"""The streaming pipeline: shards spilled and checked a page at a time give the document a scan of the
whole estate in memory gives, whatever order the shards arrive in."""

from __future__ import annotations

import gc
import random
import weakref
from contextlib import closing
from datetime import UTC, date, datetime

from scanner import pipeline
from scanner.document import ScanDocument
from scanner.executors import InlineExecutor
from scanner.inventory import Grant, InvocationPath, ServerlessFunction
from scanner.progress import make_progress
from scanner.provider import Collection, ProgressSink, Provider, ProviderOptions, ShardSpec, TargetStatus
from scanner.run import assemble

SCAN_DATE = date(2026, 12, 1)


def _fn(i: int, account: str) -> ServerlessFunction:
    rng = random.Random(i)
    fn = ServerlessFunction(provider="aws", account=account, region="us-east-1",
                            id=f"arn:aws:lambda:us-east-1:{account}:function:fn-{i}", name=f"fn-{i}", kind="lambda")
    fn.identity.kind = "aws_iam_role"
    fn.identity.principal = f"arn:aws:iam::{account}:role/{'shared' if i % 3 else f'own-{i}'}"
    fn.identity.admin = [Grant(source="AdministratorAccess", actions=["*"], resources=["*"])] if i % 7 == 0 else []
    fn.network.invocation = [InvocationPath(via="function_url", principal="*", principal_kind="anonymous",
                                            auth="none", evidence="AuthType NONE")] if rng.random() < 0.2 else []
    return fn


def _shards() -> list[tuple[str, Collection]]:
    shards = []
    for account in ("111111111111", "222222222222", "333333333333"):
        functions = [_fn(i, account) for i in range(40)]
        shards.append(("aws", Collection(functions=functions, scope={"accounts": [account]}, targets=[
            TargetStatus(provider="aws", account=account, region="us-east-1", status="complete",
                         functions=len(functions))])))
    return shards


def _comparable(doc: ScanDocument) -> dict[str, object]:
    results = sorted(doc.results(), key=lambda r: r.function.id)
    return {
        "findings": [(f.id, f.status, f.evidence, f.waived) for r in results for f in r.findings],
        "scores": [(r.function.id, r.score) for r in results],
        "estate": doc.scores.estate, "accounts": doc.scores.accounts, "summary": doc.summary,
        "paths": doc.attack_paths, "plan": doc.remediation_plan, "compliance": doc.compliance,
    }


def test_shards_in_any_order_give_the_document_of_one_scan_in_memory() -> None:
    started = datetime.now(UTC)
    # The pipeline reads functions back in its stable order; in that order, a scan in memory must agree.
    functions = sorted((fn for _, c in _shards() for fn in c.functions),
                       key=lambda fn: (fn.provider, fn.account, fn.region, fn.name, fn.id))
    whole = Collection(functions=functions, targets=[t for _, c in _shards() for t in c.targets])
    expected = _comparable(assemble({"aws": whole}, started, SCAN_DATE))  # the same pipeline, read into memory
    for order in ([0, 1, 2], [2, 0, 1]):
        shards = _shards()
        with closing(pipeline.new_spill(started)) as spill:
            doc = pipeline.run((shards[i] for i in order), spill, started, SCAN_DATE)
            assert doc.function_count == 120
            # Sorted, as shards finish in any order.
            assert doc.scan.scope == {"aws": {"accounts": ["111111111111", "222222222222", "333333333333"]}}
            assert [t.account for t in doc.targets] == ["111111111111", "222222222222", "333333333333"]
            assert _comparable(doc) == expected


def test_identity_shared_across_shards_is_seen_by_every_function_on_it() -> None:
    started = datetime.now(UTC)
    role = "arn:aws:iam::111111111111:role/everywhere"
    shards = []
    for region in ("us-east-1", "eu-west-1"):
        fn = _fn(1 if region == "us-east-1" else 2, "111111111111")
        fn.region, fn.id, fn.identity.principal = region, f"{fn.id}-{region}", role
        shards.append(("aws", Collection(functions=[fn])))
    with closing(pipeline.new_spill(started)) as spill:
        doc = pipeline.run(iter(shards), spill, started, SCAN_DATE)
        shared = [f for r in doc.results() for f in r.findings if f.check_id == "ZT-IAM-004"]
    assert [f.status for f in shared] == ["FAIL", "FAIL"]
    assert all("1 other function(s)" in f.evidence[0] for f in shared)


class _Accounts(Provider):
    """Three account shards, each a collection of the functions above."""

    name = "aws"
    title = "three accounts"
    Options = ProviderOptions

    def plan_shards(self, progress: ProgressSink) -> list[ShardSpec]:
        return [ShardSpec(provider="aws", account=str(n) * 12) for n in (1, 2, 3)]

    def collect_shard(self, spec: ShardSpec, progress: ProgressSink) -> Collection:
        return Collection(functions=[_fn(i, spec.account) for i in range(40)])

    def collect(self, progress: ProgressSink) -> Collection:
        raise AssertionError("collected by shard")


def test_the_inline_executor_lets_go_of_each_shard_once_it_is_handed_on() -> None:
    """Memory bounded by the largest shard: a shard the pipeline has spilled is garbage, not kept by the
    executor until the last shard arrives (it kept every collection of a 20,000-function scan)."""
    provider = _Accounts(ProviderOptions(workers=1))
    progress = make_progress(quiet=True)
    arriving = InlineExecutor().run(provider, list(enumerate(provider.plan_shards(progress))), progress)
    handed_on = [weakref.ref(next(arriving).collection) for _ in range(2)]
    gc.collect()
    assert handed_on[0]() is None
    assert len(list(arriving)) == 1
