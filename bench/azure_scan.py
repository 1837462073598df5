"""Benchmark: a full ``ztscan scan azure`` of 300 function apps in 3 subscriptions on the ARM emulator.

Prints wall-clock seconds, ARM requests per function app, the role-assignment reads (one paged list per
visible subscription, never one per app), the API Management / Front Door reads (each subscription has
one APIM service with an API per 10 apps and one Front Door profile with an origin per 10 apps: read per
front door, never per app) and the child's peak RSS.
Run: python bench/azure_scan.py [--apps 300] [--workers 8] [--executor local:2]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from typing import Any

from measure import run_measured  # a sibling script module: bench/ is on sys.path when run

from scanner.demo.azure.auth import easy_auth
from scanner.demo.azure.builders import function_app
from scanner.demo.azure.fixtures import (
    http_function,
    queue_function,
    role_assignment,
    system_identity,
    user_identity,
)
from scanner.demo.azure.front_builders import afd_profile, apim_api, apim_product, apim_service


def estate(apps: int, subscriptions: int = 3) -> dict[str, Any]:
    subs = []
    for s in range(subscriptions):
        sub_id = f"{s + 1:08d}-0000-4000-8000-000000000000"
        shared = user_identity(sub_id, "rg-shared", "id-shared", f"{s + 1:08d}-aaaa-4000-8000-000000000000")
        sites, assignments = [], [role_assignment(sub_id, f"{s + 1:08d}-aaaa-4000-8000-000000000000", "Reader")]
        for i in range(apps // subscriptions):
            pid = f"{s + 1:08d}-{i:04d}-4000-8000-000000000001"
            variant = i % 5
            kwargs: dict[str, Any] = {
                "identity": shared if variant == 4 else system_identity(pid),
                "config": {
                    "linuxFxVersion": ["PYTHON|3.9", "PYTHON|3.12", "", "NODE|22", "DOCKER|acr.io/x:1"][variant]
                },
                "kind": [
                    "functionapp,linux",
                    "functionapp,linux",
                    "functionapp",
                    "functionapp,linux",
                    "functionapp,linux,container",
                ][variant],
                "app_settings": {
                    "FUNCTIONS_WORKER_RUNTIME": ["python", "python", "dotnet-isolated", "node", "python"][variant],
                    "FUNCTIONS_EXTENSION_VERSION": "~4",
                    "AzureWebJobsStorage": f"DefaultEndpointsProtocol=https;AccountName=s{i};AccountKey=k{i}xyzabc==",
                    "API_KEY": f"@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/k{i}/)",
                    **{f"SETTING_{n}": f"value-{n}" for n in range(20)},
                },
                "functions": [http_function("Api", "anonymous" if variant == 0 else "function"), queue_function("Q")],
                "auth": easy_auth() if variant == 1 else None,
                "private_endpoints": 1 if variant == 1 else 0,
                "tags": {"env": "bench", "team": f"t{i % 7}"},
            }
            sites.append(function_app(sub_id, f"rg-{i % 10}", f"bench-{s}-{i:03d}", **kwargs))
            if variant != 4:
                assignments.append(
                    role_assignment(
                        sub_id,
                        pid,
                        "Contributor" if variant == 0 else "Reader",
                        f"/subscriptions/{sub_id}/resourceGroups/rg-{i % 10}",
                    )
                )
        fronted = [site["_x"]["host"] for site in sites[::10]]
        apis = [apim_api(f"api-{n}", f"api-{n}", f"https://{host}/api") for n, host in enumerate(fronted)]
        apim = apim_service(sub_id, "rg-front", f"apim-{s}", apis=apis,
                            products=[apim_product("starter", [a["name"] for a in apis])])
        fd = afd_profile(sub_id, "rg-front", f"fd-{s}", f"{s + 1:08d}-fdfd-4000-8000-000000000000", fronted)
        subs.append(
            {
                "subscriptionId": sub_id,
                "displayName": f"Bench {s}",
                "sites": sites,
                "roleAssignments": assignments,
                "apiManagement": [apim],
                "frontDoors": [fd],
            }
        )
    return {"pageSize": 100, "subscriptions": subs, "faults": {}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--apps", type=int, default=300)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--executor", default="inline", help="where shards run: inline or local:N")
    args = parser.parse_args()
    from scanner.demo.azure.server import serve

    exe = shutil.which("ztscan", path=os.path.dirname(sys.executable))
    cmd = [exe] if exe else [sys.executable, "-m", "scanner"]
    with serve(estate(args.apps)) as emu, tempfile.TemporaryDirectory() as out:
        proc = run_measured(
            [
                *cmd,
                "scan",
                "azure",
                "--azure-endpoint",
                emu.base_url,
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
            env=emu.env,
        )
        seconds = proc.seconds
        if proc.returncode not in (0, 1, 3):
            sys.exit(f"scan failed ({proc.returncode}): {proc.stderr.strip()}")
        print(f"function apps:       {args.apps} in 3 subscriptions (workers {args.workers}, exit {proc.returncode})")
        print(f"wall time:           {seconds:.2f} s")
        print(f"ARM requests:        {emu.requests} ({emu.requests / args.apps:.2f} per app)")
        print(f"role assignment reads: {emu.requests_matching('/roleAssignments')} (per subscription and page)")
        fronts = sum(
            "/providers/microsoft.apimanagement/" in path.lower() or "/providers/microsoft.cdn/" in path.lower()
            or "resourcetype eq 'microsoft.cdn/profiles'" in path.lower()
            for _, path, _ in emu.log
        )
        print(f"front door reads:    {fronts} ({fronts / 3:.1f} per subscription, discovery included)")
        print(f"peak RSS (child):    {proc.peak_rss_mib:.0f} MiB ({args.executor})")
        workers = [mib for _, mib in proc.others.values()]
        if workers:
            print(f"peak RSS (workers):  {max(workers):.0f} MiB, the largest of {len(workers)}")


if __name__ == "__main__":
    main()
