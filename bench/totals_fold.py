"""Benchmark: what Totals (the per-function fold) keeps in memory over a synthetic estate.

Functions are made one at a time with a finding for every check of the catalogue (drawn at random, 30%
FAIL: a worse estate than any demo, so the plan's input is large), folded, and dropped, as a streaming
scan does; tracemalloc then reports what is still allocated (what Totals keeps), the peak
during the fold, and the peak of finish() (the plan's ranking expands its compact input there).
Usage: python bench/totals_fold.py [--functions 20000] [--roles 400] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc
from datetime import date

from scanner import registry
from scanner.findings import CheckMeta, Finding, Status
from scanner.inventory import Grant, InvocationPath, KeyFacts, ServerlessFunction
from scanner.totals import Totals
from scanner.waivers import Waiver

MIB = 1024 * 1024


def synthetic(i: int, rnd: random.Random, roles: int) -> ServerlessFunction:
    """A function whose facts are read (so its checks are assessed) and often risky."""
    account = f"{100000000000 + i % 20}"
    fn = ServerlessFunction(provider="aws", account=account, region=f"region-{i % 4}",
                            id=f"arn:aws:lambda:region-{i % 4}:{account}:function:fn-{i}", name=f"fn-{i}",
                            kind="lambda", tags={"team": f"t{i % 7}"})
    fn.identity.kind = "aws_iam_role"
    fn.identity.principal = f"arn:aws:iam::{account}:role/role-{rnd.randrange(roles)}"
    fn.identity.admin = ([Grant(source="AdministratorAccess", actions=["*"], resources=["*"], reason="all")]
                         if rnd.random() < 0.2 else [])
    fn.network.invocation = ([InvocationPath(via="function_url", principal="*", principal_kind="anonymous",
                                             auth="none", evidence="AuthType NONE")] if rnd.random() < 0.2 else [])
    fn.runtime.name = rnd.choice(["python3.8", "nodejs16.x", "python3.13", "nodejs22.x"])
    fn.encryption.cmk = KeyFacts(key_id=f"key-{rnd.randrange(50)}", state="enabled",
                                 rotation_enabled=rnd.random() < 0.5) if rnd.random() < 0.5 else None
    return fn


STATUSES = (Status.FAIL, Status.PASS, Status.NOT_ASSESSED, Status.NOT_APPLICABLE)
WEIGHTS = (30, 45, 5, 20)


def findings(fn: ServerlessFunction, checks: list[CheckMeta], rnd: random.Random) -> list[Finding]:
    statuses = rnd.choices(STATUSES, WEIGHTS, k=len(checks))
    return [Finding(id=Finding.stable_id(c.id, fn.id), check_id=c.id, title=c.title, pillar=c.pillar,
                    severity=c.severity, status=status, provider=fn.provider, account=fn.account, region=fn.region,
                    resource_id=fn.id, resource_name=fn.name, evidence=[f"{c.id} evidence for {fn.name}"])
            for c, status in zip(checks, statuses, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=20000)
    parser.add_argument("--roles", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    checks = [c.meta for c in registry.checks()]
    waivers = [Waiver(check="ZT-NET-*", resource=f"fn-{n}*", reason="accepted", owner="sec",
                      expires=date(2027, 1, 1)) for n in range(1, 10)]
    rnd = random.Random(args.seed)
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    totals = Totals(checks, waivers, date(2026, 11, 28), None)
    started = time.perf_counter()
    failing = 0
    for i in range(args.functions):
        result = totals.add(fn := synthetic(i, rnd, args.roles), findings(fn, checks, rnd))
        failing += sum(f.status == "FAIL" and not f.waived for f in result.findings)
    folded = time.perf_counter() - started
    kept, fold_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    agg = totals.finish([])
    finished = time.perf_counter() - started
    finish_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    plan = agg.remediation_plan
    print(f"functions {args.functions}, checks {len(checks)}, failing unwaived findings {failing}, "
          f"plan changes {plan.changes_total if plan else 0}, attack paths {len(agg.attack_paths)}")
    print(f"kept by Totals after the fold: {(kept - baseline) / MIB:.1f} MiB "
          f"({(kept - baseline) / args.functions:.0f} B per function)")
    print(f"peak during the fold: {(fold_peak - baseline) / MIB:.1f} MiB; peak during finish(): "
          f"{(finish_peak - baseline) / MIB:.1f} MiB")
    print(f"fold {folded:.1f} s ({folded / args.functions * 1e3:.2f} ms per function, making the findings included); "
          f"finish {finished:.1f} s")


if __name__ == "__main__":
    main()
