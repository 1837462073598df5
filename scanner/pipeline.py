"""A streaming scan: memory bounded by the largest shard, not by the estate.

Phase 1 takes each shard's collection as it arrives (from this process, worker processes, Dask, or
shard files being merged), writes its functions to the spill store and keeps only the targets, the
call counts and which functions share an identity. Phase 2 reads the functions back a page at a
time in a stable order, evaluates every check, folds each function into the totals (grades,
compliance, attack paths, the plan) and writes its findings back. The document then holds the
aggregates, and its results stream from the spill to every report.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from scanner import registry, runtimes
from scanner.collected import mark_uncollected
from scanner.document import ScanDocument, ScanMeta, shared_groups
from scanner.engine import evaluate_function, share
from scanner.provider import Collection, TargetStatus
from scanner.store.spill import Spill
from scanner.totals import Totals
from scanner.waivers import Waiver


@dataclass
class Gathered:
    """What phase 1 keeps of the shards: everything but their functions."""

    targets: list[TargetStatus] = field(default_factory=list)
    scope: dict[str, dict[str, list[str] | str]] = field(default_factory=dict)
    api_calls: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    identities: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, provider: str, shard: Collection) -> None:
        self.targets += shard.targets
        self.api_calls[provider].update(shard.api_calls)
        scope = self.scope.setdefault(provider, {})
        for key, value in shard.scope.items():
            if isinstance(value, list):  # each shard names its own accounts: the scan's scope is all of them
                known = scope.setdefault(key, [])
                known += [v for v in value if v not in known]  # type: ignore[union-attr]
            else:
                scope[key] = value
        for fn in shard.functions:
            if fn.identity.principal:
                self.identities[(fn.provider, fn.identity.principal)].append(fn.id)

    def groups(self) -> dict[tuple[str, str], tuple[str, ...]]:
        return {key: tuple(sorted(ids)) for key, ids in self.identities.items()}


def gather(shards: Iterable[tuple[str, Collection]], spill: Spill) -> Gathered:
    """Phase 1: spill each shard's functions as it arrives; keep the rest."""
    gathered = Gathered()
    for provider, shard in shards:
        for fn in shard.functions:
            mark_uncollected(fn)
        spill.add(shard.functions)
        gathered.add(provider, shard)
    return gathered


def run(shards: Iterable[tuple[str, Collection]], spill: Spill, started: datetime, scan_date: date | None = None,
        waivers: list[Waiver] | None = None, frameworks: list[str] | None = None) -> ScanDocument:
    """Both phases over ``(provider name, shard collection)`` pairs; the document reads its results from ``spill``,
    which must stay open while reports are written."""
    scan_date = scan_date or started.date()
    gathered = gather(shards, spill)
    groups = gathered.groups()
    checks = registry.checks()
    metas = [c.meta for c in checks]
    ctx = registry.ScanContext(scan_date=scan_date)
    totals = Totals(metas, waivers or [], scan_date, frameworks)
    for page in spill.functions():
        results = []
        for fn in page:
            share(fn, groups)
            results.append(totals.add(fn, evaluate_function(fn, checks, ctx)))
        spill.put_results(results)
    agg = totals.finish(gathered.targets)
    doc = ScanDocument(
        scan=ScanMeta(
            id=spill.scan_id, started_at=started, finished_at=datetime.now(UTC), scan_date=scan_date.isoformat(),
            providers=sorted(gathered.scope), scope=gathered.scope, runtime_data=runtimes.data_version(),
            plugin_errors=list(registry.load_errors),
            api_calls={name: dict(calls) for name, calls in gathered.api_calls.items() if calls},
        ),
        targets=gathered.targets, checks=metas, functions=[], findings=[], identity_groups=shared_groups(groups),
        attack_paths=agg.attack_paths,
        scores=agg.scores, compliance=agg.compliance, waivers=agg.waivers, summary=agg.summary,
        remediation_plan=agg.remediation_plan,
    )
    doc._source = spill.source(metas)
    return doc


def new_spill(started: datetime) -> Spill:
    return Spill(str(uuid.uuid4()), started)
