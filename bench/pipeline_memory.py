"""Benchmark: the streaming pipeline's memory and output size as the estate grows, without a cloud.

A synthetic estate (bench/report_render.py's functions: three clouds, shared roles, admin grants,
public URLs, secrets, deprecated runtimes) arrives in shards of --shard-size functions, as an
organisation scan's targets would; a child process runs the pipeline over them and writes the JSON
and HTML reports. Prints, per estate size: wall time, time per function, the child's peak RSS
(VmHWM) and the reports' bytes per function. Memory must stay flat (bounded by the largest shard)
and output linear. Targets (issue 12): peak RSS <= 400 MB at 20,000 functions, JSON <= 8 KB and
HTML <= 2 KB per function, time per function at 20,000 within 1.3x of that at 2,000.
Usage: python bench/pipeline_memory.py [--sizes 2000,20000] [--shard-size 250]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from measure import run_measured  # a sibling script module: bench/ is on sys.path when run
from report_render import synthetic_function

from scanner import pipeline
from scanner.cli import write_reports
from scanner.provider import Collection, TargetStatus


def shards(count: int, size: int) -> Iterator[tuple[str, Collection]]:
    """Built one shard at a time, so the estate never exists whole in the child either."""
    for start in range(0, count, size):
        functions = [synthetic_function(i) for i in range(start, min(start + size, count))]
        yield "bench", Collection(functions=functions, scope={"accounts": ["synthetic"]}, targets=[
            TargetStatus(provider="bench", account=f"shard-{start // size}", region="all", status="complete",
                         functions=len(functions))])


def child(count: int, size: int, out: Path) -> None:
    started = datetime.now(UTC)
    with closing(pipeline.new_spill(started)) as spill:
        doc = pipeline.run(shards(count, size), spill, started)
        write_reports(doc, ["json", "html"], out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--shard-size", type=int, default=250)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.shard_size, args.out)
        return
    per_function = {}
    for count in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as out:
            m = run_measured([sys.executable, __file__, "--child", str(count), "--shard-size", str(args.shard_size),
                              "--out", out], dict(os.environ))
            if m.returncode:
                sys.exit(f"{count} functions: exit {m.returncode}: {m.stderr[-2000:]}")
            sizes = {name: (Path(out) / name).stat().st_size for name in ("ztscan.json", "ztscan.html")}
        per_function[count] = m.seconds / count
        print(f"{count} functions: {m.seconds:.1f} s ({per_function[count] * 1000:.2f} ms/function), "
              f"peak RSS {m.peak_rss_mib:.0f} MB, JSON {sizes['ztscan.json'] / count / 1024:.2f} KB/function, "
              f"HTML {sizes['ztscan.html'] / count / 1024:.2f} KB/function")
    if len(per_function) > 1:
        smallest, largest = min(per_function), max(per_function)
        print(f"time per function at {largest} / at {smallest}: {per_function[largest] / per_function[smallest]:.2f}x")


if __name__ == "__main__":
    main()
