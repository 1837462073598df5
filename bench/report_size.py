"""Benchmark: bytes per function and peak memory of the streamed reports, on a synthetic estate.

Each format is written (through the same write_atomic as a scan) in a forked child, so the child's peak
RSS is that format's: the document in memory plus what rendering it adds. Targets (issue 12): JSON at
most 8 KB and HTML at most 2 KB per function at 5,000 functions.
With --replay K the document's functions come from a result source that streams its N results K times
(as the spill store of a streaming scan streams them): only N are in memory, so a renderer whose peak
RSS stays flat from K=1 to K=10 holds nothing per function.
With --history, every applicable finding is stamped as a scan that writes history stamps it (first seen a
week ago, last seen now, unchanged), which is what a scheduled scan's JSON carries.
Usage: python bench/report_size.py [--functions 5000] [--formats json,html,jsonl] [--history] [--replay K]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from report_render import estate

import reports
from scanner.document import ScanDocument, Scores
from scanner.findings import Status
from scanner.provider import Collection
from scanner.results import FunctionResult
from scanner.run import assemble

TARGETS = {"json": 8000, "html": 2000}


class Replay:
    """A result source that streams the same results ``times`` times."""

    def __init__(self, results: list[FunctionResult], times: int) -> None:
        self.results, self.times = results, times

    def __iter__(self) -> Iterator[FunctionResult]:
        for _ in range(self.times):
            yield from self.results

    def __len__(self) -> int:
        return len(self.results) * self.times

    def update(self, results: Sequence[FunctionResult]) -> None:
        """Nothing to keep: the bench only renders."""


def streamed(doc: ScanDocument, times: int) -> ScanDocument:
    results = list(doc.results())
    copy = doc.model_copy(update={"functions": [], "findings": [],
                                  "scores": Scores(accounts=doc.scores.accounts, estate=doc.scores.estate)})
    copy._source = Replay(results, times)
    return copy


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(doc: ScanDocument, fmt: str, out: Path) -> None:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child renders and reports back one line
        os.close(read)
        started, cpu = time.perf_counter(), time.process_time()
        filename, write_report = reports.writer(doc, fmt)
        reports.write_atomic(out / filename, write_report)
        line = (f"{filename} {(out / filename).stat().st_size} {time.perf_counter() - started:.2f} "
                f"{time.process_time() - cpu:.2f} {rss_mib():.0f}")
        os.write(write, line.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        filename, size, wall, cpu, peak = pipe.read().split()
    os.waitpid(pid, 0)
    per_function = int(size) / doc.function_count
    target = TARGETS.get(fmt)
    verdict = "" if target is None else f" (target <= {target}: {'met' if per_function <= target else 'MISSED'})"
    print(f"{filename}: {int(size) / 1e6:.1f} MB, {per_function:,.0f} bytes per function{verdict}; "
          f"{wall} s ({cpu} s CPU); peak RSS {peak} MiB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=5000)
    parser.add_argument("--formats", default="json,html,jsonl")
    parser.add_argument("--history", action="store_true", help="stamp findings as a scan with history does")
    parser.add_argument("--replay", type=int, default=0, help="stream the functions K times from a result source")
    args = parser.parse_args()
    doc = assemble({"bench": Collection(functions=estate(args.functions))}, datetime.now(UTC), date(2026, 11, 28))
    if args.history:
        for f in doc.findings:
            if f.status != Status.NOT_APPLICABLE:
                f.first_seen, f.last_seen, f.delta = doc.scan.finished_at - timedelta(days=7), doc.scan.finished_at, \
                    "unchanged"
    if args.replay:
        doc = streamed(doc, args.replay)
    print(f"{doc.function_count} functions ({args.functions} in memory); RSS with the document in memory "
          f"{rss_mib():.0f} MiB")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats.split(","):
            measure(doc, fmt, Path(tmp))


if __name__ == "__main__":
    main()
