"""Benchmark: a full `ztscan scan aws` over N functions in R regions on a moto server, behind the
demo's proxy (which serves the calls moto lacks: ListFunctionUrlConfigs, the code-signing lists).

Prints wall time, functions/second, API calls per function (the scanner's own count of HTTP
requests, retries included) per Lambda quota bucket, the front-door reads (API Gateway, ELB, SNS,
SQS, S3: per region, never per function; each region has one REST API and one public topic), and
the scanner process's peak RSS. moto runs in its own process so its memory is not counted.
moto imports a service's backend, builds its per-region app and loads its botocore models on the
first request that service gets in each region (EC2's instance-type tables alone take ~2 s of its CPU),
work no cloud does during a scan; so one untimed scan warms moto first (--cold measures without it).
Usage: python bench/aws_scan.py [--functions 600] [--regions 6] [--no-store] [--no-pacing] [--cold]
(history goes to a fresh store in a temporary directory, never the user's: the first scan of a store
writes every finding as new, which is the most a scan ever writes).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from measure import moto_process, run_measured  # a sibling script module: bench/ is on sys.path when run

from scanner.demo.aws import estate, fixtures
from scanner.demo.aws import front_doors as doors
from scanner.demo.aws.fixtures import DemoAlias, DemoFunction
from scanner.demo.aws.proxy import ProxyState, aws_proxy

# Services whose reads find front doors (the ALB's security groups are read with ec2:DescribeSecurityGroups).
FRONT_DOOR_SERVICES = ("apigateway", "apigatewayv2", "elbv2", "sns", "sqs", "s3", "s3control")
UNPACED = "lambda=off,get_policy=off,get_function=off,ec2=off"
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "sa-east-1"]
RUNTIMES = ["python3.12", "python3.9", "nodejs22.x", "nodejs18.x", "java17", "python3.13"]


def estate_specs(count: int, regions: list[str], account: str = fixtures.DEMO_ACCOUNT,
                 prefix: str = "fn") -> tuple[list[DemoFunction], dict[str, dict]]:
    roles = {f"role-{i}": {"inline": fixtures.BASIC_LOGS} for i in range(25)}
    roles["role-0"] = fixtures.ROLES["orders-admin"]
    roles["role-1"] = fixtures.ROLES["deployer"]
    functions = []
    for i in range(count):
        spec = DemoFunction(f"{prefix}-{i:04d}", RUNTIMES[i % len(RUNTIMES)], f"role-{i % 25}",
                            region=regions[i % len(regions)],
                            env={"TABLE": f"t{i}", "API_KEY": f"k{i}-Xy7Qw9Lm2Pz8Rt5Vb3Nc6"} if i % 3 else {},
                            tags={"app": f"a{i % 10}"})
        if i % 10 == 0:
            spec.url_auth = "NONE" if i % 20 == 0 else "AWS_IAM"
        if i % 7 == 0:
            spec.permissions = [{"StatementId": "s3", "Principal": "s3.amazonaws.com",
                                 "SourceAccount": account}]
        if i % 15 == 0:
            spec.aliases = [DemoAlias("live", url_auth="AWS_IAM", statements=[
                {"Sid": "caller", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                 "Action": "lambda:InvokeFunction"}])]
        if i % 5 == 0:
            spec.code_signing = "Enforce" if i % 10 == 0 else "Warn"
        if i % 4 == 0:
            spec.on_failure = f"arn:aws:sqs:{spec.region}:{account}:failures"
        functions.append(spec)
    return functions, roles


def _front_doors(upstream: str, functions: list[DemoFunction], regions: list[str]) -> None:
    """Per region a REST API without authorizer in front of its first function and a public topic
    in front of its second, so the front-door reads find something to match."""
    for region in regions:
        names = [f.name for f in functions if f.region == region][:2]
        c = doors.clients(upstream, region)
        api = doors.rest_api(c, f"api-{region}", "/orders", doors.function_arn(names[0], region))
        doors.grant_api(c, names[0], api, region)
        doors.topic(c, f"topic-{region}", doors.function_arn(names[1], region),
                    doors.policy({**doors.EVERYONE_STATEMENT, "Action": "sns:Publish", "Resource": "*"}))


def _front_door_reads(by_operation: dict[str, int]) -> int:
    return sum(count for operation, count in by_operation.items()
               if operation.partition(":")[0] in FRONT_DOOR_SERVICES or operation == "ec2:DescribeSecurityGroups")


def _buckets(by_operation: dict[str, int]) -> dict[str, int]:
    """Lambda's request quotas per account and region: GetFunction 100/s, GetPolicy 15/s, and every
    other control-plane call 15/s shared (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
    Other services have quotas of their own."""
    buckets: dict[str, int] = {}
    for operation, count in by_operation.items():
        service, _, name = operation.partition(":")
        if service != "lambda":
            bucket = "other services"
        elif name in ("GetPolicy", "GetFunction"):
            bucket = f"lambda {name} bucket"
        else:
            bucket = "lambda shared control-plane bucket"
        buckets[bucket] = buckets.get(bucket, 0) + count
    return buckets


def seeded_proxy_state(upstream: str, count: int, regions: list[str]) -> ProxyState:
    """Seed the bench estate into moto; the demo proxy's state with the responses it records."""
    functions, roles = estate_specs(count, regions)
    started = time.perf_counter()
    recorded = estate.seed(upstream, functions, roles)
    _front_doors(upstream, functions, regions)
    print(f"seeded {len(functions)} functions in {len(regions)} regions in {time.perf_counter() - started:.1f}s")
    return ProxyState(upstream, recorded=recorded)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=600)
    parser.add_argument("--regions", type=int, default=6)
    parser.add_argument("--no-store", action="store_true", help="Scan without writing history (to measure its cost)")
    parser.add_argument("--no-pacing", action="store_true",
                        help="Measure the scanner itself: moto has no quotas, and paced at Lambda's real ones the "
                             "scan cannot beat calls/15 per region (bench/quota_scan.py measures pacing)")
    parser.add_argument("--cold", action="store_true", help="Time the first scan, moto's start-up work included")
    args = parser.parse_args()
    regions = REGIONS[: args.regions]

    with moto_process() as (upstream, env):
        state = seeded_proxy_state(upstream, args.functions, regions)
        with tempfile.TemporaryDirectory() as out, aws_proxy(upstream, state) as (proxy, _):
            def scan_command(out: str) -> list[str]:
                return [sys.executable, "-m", "scanner", "scan", "aws", "--endpoint-url", proxy, "--regions",
                        ",".join(regions), "--format", "json", "--out", out, "--quiet",
                        *(["--no-store"] if args.no_store else ["--store", str(Path(out) / "history.db")]),
                        *(["--aws-rate", UNPACED] if args.no_pacing else [])]

            if not args.cold:
                with tempfile.TemporaryDirectory() as warm:
                    warmed = run_measured(scan_command(warm), env={**env, "CI": "1"})
                print(f"warm-up scan (untimed): {warmed.seconds:.2f}s, exit code {warmed.returncode}")
            scan = run_measured(scan_command(out), env={**env, "CI": "1"})
            elapsed, peak_mb = scan.seconds, scan.peak_rss_mib
            doc = json.loads((Path(out) / "ztscan.json").read_text())
        scanned = len(doc["functions"])
        by_operation = doc["scan"]["api_calls"]["aws"]
        calls = sum(by_operation.values())
        print(f"exit code {scan.returncode}; {scanned} functions scanned in {elapsed:.2f}s "
              f"({scanned / elapsed:.0f} functions/s); the scan process used {scan.cpu_seconds:.2f} s of CPU "
              f"(moto and the proxy share the same 2 cores)")
        print(f"API calls: {calls} ({calls / max(scanned, 1):.2f} per function)")
        reads = _front_door_reads(by_operation)
        print(f"front-door reads: {reads} ({reads / len(regions):.1f} per region, none per function)")
        for bucket, count in sorted(_buckets(by_operation).items()):
            print(f"  {bucket}: {count} calls, {count / max(scanned, 1):.2f} per function")
        for operation, count in sorted(by_operation.items(), key=lambda item: -item[1]):
            print(f"  {count:6d}  {operation}")
        print(f"peak RSS of the scan process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
