"""Benchmark: `ztscan scan aws` against Lambda's real request quotas, with and without pacing.

moto behind the demo proxy, whose gate (scanner.demo.aws.quota_proxy) enforces Lambda's documented
quotas per account and region (GetPolicy 15/s, GetFunction 100/s, every other control-plane API 15/s
shared) with 429 TooManyRequestsException + Retry-After, and adds 40 ms to every request.

The quota-bound limit is computed from the requests the scan needed (those the gate served): per
region, the slowest bucket's requests over its rate; regions in parallel. Start-up is the time from
launching the scan to its first Lambda request (process start, imports, the account's identity and
IAM read), measured in the same run.
Runs the scan twice: pacing off (`--aws-rate lambda=off,...`: what botocore's retries alone do) and
the defaults. Passes when the paced scan finishes within 1.5x the limit plus start-up with nothing
lost (every function scanned, every target complete, no fact unknown).

Usage: python bench/quota_scan.py [--functions 240] [--regions 4] [--latency 0.04]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aws_scan import REGIONS, UNPACED, seeded_proxy_state  # sibling script modules: bench/ is on sys.path when run
from measure import moto_process, run_measured

from scanner.demo.aws.proxy import ProxyState, aws_proxy
from scanner.demo.aws.quota_proxy import QuotaGate


def _scan(proxy: str, env: dict[str, str], regions: list[str], extra: list[str]
          ) -> tuple[float, float, dict[str, Any], int]:
    """Wall seconds, the time.monotonic() it was launched at, the document and the exit code."""
    with tempfile.TemporaryDirectory() as out:
        launched = time.monotonic()
        scan = run_measured(
            [sys.executable, "-m", "scanner", "scan", "aws", "--endpoint-url", proxy, "--regions",
             ",".join(regions), "--format", "json", "--out", out, "--quiet", *extra],
            env={**env, "CI": "1"},
        )
        doc = json.loads((Path(out) / "ztscan.json").read_text()) if scan.returncode in (0, 1, 3) else {}
    return scan.seconds, launched, doc, scan.returncode


def _lost(doc: dict[str, Any], expected: int) -> list[str]:
    """What the scan failed to read: missing functions, incomplete targets, unknown facts."""
    problems = []
    functions = doc.get("functions", [])
    if len(functions) != expected:
        problems.append(f"{expected - len(functions)} function(s) missing")
    incomplete = [t for t in doc.get("targets", []) if t["status"] != "complete"]
    if incomplete:
        problems.append(f"{len(incomplete)} target(s) incomplete: {incomplete[0].get('error')}")
    unknown = sum(1 for fn in functions if fn.get("unknown"))
    if unknown:
        problems.append(f"{unknown} function(s) with unknown facts")
    return problems


def _measure(upstream: str, env: dict[str, str], state: ProxyState, regions: list[str], expected: int,
             label: str, extra: list[str], latency: float) -> bool:
    state.gate = gate = QuotaGate(latency=latency)  # fresh buckets and counts for each run
    with aws_proxy(upstream, state) as (proxy, _):
        seconds, launched, doc, code = _scan(proxy, env, regions, extra)
    startup = (gate.first_lambda or launched) - launched
    limit = gate.quota_bound_seconds()
    throttled = sum(gate.throttled.values())
    lost = _lost(doc, expected)
    target = 1.5 * limit + startup
    verdict = "within" if seconds <= target and not lost else "NOT within"
    print(f"{label}: wall {seconds:.1f}s, quota-bound limit {limit:.1f}s (+ start-up {startup:.1f}s), "
          f"throttled {throttled} request(s), exit {code}; {verdict} 1.5x limit + start-up ({target:.1f}s)")
    if gate.first_lambda is not None and gate.last_lambda is not None:
        print(f"    Lambda requests from the first to the last: {gate.last_lambda - gate.first_lambda:.1f}s "
              f"(the rest is start-up and evaluating and writing the reports)")
    for (region, bucket), count in sorted(gate.admitted.items()):
        print(f"    {region} {bucket}: {count} requests ({count / gate.rates[bucket]:.1f}s at "
              f"{gate.rates[bucket]:g}/s), {gate.throttled[region, bucket]} throttled")
    print(f"    lost: {'; '.join(lost) if lost else 'nothing'}")
    return verdict == "within"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=240)
    parser.add_argument("--regions", type=int, default=4)
    parser.add_argument("--latency", type=float, default=0.04, help="added to every request, seconds")
    args = parser.parse_args()
    regions = REGIONS[: args.regions]

    with moto_process() as (upstream, env):
        state = seeded_proxy_state(upstream, args.functions, regions)
        _measure(upstream, env, state, regions, args.functions, "before (pacing off, botocore retries only)",
                 ["--aws-rate", UNPACED], args.latency)
        paced = _measure(upstream, env, state, regions, args.functions, "after (default pacing)", [], args.latency)
    sys.exit(0 if paced else 1)


if __name__ == "__main__":
    main()
