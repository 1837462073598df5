"""Totals, the per-function fold, gives what the whole-estate reading gives (tests/totals_reference.py): on the
demo estates of all three clouds (scanned through their emulators) and on seeded random estates with waivers.
(Before the batch functions were removed, this test compared the fold with them field by field and found them
equal, the plan's order included.)"""

from __future__ import annotations

import copy
import json
import random
import urllib.request
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from scanner import registry
from scanner.collected import mark_uncollected
from scanner.demo import demo_providers
from scanner.demo.aws.moto_server import moto_server
from scanner.engine import evaluate_function, identity_groups, share
from scanner.inventory import Grant, InvocationPath, KeyFacts, ServerlessFunction
from scanner.progress import LogProgress
from scanner.provider import TargetStatus
from scanner.remediation_plan import plan_of_results
from scanner.results import MemoryResults
from scanner.totals import Totals
from scanner.waivers import Waiver
from tests import totals_reference as ref

SCAN_DATE = date(2026, 11, 28)


@pytest.fixture(scope="module")
def demo() -> Iterator[tuple[list[ServerlessFunction], list[TargetStatus]]]:
    # moto keeps its state per process: clear what an earlier module in this worker seeded, or the demo's
    # own seeding collides with it.
    with moto_server() as endpoint:
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")).close()
    with demo_providers(quiet=True) as providers:
        progress = LogProgress(quiet=True)
        collections = {p.name: p.collect(progress) for p in providers}
    yield ([fn for c in collections.values() for fn in c.functions],
           [t for c in collections.values() for t in c.targets])


def _random_estate(seed: int) -> list[ServerlessFunction]:
    rnd = random.Random(seed)
    functions = []
    for i in range(300):
        provider, account = rnd.choice([("aws", "111122223333"), ("aws", "444455556666"), ("gcp", "proj-a"),
                                        ("azure", "sub-1")])
        fn = ServerlessFunction(provider=provider, account=account, region=rnd.choice(["r1", "r2"]),
                                id=f"{provider}:{account}:fn{i}", name=f"fn-{i % 250}", kind="lambda",
                                tags={"team": rnd.choice(["a", "b"])})
        fn.identity.kind = "role"
        fn.identity.principal = rnd.choice([f"role/{rnd.randrange(12)}", None])
        if rnd.random() < 0.3:
            fn.identity.admin = [Grant(source="Admin", actions=["*"], resources=["*"], reason="all")]
        if rnd.random() < 0.3:
            fn.network.invocation = [InvocationPath(via="function_url", principal="*", principal_kind="anonymous",
                                                    auth="none", evidence="AuthType NONE")]
        if rnd.random() < 0.5:
            fn.runtime.name = rnd.choice(["python3.7", "nodejs12.x", "python3.13"])
        if rnd.random() < 0.4:
            fn.encryption.cmk = KeyFacts(key_id=f"key/{rnd.randrange(4)}", state=rnd.choice(["enabled", "disabled"]),
                                         rotation_enabled=rnd.choice([True, False, None]))
        for path in rnd.sample(["secrets.settings", "network.invocation", "identity.admin", "monitoring"], 2):
            if rnd.random() < 0.2:
                fn.mark_unknown(path, "AccessDenied")
        functions.append(fn)
    return functions


def _random_waivers(seed: int) -> list[Waiver]:
    rnd = random.Random(seed)
    base = {"reason": "accepted risk", "owner": "sec"}
    return [
        Waiver(check="ZT-IAM-*", resource="fn-1*", expires=date(2027, 1, 1), **base),
        Waiver(check="ZT-NET-001", account="111122223333", expires=date(2027, 1, 1), **base),
        Waiver(check="ZT-*", tags={"team": "b"}, region="r2", expires=date(2027, 1, 1), **base),
        Waiver(check="ZT-RUN-00?", expires=date(2026, 1, 1), **base),  # expired: waives nothing
        Waiver(check="ZT-SEC-*", resource="gcp:*", expires=date(2027, 1, 1), **base),
        Waiver(check="NO-SUCH-*", expires=date(2027, 1, 1), **base),
        *(Waiver(check=rnd.choice(["ZT-ENC-*", "ZT-IAM-00[1-4]", "*"]), resource=f"*fn{rnd.randrange(300)}",
                 expires=date(2027, 1, 1), **base) for _ in range(10)),
    ]


def _demo_waivers(functions: list[ServerlessFunction]) -> list[Waiver]:
    first, second, third = sorted(functions, key=lambda fn: fn.id)[::7][:3]
    base = {"reason": "accepted risk", "owner": "sec", "expires": date(2027, 1, 1)}
    return [Waiver(check="ZT-IAM-*", resource=first.name, **base),
            Waiver(check="ZT-*", resource=second.id, **base),
            Waiver(check="ZT-NET-00?", account=third.account, region=third.region, **base),
            Waiver(check="*", **{**base, "expires": date(2026, 1, 1)})]


def _prepare(functions: list[ServerlessFunction], collected: bool) -> list[ServerlessFunction]:
    """As a scan prepares them; the random estate's facts are all known but the ones it marks unknown."""
    functions = copy.deepcopy(functions)
    for fn in functions:
        if collected:
            mark_uncollected(fn)
    groups = identity_groups(functions)
    for fn in functions:
        share(fn, groups)
    return functions


def _dump(value: Any) -> str:
    """JSON text, so that key order counts too (the document is written in this order)."""
    if isinstance(value, list):
        return json.dumps([_dump(v) for v in value])
    return value.model_dump_json() if value is not None else "null"


def _compare(functions: list[ServerlessFunction], targets: list[TargetStatus], waivers: list[Waiver],
             frameworks: list[str] | None = None, collected: bool = True) -> None:
    checks = registry.checks()
    metas = [c.meta for c in checks]
    ctx = registry.ScanContext(scan_date=SCAN_DATE)
    whole_fns = _prepare(functions, collected)
    whole = [f for fn in whole_fns for f in evaluate_function(fn, checks, ctx)]
    uses = ref.apply_waivers(waivers, whole, whole_fns, SCAN_DATE)
    scores = ref.grade_all(whole_fns, whole)

    totals = Totals(metas, waivers, SCAN_DATE, frameworks)
    results = [totals.add(fn, evaluate_function(fn, checks, ctx)) for fn in _prepare(functions, collected)]
    agg = totals.finish(targets)

    assert [r.function.model_dump_json() for r in results] == [f.model_dump_json() for f in whole_fns]
    folded = [f for r in results for f in r.findings]
    assert [(f.id, f.waived, f.waiver) for f in folded] == [(f.id, f.waived, f.waiver) for f in whole]
    assert any(f.waived for f in whole) == bool(waivers)
    assert [_dump(r.score) for r in results] == [_dump(s) for s in scores.functions]
    assert _dump(agg.scores) == _dump(scores.model_copy(update={"functions": []}))
    assert _dump(agg.waivers) == _dump(uses)
    assert _dump(agg.summary) == _dump(ref.summarise(whole_fns, whole, targets))
    assert [{"id": fw.id, "title": fw.title, "pass_rate": fw.pass_rate, "controls": {c.control: c for c in fw.controls}}
            for fw in agg.compliance] == ref.compliance(metas, whole, frameworks)
    assert _dump(agg.attack_paths) == _dump(ref.attack_paths(whole_fns, whole))
    ref.check_plan(agg.remediation_plan, whole_fns, whole, metas)
    # A saved document without a plan gets the same one, folded from its results.
    again = plan_of_results(MemoryResults(whole_fns, whole, scores.functions), metas)
    assert _dump(again) == _dump(agg.remediation_plan)


def test_the_fold_equals_the_whole_estate_on_the_demo_of_every_cloud(
    demo: tuple[list[ServerlessFunction], list[TargetStatus]]
) -> None:
    functions, targets = demo
    assert {fn.provider for fn in functions} == {"aws", "azure", "gcp"}
    _compare(functions, targets, [])
    _compare(functions, targets, _demo_waivers(functions), frameworks=["CIS-AWS-Compute", "NIST-800-53"])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_fold_equals_the_whole_estate_on_a_random_estate_with_waivers(seed: int) -> None:
    _compare(_random_estate(seed), [], _random_waivers(seed), collected=False)


def test_an_empty_scan_folds_to_no_plan_and_no_grade() -> None:
    _compare([], [TargetStatus(provider="aws", account="1", status="failed", error="down")], [])
