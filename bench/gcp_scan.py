"""Benchmark: a full ``ztscan scan gcp`` of 300 functions over 3 projects on the local emulator.

The projects sit in two folders under one organization; every policy level holds bindings, one
organization custom role is bound, and a third of the functions use one of two CMEK keys, so the
ancestry, role and key reads are all exercised. Each project has an API gateway, a serverless load
balancer and a Pub/Sub-triggered function, so the front-door reads are exercised too. Prints
wall-clock seconds, API requests per function (by route) and the scanner process's peak RSS.
Run: python bench/gcp_scan.py [--functions 300] [--workers 8] [--executor local:2]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from measure import run_measured  # a sibling script module: bench/ is on sys.path when run

from scanner.demo.gcp import gen1_function, gen2_function, project, serve
from scanner.demo.gcp.builders import crypto_key, custom_role, folder, organization
from scanner.demo.gcp.front_doors import api_gateway, attach, serverless_lb, swagger, topic_policy

REGIONS = ["us-central1", "europe-west1", "asia-northeast1"]
ORG = "organizations/100200300400"
BENCH0 = "bench-proj-0"
EXTRA_ROUTES = ("resourcemanager.folders", "resourcemanager.organizations", "iam ", "kms ")
FRONT_DOOR_ROUTES = ("apigateway ", "compute ", "pubsub ")
KEYS = [f"projects/{BENCH0}/locations/us-central1/keyRings/r/cryptoKeys/k{i}" for i in range(2)]
RUNTIMES = ["python312", "python39", "nodejs22", "go125", "python311"]


def estate(total: int, projects: int = 3) -> dict[str, Any]:
    out = []
    topics: dict[str, Any] = {}
    for p in range(projects):
        pid, number = f"bench-proj-{p}", f"9000000000{p:02d}"
        fns = []
        for i in range(total // projects):
            region, runtime = REGIONS[i % len(REGIONS)], RUNTIMES[i % len(RUNTIMES)]
            common = {
                "runtime": runtime,
                "env": {"LOG_LEVEL": "info", "API_TOKEN": f"tok_{i:04d}Xy9Qz8Wv7Ut6Sr5"},
                "labels": {"team": f"t{i % 7}"},
                "kms_key": KEYS[i % 2] if i % 3 == 1 else None,
            }
            if i % 3 == 0:
                fns.append(
                    gen1_function(
                        pid,
                        region,
                        f"fn-{i:04d}",
                        **common,
                        event_type="google.pubsub.topic.publish" if i == 3 else None,
                        invokers={"roles/cloudfunctions.invoker": ["allUsers"]},
                    )
                )
            else:
                fns.append(
                    gen2_function(
                        pid,
                        region,
                        f"fn-{i:04d}",
                        **common,
                        service_account=f"fn-{i % 10}@{pid}.iam.gserviceaccount.com",
                        invokers={"roles/run.invoker": [f"serviceAccount:caller@{pid}.iam.gserviceaccount.com"]},
                    )
                )
        doors = [
            api_gateway(
                pid,
                "gw",
                swagger(f"https://us-central1-{pid}.cloudfunctions.net/fn-0000", ["GET /orders"]),
                service_account=f"gw@{pid}.iam.gserviceaccount.com",
            ),
            serverless_lb(pid, "lb", REGIONS[1], function="fn-0001"),
        ]
        topics[f"projects/{pid}/topics/fn-0003"] = topic_policy([f"serviceAccount:pub@{pid}.iam.gserviceaccount.com"])
        out.append(
            attach(
                project(
                    pid,
                    number,
                    parent="folders/20" if p else "folders/10",
                    functions=fns,
                    iam={"roles/editor": [f"serviceAccount:{number}-compute@developer.gserviceaccount.com"]},
                ),
                *doors,
            )
        )
    return {
        "page_size": 50,
        "projects": out,
        "topics": topics,
        "organizations": [
            organization(
                ORG.split("/")[1],
                iam={"roles/owner": ["group:admins@bench.example"]},
                roles=[custom_role(ORG, "deployer", ["iam.serviceAccounts.actAs", "run.services.update"])],
            )
        ],
        "folders": [
            folder("10", ORG, iam={f"{ORG}/roles/deployer": [f"serviceAccount:fn-1@{BENCH0}.iam.gserviceaccount.com"]}),
            folder("20", "folders/10", iam={"roles/run.invoker": ["group:callers@bench.example"]}),
        ],
        "keys": [crypto_key(k) for k in KEYS],
        "faults": [],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=300)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--executor", default="inline", help="where shards run: inline or local:N")
    args = parser.parse_args()
    ztscan = str(Path(sys.executable).with_name("ztscan"))
    with serve(estate(args.functions)) as em, tempfile.TemporaryDirectory() as out:
        proc = run_measured(
            [
                ztscan,
                "scan",
                "gcp",
                "--gcp-endpoint",
                em.base_url,
                "--anonymous",
                "--workers",
                str(args.workers),
                "--executor",
                args.executor,
                "--format",
                "json",
                "--out",
                out,
                "--quiet",
            ],
            env={**os.environ, **em.env},
        )
        seconds = proc.seconds
        if proc.returncode not in (0, 1):
            print(proc.stderr, file=sys.stderr)
            return proc.returncode
        total = em.total_requests
        print(f"functions: {args.functions} over 3 projects, workers: {args.workers}")
        print(f"seconds: {seconds:.2f} (wall clock, CLI start to exit)")
        print(f"requests: {total} = {total / args.functions:.2f} per function")
        for route, n in sorted(em.requests.items()):
            print(f"  {route}: {n}")
        extra = sum(n for route, n in em.requests.items() if route.startswith(EXTRA_ROUTES))
        print(f"of which ancestry, folder/organization policies, roles and keys: {extra} "
              f"= {extra / args.functions:.3f} per function (per node, role and key, not per function)")
        doors = sum(n for route, n in em.requests.items() if route.startswith(FRONT_DOOR_ROUTES))
        print(f"of which front doors (gateways, configs, load-balancing lists, topic policies): {doors} "
              f"= {doors / 3:.1f} per project, {doors / args.functions:.3f} per function")
        print(f"peak RSS of the scanner process: {proc.peak_rss_mib:.1f} MiB ({args.executor})")
        workers = [mib for _, mib in proc.others.values()]
        if workers:
            print(f"peak RSS of the shard workers: {max(workers):.1f} MiB, the largest of {len(workers)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
