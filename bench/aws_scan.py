"""Benchmark: a full `ztscan scan aws` over N functions in R regions on a moto server.

Prints wall time, functions/second, API calls per function (the scanner's own count of HTTP
requests, retries included) and the scanner process's peak RSS. moto runs in its own process so its
memory is not counted. Usage: python bench/aws_scan.py [--functions 600] [--regions 6] [--no-store]
(history goes to a fresh store in a temporary directory, never the user's: the first scan of a store
writes every finding as new, which is the most a scan ever writes).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import run_measured  # a sibling script module: bench/ is on sys.path when run

from scanner.demo import aws_estate
from scanner.demo.aws_estate import DemoFunction
from scanner.demo.moto_server import FAKE_CREDENTIALS

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "sa-east-1"]
RUNTIMES = ["python3.12", "python3.9", "nodejs22.x", "nodejs18.x", "java17", "python3.13"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _estate(count: int, regions: list[str]) -> tuple[list[DemoFunction], dict[str, dict]]:
    roles = {f"role-{i}": {"inline": aws_estate.BASIC_LOGS} for i in range(25)}
    roles["role-0"] = aws_estate.ROLES["orders-admin"]
    roles["role-1"] = aws_estate.ROLES["deployer"]
    functions = []
    for i in range(count):
        spec = DemoFunction(f"fn-{i:04d}", RUNTIMES[i % len(RUNTIMES)], f"role-{i % 25}",
                            region=regions[i % len(regions)],
                            env={"TABLE": f"t{i}", "API_KEY": f"k{i}-Xy7Qw9Lm2Pz8Rt5Vb3Nc6"} if i % 3 else {},
                            tags={"app": f"a{i % 10}"})
        if i % 10 == 0:
            spec.url_auth = "NONE" if i % 20 == 0 else "AWS_IAM"
        if i % 7 == 0:
            spec.permissions = [{"StatementId": "s3", "Principal": "s3.amazonaws.com",
                                 "SourceAccount": aws_estate.DEMO_ACCOUNT}]
        functions.append(spec)
    return functions, roles


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=600)
    parser.add_argument("--regions", type=int, default=6)
    parser.add_argument("--no-store", action="store_true", help="Scan without writing history (to measure its cost)")
    args = parser.parse_args()
    regions = REGIONS[: args.regions]

    port = _free_port()
    env = {**os.environ, **FAKE_CREDENTIALS, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
    moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    upstream = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        functions, roles = _estate(args.functions, regions)
        started = time.perf_counter()
        aws_estate.seed(upstream, functions, roles)
        print(f"seeded {len(functions)} functions in {len(regions)} regions in {time.perf_counter() - started:.1f}s")
        with tempfile.TemporaryDirectory() as out:
            scan = run_measured(
                [sys.executable, "-m", "scanner", "scan", "aws", "--endpoint-url", upstream, "--regions",
                 ",".join(regions), "--format", "json", "--out", out, "--quiet",
                 *(["--no-store"] if args.no_store else ["--store", str(Path(out) / "history.db")])],
                env={**env, "CI": "1"},
            )
            elapsed, peak_mb = scan.seconds, scan.peak_rss_mib
            doc = json.loads((Path(out) / "ztscan.json").read_text())
        scanned = len(doc["functions"])
        by_operation = doc["scan"]["api_calls"]["aws"]
        calls = sum(by_operation.values())
        print(f"exit code {scan.returncode}; {scanned} functions scanned in {elapsed:.2f}s "
              f"({scanned / elapsed:.0f} functions/s)")
        print(f"API calls: {calls} ({calls / max(scanned, 1):.2f} per function)")
        for operation, count in sorted(by_operation.items(), key=lambda item: -item[1]):
            print(f"  {count:6d}  {operation}")
        print(f"peak RSS of the scan process: {peak_mb:.0f} MB")
    finally:
        moto.terminate()
        moto.wait()


if __name__ == "__main__":
    main()
