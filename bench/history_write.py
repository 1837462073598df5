"""Benchmark: recording a scan's history, from a streaming scan's spill or from a document in memory.

A synthetic estate of --functions functions x every check (36) is recorded twice into a fresh store
(a SQLite file, or --store URL naming an empty database): the first scan, where every failing finding
is new, and a second one a day later where 1 function in 100 is gone (its failing findings removed) and
1 in 100 has every status flipped (new and resolved findings). For each it prints the wall and CPU time
of ``record()`` and the peak of what Python allocated during it (tracemalloc; measured in a second pass
into another store, as tracing slows the code it watches), with the changes counted and listed.
Memory should not grow with --functions: compare 2,000 with 20,000.

Usage: python bench/history_write.py [--functions 20000] [--source spill|memory] [--store URL]
                                     [--only timed|traced]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from scanner import registry
from scanner.document import FunctionScore, ScanDocument, ScanMeta, Score, Summary
from scanner.findings import CheckMeta, Finding, Status
from scanner.inventory import ServerlessFunction
from scanner.provider import TargetStatus
from scanner.results import FunctionResult
from scanner.store.engine import open_engine
from scanner.store.spill import PAGE, Spill
from scanner.store.writer import record

ACCOUNTS, REGIONS = 20, 4
STARTED = datetime(2026, 11, 30, 6, tzinfo=UTC)
SCORE = Score(score=72, grade="C")


def _status(i: int, k: int, flipped: bool) -> Status:
    if (i + k) % 7 == 0:
        return Status.NOT_APPLICABLE
    failing = (i + k) % 5 == 0
    return Status.FAIL if failing != flipped else Status.PASS


def results(count: int, metas: list[CheckMeta], scan: int) -> Iterator[FunctionResult]:
    """The estate as the second (scan=1) or first scan sees it, one function at a time."""
    for i in range(count):
        if scan and i % 100 == 0:
            continue
        account, region = f"{100000000000 + i % ACCOUNTS}", f"region-{i // ACCOUNTS % REGIONS}"
        fn = ServerlessFunction(provider="aws", account=account, region=region, id=f"arn:aws:lambda:{region}:"
                                f"{account}:function:fn-{i:05d}", name=f"fn-{i:05d}", kind="lambda")
        flipped = bool(scan) and i % 100 == 1
        findings = [Finding(
            id=Finding.stable_id(m.id, fn.id), check_id=m.id, title=m.title, pillar=m.pillar, severity=m.severity,
            status=_status(i, k, flipped), provider="aws", account=account, region=region, resource_id=fn.id,
            resource_name=fn.name, evidence=[f"synthetic evidence {k} of {fn.name}"]) for k, m in enumerate(metas)]
        yield FunctionResult(fn, findings, FunctionScore.model_construct(function_id=fn.id, overall=SCORE, pillars={}))


def document(count: int, metas: list[CheckMeta], scan: int, source: str) -> tuple[ScanDocument, Spill | None]:
    finished = STARTED + timedelta(days=scan, minutes=5)
    targets = [TargetStatus(provider="aws", account=f"{100000000000 + a}", region=f"region-{r}", status="complete",
                            functions=0) for a in range(ACCOUNTS) for r in range(REGIONS)]
    meta = ScanMeta(id=f"bench-{scan}", started_at=finished - timedelta(minutes=5), finished_at=finished,
                    scan_date=finished.date().isoformat(), providers=["aws"], runtime_data="bench")
    by_status = {s.value: 0 for s in Status}
    spill = Spill(meta.id, meta.started_at) if source == "spill" else None
    functions: list[ServerlessFunction] = []
    findings: list[Finding] = []
    scores: list[FunctionScore] = []
    page: list[FunctionResult] = []
    for result in results(count, metas, scan):
        for f in result.findings:
            by_status[f.status.value] += 1
        if spill is None:
            functions.append(result.function)
            findings.extend(result.findings)
            scores.append(result.score)  # type: ignore[arg-type]
            continue
        page.append(result)
        if len(page) == PAGE:
            _spill(spill, page)
            page = []
    if spill is not None and page:
        _spill(spill, page)
    total = len(functions) if spill is None else len(spill)
    doc = ScanDocument(scan=meta, targets=targets, checks=metas, functions=functions, findings=findings,
                       summary=Summary(functions=total, findings_by_status=by_status, failures_by_severity={},
                                       targets_incomplete=0))
    doc.scores.functions = scores
    if spill is not None:
        doc._source = spill.source(metas)
    return doc, spill


def _spill(spill: Spill, page: list[FunctionResult]) -> None:
    spill.add([r.function for r in page])
    spill.put_results(page)


def run(count: int, source: str, store: str, traced: bool) -> None:
    metas = [c.meta for c in registry.checks()]
    engine, name = open_engine(store)
    try:
        for scan in (0, 1):
            doc, spill = document(count, metas, scan, source)
            if traced:
                tracemalloc.start()
            wall, cpu = time.perf_counter(), time.process_time()
            history = record(engine, name, doc)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            line = f"  scan {scan + 1}: "
            if traced:
                line += f"tracemalloc peak {tracemalloc.get_traced_memory()[1] / 2**20:.1f} MiB"
                tracemalloc.stop()
            else:
                line += (f"{wall:.1f} s wall, {cpu:.1f} s CPU; deltas {history.counts}; "
                         f"{len(history.changes)} changes listed of {history.changes_total}")
            print(line, flush=True)
            if spill is not None:
                spill.close()
    finally:
        engine.dispose()


def _fresh(url: str) -> None:
    """Empty the PostgreSQL database named by --store, so both passes start from nothing."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=20_000)
    parser.add_argument("--source", choices=("spill", "memory"), default="spill")
    parser.add_argument("--store", help="A database URL (emptied first); default a SQLite file in a temp dir")
    parser.add_argument("--only", choices=("timed", "traced"), help="Run one of the two passes")
    args = parser.parse_args()
    print(f"{args.functions} functions x {len(registry.checks())} checks, from {args.source}")
    with tempfile.TemporaryDirectory(prefix="ztscan-bench-") as tmp:
        for traced in [p == "traced" for p in ("timed", "traced") if args.only in (None, p)]:
            print("tracemalloc pass:" if traced else "timed pass:")
            if args.store:
                _fresh(args.store)
            run(args.functions, args.source, args.store or str(Path(tmp) / f"history-{traced}.db"), traced)


if __name__ == "__main__":
    main()
