"""Benchmark: bytes per function and peak memory of the streamed reports, on a synthetic estate.

Each format is written (through the same write_atomic as a scan) in a forked child, so the child's peak
RSS is that format's: the document in memory plus what rendering it adds. Targets (issue 12): JSON at
most 8 KB and HTML at most 2 KB per function at 5,000 functions.
Usage: python bench/report_size.py [--functions 5000] [--formats json,html,jsonl]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from report_render import estate

import reports
from scanner.document import ScanDocument
from scanner.provider import Collection
from scanner.run import assemble

TARGETS = {"json": 8000, "html": 2000}


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
    args = parser.parse_args()
    doc = assemble({"bench": Collection(functions=estate(args.functions))}, datetime.now(UTC), date(2026, 11, 28))
    print(f"{doc.function_count} functions, {len(doc.findings)} findings; RSS with the document in memory "
          f"{rss_mib():.0f} MiB")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats.split(","):
            measure(doc, fmt, Path(tmp))


if __name__ == "__main__":
    main()
