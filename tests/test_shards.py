"""Sharded execution through the real CLI on moto: an AWS Organization of three accounts in two
regions (six shards), scanned inline, in local processes, on a Dask cluster, and as --shard K/N
slices merged back. Every way must produce the findings of the inline scan.

AWS semantics used: Organizations ListAccounts lists the member accounts and sts:AssumeRole into
``arn:aws:iam::MEMBER:role/OrganizationAccountAccessRole`` reaches each
(https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html,
https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access.html)."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from scanner.demo.aws import estate as aws_estate
from scanner.demo.aws import fixtures
from scanner.demo.aws.fixtures import DEMO_ACCOUNT
from scanner.demo.aws.proxy import Fault, ProxyState, aws_proxy
from scanner.demo.aws.responses import request_region
from scanner.demo.environment import scoped_environ
from scanner.document import load
from tests.conftest import CliResult, cli_env, run_cli
from tests.test_aws_scan import _as_account, _keys

distributed = pytest.importorskip("distributed")
psutil = pytest.importorskip("psutil")  # a dependency of distributed

REGIONS = ["us-east-1", "eu-west-1"]
MANAGEMENT_FUNCTIONS = ["orders-api", "image-resizer", "thumbnail-worker", "video-worker", "health-check",
                        "billing-export"]
ORG_ROLE = "OrganizationAccountAccessRole"
LISTING = re.compile(r"/2015-03-31/functions/?(\?.*)?")  # lambda:ListFunctions


def _seed_member(endpoint: str, account: str) -> None:
    """A member account with a function in each region, two on one role (identity sharing)."""
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1", **_keys())
    iam.meta.events.register("before-sign.*.*", _as_account(account))
    role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(fixtures.LAMBDA_TRUST))["Role"]["Arn"]
    for region in REGIONS:
        lam = boto3.client("lambda", endpoint_url=endpoint, region_name=region, **_keys())
        lam.meta.events.register("before-sign.*.*", _as_account(account))
        for name in (f"{region}-api", f"{region}-worker"):
            lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="h.h",
                                Code={"ZipFile": aws_estate._zip()})


@pytest.fixture(scope="module")
def org(moto_endpoint: str) -> Iterator[tuple[str, ProxyState, list[str]]]:
    """(proxy URL, its live state, member account ids)."""
    functions = [f for f in fixtures.FUNCTIONS if f.name in MANAGEMENT_FUNCTIONS]
    recorded = aws_estate.seed(moto_endpoint, functions, fixtures.ROLES)
    organizations = boto3.client("organizations", endpoint_url=moto_endpoint, region_name="us-east-1", **_keys())
    organizations.create_organization(FeatureSet="ALL")
    members = [organizations.create_account(AccountName=f"workloads-{i}", Email=f"w{i}@example.com")
               ["CreateAccountStatus"]["AccountId"] for i in range(2)]
    for member in members:
        _seed_member(moto_endpoint, member)
    with aws_proxy(moto_endpoint, ProxyState(moto_endpoint, recorded=recorded)) as (proxied, state):
        yield proxied, state, members


def _scan(org: tuple[str, ProxyState, list[str]], out: Path, aws_env: dict[str, str], *extra: str) -> CliResult:
    return run_cli(["scan", "aws", "--endpoint-url", org[0], "--regions", ",".join(REGIONS), "--org-role", ORG_ROLE,
                    "--format", "json", "--out", str(out), "--no-store", *extra], out, aws_env)


def _outcome(path: Path) -> dict[str, Any]:
    """What must not depend on where shards ran: functions, targets, and every finding's status and evidence."""
    doc = load(path)
    results = list(doc.results())
    return {
        "functions": sorted(r.function.id for r in results),
        "targets": sorted((t.account, t.region or "", t.status, t.functions) for t in doc.targets),
        "findings": {f.id: (f.status, f.evidence) for r in results for f in r.findings},
        "scope": doc.scan.scope,
    }


@pytest.fixture(scope="module")
def inline(org: tuple[str, ProxyState, list[str]], aws_env: dict[str, str],
           tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("inline")
    result = _scan(org, out, aws_env)
    assert result.code in (0, 1, 3) and (out / "ztscan.json").exists(), result.stderr
    return _outcome(out / "ztscan.json")


def test_inline_scan_covers_every_account_and_region(inline: dict[str, Any], org: Any) -> None:
    accounts = {DEMO_ACCOUNT, *org[2]}
    assert {(a, r) for a, r, *_ in inline["targets"]} == {(a, r) for a in accounts for r in REGIONS}
    assert all(status == "complete" for _, _, status, _ in inline["targets"]), inline["targets"]
    assert len(inline["functions"]) == len(MANAGEMENT_FUNCTIONS) + 2 * 2 * len(org[2])
    assert inline["scope"]["aws"]["accounts"] == sorted([DEMO_ACCOUNT, *org[2]])  # sorted: shards end in any order


def test_local_processes_produce_the_inline_findings(inline: dict[str, Any], org: Any, aws_env: dict[str, str],
                                                     tmp_path: Path) -> None:
    result = _scan(org, tmp_path, aws_env, "--executor", "local:2")
    assert result.code in (0, 1, 3) and (tmp_path / "ztscan.json").exists(), result.stderr
    assert _outcome(tmp_path / "ztscan.json") == inline


@pytest.fixture(scope="module")
def cluster(aws_env: dict[str, str]) -> Iterator[Any]:
    """Two worker processes of one thread. Workers bring their own credentials (ShardSpec never
    carries any): here moto's fake keys, in the environment the worker processes inherit."""
    with scoped_environ(aws_env), distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
            silence_logs=logging.ERROR) as made:
        yield made


def _dask(cluster: Any) -> str:
    return "dask://" + cluster.scheduler_address.removeprefix("tcp://")


def test_dask_cluster_produces_the_inline_findings(inline: dict[str, Any], org: Any, cluster: Any,
                                                   aws_env: dict[str, str], tmp_path: Path) -> None:
    result = _scan(org, tmp_path, aws_env, "--executor", _dask(cluster))
    assert result.code in (0, 1, 3) and (tmp_path / "ztscan.json").exists(), result.stderr
    assert _outcome(tmp_path / "ztscan.json") == inline


def test_unreachable_scheduler_and_bad_executor_are_one_line_usage_errors(aws_env: dict[str, str],
                                                                         tmp_path: Path) -> None:
    bad = run_cli(["scan", "aws", "--executor", "local:0", "--out", str(tmp_path)], tmp_path, aws_env)
    assert bad.code == 2 and bad.stderr.strip().count("\n") == 0
    assert "--executor" in bad.stderr and "local:N" in bad.stderr
    dead = run_cli(["scan", "aws", "--executor", "dask://127.0.0.1:9", "--out", str(tmp_path)], tmp_path, aws_env)
    assert dead.code == 2 and "no Dask scheduler answers at tcp://127.0.0.1:9" in dead.stderr, dead.stderr
    assert dead.stderr.strip().count("\n") == 0 and "Traceback" not in dead.stderr


def _shard_files(org: Any, aws_env: dict[str, str], out: Path, store: Path, n: int = 3) -> list[Path]:
    for k in range(1, n + 1):
        result = run_cli(["scan", "aws", "--endpoint-url", org[0], "--regions", ",".join(REGIONS),
                          "--org-role", ORG_ROLE, "--out", str(out), "--store", str(store),
                          "--shard", f"{k}/{n}"], out, aws_env)
        assert result.code == 0, result.stderr
    return [out / f"shard-{k}-of-{n}.json" for k in range(1, n + 1)]


@pytest.fixture(scope="module")
def shard_dir(org: Any, aws_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shards")
    _shard_files(org, aws_env, out, out / "history.db")
    return out


def test_shard_runs_write_only_their_file_and_no_history(shard_dir: Path) -> None:
    assert sorted(p.name for p in shard_dir.iterdir()) == [f"shard-{k}-of-3.json" for k in (1, 2, 3)]
    files = [json.loads((shard_dir / f"shard-{k}-of-3.json").read_text()) for k in (1, 2, 3)]
    # six shards (three accounts x two regions), every third one in each file
    assert [[p["index"] for p in f["parts"]] for f in files] == [[0, 3], [1, 4], [2, 5]]
    assert {f["provider"] for f in files} == {"aws"} and len({f["options_fingerprint"] for f in files}) == 1


def test_merge_of_all_shards_equals_the_single_run(shard_dir: Path, inline: dict[str, Any], tmp_path: Path) -> None:
    store = tmp_path / "history.db"
    result = run_cli(["merge", *(str(shard_dir / f"shard-{k}-of-3.json") for k in (3, 1, 2)),
                      "--out", str(tmp_path), "--format", "json", "--store", str(store)], tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    assert _outcome(tmp_path / "ztscan.json") == inline
    assert store.exists() and "history:" in result.stderr, "merge writes the scan's history"


def test_merge_with_a_missing_shard_names_its_targets_failed(shard_dir: Path, org: Any, tmp_path: Path) -> None:
    result = run_cli(["merge", str(shard_dir / "shard-1-of-3.json"), str(shard_dir / "shard-3-of-3.json"),
                      "--out", str(tmp_path), "--format", "json", "--no-store"], tmp_path)
    assert result.code == 3, result.stderr
    assert "shard 2 was not given" in result.stderr
    failed = {(t["account"], t["region"]): t["error"] for t in result.document["targets"] if t["status"] == "failed"}
    # plan order: each account (management first) in the regions as given; shard 2 of 3 has plan[1] and plan[4]
    assert set(failed) == {(DEMO_ACCOUNT, "eu-west-1"), (org[2][1], "us-east-1")}
    assert all(e == "shard 2/3 was not merged (shard-2-of-3.json not given)" for e in failed.values())


def test_merge_refuses_files_of_different_scans(shard_dir: Path, tmp_path: Path) -> None:
    other = json.loads((shard_dir / "shard-2-of-3.json").read_text())
    other["options_fingerprint"] = "0" * 16
    (tmp_path / "other.json").write_text(json.dumps(other))
    mixed = run_cli(["merge", str(shard_dir / "shard-1-of-3.json"), str(tmp_path / "other.json"),
                     "--out", str(tmp_path), "--no-store"], tmp_path)
    assert mixed.code == 2 and "differ in provider options" in mixed.stderr, mixed.stderr
    twice = run_cli(["merge", str(shard_dir / "shard-1-of-3.json"), str(shard_dir / "shard-1-of-3.json"),
                     "--out", str(tmp_path), "--no-store"], tmp_path)
    assert twice.code == 2 and "are both shard 1/3" in twice.stderr, twice.stderr
    (tmp_path / "junk.json").write_text("{}")
    junk = run_cli(["merge", str(tmp_path / "junk.json"), "--out", str(tmp_path)], tmp_path)
    assert junk.code == 2 and "is not a ztscan shard file" in junk.stderr


def test_a_failed_shard_exits_3_and_merges_as_a_failed_target(shard_dir: Path, org: Any, aws_env: dict[str, str],
                                                              tmp_path: Path) -> None:
    """Shard 2/3 again, the proxy refusing ListFunctions in eu-west-1: of its two shards, the
    management account's eu-west-1 fails; the run exits 3 and merge reports exactly that target failed."""
    denied = Fault(r"^eu-west-1 GET /2015-03-31/functions/?(\?\S*)? ", 403, "AccessDeniedException",
                   "User is not authorized to perform: lambda:ListFunctions")
    out = tmp_path / "shards"
    org[1].faults.append(denied)
    try:
        shard = run_cli(["scan", "aws", "--endpoint-url", org[0], "--regions", ",".join(REGIONS),
                         "--org-role", ORG_ROLE, "--out", str(out), "--shard", "2/3"], out, aws_env)
    finally:
        org[1].faults.remove(denied)
    assert shard.code == 3 and "AccessDeniedException" in shard.stderr, shard.stderr
    result = run_cli(["merge", str(shard_dir / "shard-1-of-3.json"), str(out / "shard-2-of-3.json"),
                      str(shard_dir / "shard-3-of-3.json"), "--out", str(tmp_path), "--format", "json",
                      "--no-store"], tmp_path)
    assert result.code == 3
    failed = [t for t in result.document["targets"] if t["status"] == "failed"]
    assert [(t["account"], t["region"]) for t in failed] == [(DEMO_ACCOUNT, "eu-west-1")]
    assert "AccessDeniedException" in failed[0]["error"]
    assert {f["account"] for f in result.document["functions"]} == {DEMO_ACCOUNT, *org[2]}


def _scan_killing(org: Any, aws_env: dict[str, str], out: Path, executor: str,
                  kill: Callable[[subprocess.Popen[str]], None]) -> str:
    """Scan with one ListFunctions held for a while and call ``kill`` meanwhile; the scan's stderr."""
    held = threading.Event()
    once = threading.Lock()

    def hold_first_listing(method: str, path: str, headers: dict[str, str]) -> None:
        if LISTING.fullmatch(path) and request_region(headers) == "eu-west-1" and once.acquire(blocking=False):
            held.set()
            time.sleep(4)
        return None

    org[1].gate = hold_first_listing
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "scanner", "scan", "aws", "--endpoint-url", org[0], "--regions", ",".join(REGIONS),
             "--org-role", ORG_ROLE, "--format", "json", "--out", str(out), "--no-store", "--executor", executor],
            env=cli_env(aws_env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert held.wait(240), "no shard reached the held listing"
        kill(child)
        _, stderr = child.communicate(timeout=400)
    finally:
        org[1].gate = None
    assert "Traceback" not in stderr, stderr
    return stderr


def test_a_killed_local_worker_loses_no_shard(inline: dict[str, Any], org: Any, aws_env: dict[str, str],
                                              tmp_path: Path) -> None:
    """SIGKILL (as the OOM killer sends) to every worker process while a shard is in flight: the pool
    breaks, a new one runs every unfinished shard again, and the scan equals the inline one."""
    killed: list[int] = []

    def kill_workers(child: subprocess.Popen[str]) -> None:
        for proc in psutil.Process(child.pid).children(recursive=True):
            if "spawn_main" in " ".join(proc.cmdline()):
                proc.kill()
                killed.append(proc.pid)

    _scan_killing(org, aws_env, tmp_path, "local:2", kill_workers)
    assert len(killed) == 2
    assert _outcome(tmp_path / "ztscan.json") == inline


def test_a_killed_dask_worker_loses_no_shard(inline: dict[str, Any], org: Any, cluster: Any,
                                             aws_env: dict[str, str], tmp_path: Path) -> None:
    """SIGKILL to every Dask worker running a shard: the nannies restart them, the scheduler runs the
    lost shards again, and the scan equals the inline one."""
    with distributed.Client(cluster) as admin:
        before = admin.run(os.getpid)
        busy: list[str] = []

        def kill_busy_workers(_: subprocess.Popen[str]) -> None:
            busy.extend(a for a, keys in admin.processing().items() if any("ztscan-" in str(k) for k in keys))
            for addr in busy:
                os.kill(before[addr], signal.SIGKILL)

        _scan_killing(org, aws_env, tmp_path, _dask(cluster), kill_busy_workers)
        after = set(admin.run(os.getpid).values())
    assert busy and not after & {before[a] for a in busy}, "the killed workers were replaced"
    assert _outcome(tmp_path / "ztscan.json") == inline
