"""Benchmark: an AWS Organization at scale. --functions (20,000) Lambda functions in --accounts (20) member
accounts x --regions (4) regions on moto, scanned with `ztscan scan aws --org-role` through the demo proxy,
JSON and HTML reports, Lambda pacing off (moto has no quotas; bench/quota_scan.py measures pacing).

The estate (bench/org_moto.py): each member account's share of the functions in bench/aws_scan.py's mix,
80% of them on one shared role. It is seeded straight into moto's backends in moto's own process
(scanner.demo.aws.organization), then served over HTTP: the scan reads everything over HTTP from that
process. Seeding takes 31 s for 20,000 functions and 18 s for 2,000 (2 shared cores at load ~20); most of
it is moto loading its ~1,600 AWS-managed policies into each of the 21 accounts' IAM, the functions cost
~70 us each. Through boto3 against a moto server each call costs ~8 ms whatever the threads (500
create_function: 4.5 s on 1 thread, 3.9 s on 8; one GIL serves them): 20,000 functions with their
permissions, URLs and aliases would take 4-5 minutes. moto's peak RSS is ~1.0 GB at 2,000 functions and
~1.1 GB at 20,000 (the managed policies again: the functions themselves take ~4 KB each).

Measured per executor (inline; `--executor local:2` and a Dask LocalCluster of 2 worker processes when
the CLI has --executor): exit code, functions and incomplete targets (from the JSON's summary), wall and
CPU time (the machine is shared: CPU time is the steadier of the two) and both per function, peak RSS
(VmHWM) of the orchestrating scan process and of every worker process (its descendants, and the Dask
workers), JSON and HTML bytes per function (KB = 1,000 bytes), and whether the HTML opens in headless
Chromium. Then PASS/FAIL against issue 12's "done when" targets.
Usage: python bench/org_scale.py [--functions 20000] [--accounts 20] [--regions 4] [--compare 2000]
       [--executor inline --executor local:2 ...] [--no-store] [--keep DIR]
--keep DIR copies each run's JSON and HTML to DIR/<executor>-<functions>/ before they are deleted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aws_scan import REGIONS  # sibling script modules: bench/ is on sys.path when run
from measure import Measured, moto_process, run_measured
from report_render import paint_file

from scanner.demo.aws.organization import ORG_ROLE
from scanner.demo.aws.proxy import ProxyState, aws_proxy

BENCH = Path(__file__).resolve().parent
NO_PACING = "lambda=off,get_policy=off,get_function=off,ec2=off"
TARGETS = {"orchestrator MB": 400, "worker MB": 250, "JSON KB/fn": 8, "HTML KB/fn": 2, "time ratio": 1.3}


@dataclass
class Run:
    executor: str
    functions_requested: int
    measured: Measured
    functions: int
    targets_incomplete: int
    json_bytes: int
    html_bytes: int
    chromium: bool | None
    chromium_note: str

    @property
    def per_function_ms(self) -> float:
        return 1000 * self.measured.seconds / max(self.functions, 1)

    @property
    def cpu_per_function_ms(self) -> float:
        return 1000 * self.measured.cpu_seconds / max(self.functions, 1)

    @property
    def workers(self) -> dict[int, tuple[str, float]]:
        return {pid: seen for pid, seen in self.measured.others.items() if "chromium" not in seen[0]}

    @property
    def complete(self) -> bool:
        return (self.measured.returncode in (0, 1) and self.targets_incomplete == 0
                and self.functions == self.functions_requested)


def executors_available() -> list[str]:
    """inline always; local:2 and dask when this checkout's CLI has --executor (and dask is installed)."""
    help_text = subprocess.run([sys.executable, "-m", "scanner", "scan", "aws", "--help"], capture_output=True,
                               text=True, check=False).stdout
    if "--executor" not in help_text:
        return ["inline"]
    found = ["inline", "local:2"]
    with contextlib.suppress(ImportError):
        import distributed  # noqa: F401

        found.append("dask")
    return found


@contextlib.contextmanager
def executor_option(executor: str) -> Iterator[tuple[list[str], tuple[int, ...]]]:
    """The CLI option for an executor and the pids of worker processes that are not the scan's children
    (a Dask LocalCluster of 2 single-threaded worker processes started here)."""
    if executor == "inline":
        yield [], ()
    elif executor != "dask":
        yield ["--executor", executor], ()
    else:
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
                Client(cluster) as client:
            pids = tuple(client.run(os.getpid).values())
            yield ["--executor", cluster.scheduler_address.replace("tcp://", "dask://")], pids


def document_summary(path: Path) -> dict:
    """The JSON's `summary` without loading its per-function bulk (a 1.x document of 20,000 functions is
    over a gigabyte): a 2.x document writes each top-level member on a line `"key":...,`; a 1.x document,
    indented by 2, starts each on a line `  "key": `."""
    with path.open("rb") as handle:
        first = handle.readline()
        if first.startswith(b'{"'):  # 2.x: compact, one member a line
            for line in handle:
                if line.startswith(b'"summary":'):
                    return json.loads(b"{" + line.rstrip().rstrip(b",") + b"}")["summary"]  # type: ignore[no-any-return]
            raise ValueError(f"{path} has no summary")
        if first.strip() != b"{":
            handle.seek(0)
            return json.load(handle)["summary"]  # type: ignore[no-any-return]
        member: list[bytes] | None = None
        for line in handle:
            if member is not None:
                if line.startswith((b'  "', b"}")):
                    return json.loads(b"{" + b"".join(member).rstrip().rstrip(b",") + b"}")["summary"]  # type: ignore[no-any-return]
                member.append(line)
            elif line.startswith(b'  "summary":'):
                member = [line]
    raise ValueError(f"{path} has no summary")


def scan(proxy: str, env: dict[str, str], regions: list[str], executor: str, requested: int, work: Path,
         store: bool, keep: Path | None) -> Run:
    out = work / f"out-{executor.replace(':', '-')}-{requested}"
    with executor_option(executor) as (option, workers):
        measured = run_measured(
            [sys.executable, "-m", "scanner", "scan", "aws", "--endpoint-url", proxy, "--regions", ",".join(regions),
             "--org-role", ORG_ROLE, "--format", "json,html", "--out", str(out), "--quiet", "--aws-rate", NO_PACING,
             *(["--store", str(out / "history.db")] if store else ["--no-store"]), *option],
            env={**env, "CI": "1"}, watch=workers)
    json_path, html_path = out / "ztscan.json", out / "ztscan.html"
    summary = document_summary(json_path) if json_path.exists() else {"functions": 0, "targets_incomplete": -1}
    opened, note = paint_file(html_path, timeout_s=300) if html_path.exists() else (False, "no HTML written")
    run = Run(executor, requested, measured, summary["functions"], summary["targets_incomplete"],
              json_path.stat().st_size if json_path.exists() else 0,
              html_path.stat().st_size if html_path.exists() else 0, opened, note)
    for report in out.glob("ztscan.*"):
        if keep is not None:
            (keep / out.name).mkdir(parents=True, exist_ok=True)
            shutil.copy2(report, keep / out.name / report.name)
        report.unlink()  # a 1.x JSON of 20,000 functions is gigabytes: keep the disk for the next run
    return run


def scale(functions: int, accounts: int, regions: list[str], executors: list[str], store: bool,
          keep: Path | None) -> list[Run]:
    runs = []
    with tempfile.TemporaryDirectory(prefix="org-scale-") as tmp:
        work = Path(tmp)
        recorded = work / "recorded.pickle"
        host = [sys.executable, str(BENCH / "org_moto.py"), "--accounts", str(accounts), "--functions",
                str(functions), "--regions", ",".join(regions), "--recorded", str(recorded)]
        with moto_process(host, ready=recorded.exists, ready_within=3600) as (upstream, env):
            seeded = pickle.loads(recorded.read_bytes())
            print(f"\n== {functions} functions in {accounts} member accounts x {len(regions)} regions: seeded into "
                  f"moto in {seeded['seconds']:.1f} s; moto's RSS {_rss_mib(seeded['pid']):.0f} MB", flush=True)
            with aws_proxy(upstream, ProxyState(upstream, recorded=seeded["recorded"])) as (proxy, _):
                for executor in executors:
                    runs.append(scan(proxy, env, regions, executor, functions, work, store, keep))
                    print_run(runs[-1])
            print(f"moto's peak RSS: {_rss_mib(seeded['pid'], 'VmHWM'):.0f} MB", flush=True)
    return runs


def _rss_mib(pid: int, field: str = "VmRSS") -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split(f"{field}:")[1].split()[0]) / 1024


def print_run(run: Run) -> None:
    m = run.measured
    print(f"[{run.executor}] exit code {m.returncode}; {run.functions}/{run.functions_requested} functions, "
          f"{run.targets_incomplete} targets incomplete; {m.seconds:.1f} s ({run.per_function_ms:.2f} ms per "
          f"function), {m.cpu_seconds:.1f} s CPU ({run.cpu_per_function_ms:.2f} ms per function)")
    if m.returncode not in (0, 1):
        print("  stderr: " + (m.stderr.strip().splitlines() or ["(empty)"])[-1])
    print(f"  peak RSS: orchestrator {m.peak_rss_mib:.0f} MB; workers: "
          + (", ".join(f"{mib:.0f} MB ({name[:60]})" for name, mib in run.workers.values()) or "none"))
    print(f"  JSON {run.json_bytes / 1e6:.1f} MB ({run.json_bytes / 1e3 / max(run.functions, 1):.2f} KB per function); "
          f"HTML {run.html_bytes / 1e6:.1f} MB ({run.html_bytes / 1e3 / max(run.functions, 1):.2f} KB per function)")
    print(f"  {run.chromium_note}", flush=True)


def verdicts(big: Run, small: Run | None) -> list[tuple[str, bool | None, str]]:
    """Each done-when target: (name, PASS/FAIL or None when it does not apply, the measured value)."""
    per_fn = max(big.functions, 1) * 1e3
    worker_peak = max((mib for _, mib in big.workers.values()), default=None)
    if small and small.functions:
        ratio: float | None = big.per_function_ms / small.per_function_ms
        timing = (f"wall time {ratio:.2f}x ({big.per_function_ms:.2f} vs {small.per_function_ms:.2f} ms), CPU time "
                  f"{big.cpu_per_function_ms / small.cpu_per_function_ms:.2f}x")
    else:
        ratio, timing = None, "not compared (--compare)"
    return [
        ("scan completes", big.complete, f"exit {big.measured.returncode}, {big.functions} functions, "
                                         f"{big.targets_incomplete} targets incomplete"),
        ("orchestrator <= 400 MB", big.measured.peak_rss_mib <= TARGETS["orchestrator MB"],
         f"{big.measured.peak_rss_mib:.0f} MB"),
        ("workers <= 250 MB", None if worker_peak is None else worker_peak <= TARGETS["worker MB"],
         "no worker processes" if worker_peak is None else f"{worker_peak:.0f} MB"),
        ("JSON <= 8 KB/fn", big.json_bytes / per_fn <= TARGETS["JSON KB/fn"], f"{big.json_bytes / per_fn:.2f} KB"),
        ("HTML <= 2 KB/fn", big.html_bytes / per_fn <= TARGETS["HTML KB/fn"], f"{big.html_bytes / per_fn:.2f} KB"),
        ("HTML opens in Chromium", big.chromium, big.chromium_note),
        ("time per function ratio <= 1.3", None if ratio is None else ratio <= TARGETS["time ratio"], timing),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=20000)
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--regions", type=int, default=4)
    parser.add_argument("--compare", type=int, help="Also run at this many functions and compare time per function")
    parser.add_argument("--executor", action="append", help="inline, local:N or dask (default: every one available)")
    parser.add_argument("--no-store", action="store_true", help="Scan without writing history")
    parser.add_argument("--keep", type=Path, help="Copy each run's JSON and HTML into this directory")
    args = parser.parse_args()
    regions = REGIONS[: args.regions]
    executors = args.executor or executors_available()
    print(f"executors: {', '.join(executors)}", flush=True)
    store = not args.no_store
    small = scale(args.compare, args.accounts, regions, executors, store, args.keep) if args.compare else []
    big = scale(args.functions, args.accounts, regions, executors, store, args.keep)
    for run in big:
        print(f"\n== done-when targets at {args.functions} functions, executor {run.executor}")
        baseline = next((s for s in small if s.executor == run.executor), None)
        for name, passed, value in verdicts(run, baseline):
            print(f"  {'n/a ' if passed is None else 'PASS' if passed else 'FAIL'}  {name}: {value}")


if __name__ == "__main__":
    main()
