"""Refused and throttled calls: refusals become unknown facts (NOT_ASSESSED, never PASS),
throttling is retried with nothing lost. Each test gets a fresh emulator, since faults are state."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.demo.gcp import Emulator, serve
from tests.conftest import facts_of
from tests.gcp.conftest import Run, ztscan
from tests.gcp.estate import ALPHA, BETA, build_estate


@pytest.fixture
def fresh() -> Iterator[Emulator]:
    with serve(build_estate()) as running:
        yield running


def scan(em: Emulator, out: Path, *extra: str) -> Run:
    return ztscan(
        ["scan", "gcp", "--gcp-endpoint", em.base_url, "--anonymous", "--format", "json", "--out", str(out), *extra],
        out,
        em.env,
    )


def test_403_on_iam_policies_is_not_assessed(fresh: Emulator, tmp_path: Path) -> None:
    fresh.arm(f"/v3/projects/{ALPHA}:getIamPolicy", 403, times=None)
    fresh.arm("/services/hardened-v2:getIamPolicy", 403, times=None)
    run = scan(fresh, tmp_path)
    assert run.code == 3, run.stderr
    alpha = run.target(ALPHA)
    assert alpha["status"] == "partial" and alpha["functions"] == 6
    assert alpha["error"].startswith("project IAM policy not readable: 403 ")
    assert "\n" not in alpha["error"]
    assert run.target(BETA)["status"] == "complete"
    for name in ("open-v1", "hardened-v2", "norun-v2"):
        fn = run.fn(name)
        assert set(fn["unknown"]) >= {
            "identity.admin",
            "identity.wildcard",
            "identity.privilege_escalation",
            "identity.modify_functions",
        }
        assert fn["identity"]["admin"] == []  # left at the default, and flagged unknown
        assert run.findings(name)["ZT-IAM-001"] == "NOT_ASSESSED"
    hardened = run.fn("hardened-v2")
    assert hardened["unknown"]["network.invocation"].startswith("getIamPolicy on the Cloud Run service failed: 403")
    assert hardened["network"]["invocation"] == []
    assert run.findings("hardened-v2")["ZT-NET-001"] == "NOT_ASSESSED"
    # Its own policy says allUsers, but invoker grants on the project are unseen: the list is incomplete.
    assert run.fn("open-v1")["unknown"]["network.invocation"].startswith("inherited invoker grants not all known")
    assert run.findings("open-v1")["ZT-NET-001"] == "NOT_ASSESSED"
    assert run.fn("plain-v2")["unknown"] == {} and run.findings("plain-v2")["ZT-IAM-001"] == "PASS"
    assert run.doc["summary"]["targets_incomplete"] == 1


def test_403_on_cloud_run_service_hides_invoker_iam_disabled(fresh: Emulator, tmp_path: Path) -> None:
    fresh.arm("/services/norun-v2", 403, times=None, method="GET")
    run = scan(fresh, tmp_path)
    assert run.code == 3
    norun = run.fn("norun-v2")
    assert "network.invocation" in norun["unknown"] and "network.private_network" in norun["unknown"]
    assert run.findings("norun-v2")["ZT-NET-001"] == "NOT_ASSESSED"


def test_v1_api_refused_falls_back_to_v2_listing(fresh: Emulator, tmp_path: Path) -> None:
    fresh.arm(f"/v1/projects/{ALPHA}/locations/-/functions", 403, times=None)
    run = scan(fresh, tmp_path)
    assert run.code == 3
    alpha = run.target(ALPHA)
    assert alpha["status"] == "partial" and alpha["functions"] == 6
    assert "1st gen functions listed through the v2 API only: 403" in alpha["error"]
    ids = [f["id"] for f in run.doc["functions"]]
    assert len(ids) == len(set(ids)) == 15
    open_v1 = run.fn("open-v1")
    assert open_v1["kind"] == "cloud_function_v1"
    assert set(open_v1["unknown"]) == {"network.invocation", "encryption.https_only"}
    assert run.findings("open-v1")["ZT-NET-001"] == "NOT_ASSESSED"
    assert open_v1["secrets"]["settings"][0]["classification"] == "plaintext_secret"  # still from the v2 view


def test_429_and_503_are_retried_with_nothing_lost(fresh: Emulator, tmp_path: Path, full_scan: Run) -> None:
    fresh.arm("/v3/projects:search", 503)
    fresh.arm(f"/v2/projects/{ALPHA}/locations/-/functions", 429)
    fresh.arm(f"/v1/projects/{BETA}/locations/-/functions", 503)
    fresh.arm("/services/authn-v2:getIamPolicy", 429)
    fresh.arm("/services/authn-v2", 503, method="GET")
    fresh.arm("/runtimes", 429)
    fresh.arm(f"/v3/projects/{BETA}:getIamPolicy", 503)
    run = scan(fresh, tmp_path)
    assert run.code == 0, run.stderr
    assert sum(fresh.fired.values()) == 7 and all(n == 1 for n in fresh.fired.values())
    assert [t["status"] for t in run.doc["targets"]] == ["complete"] * 3
    by_id = {f["id"]: facts_of(f) for f in run.doc["functions"]}
    assert by_id == {f["id"]: facts_of(f) for f in full_scan.doc["functions"]}  # identical to an unthrottled scan


def test_persistent_error_fails_the_project_not_the_scan(fresh: Emulator, tmp_path: Path) -> None:
    fresh.arm(f"/projects/{BETA}/locations/-/functions", 500, times=None)  # not retried: an answer
    run = scan(fresh, tmp_path, "--project", BETA, "--project", ALPHA)
    assert run.code == 3
    beta = run.target(BETA)
    assert (
        beta["status"] == "failed"
        and beta["error"] == f"functions not listed: 500 injected fault on /v2/projects/{BETA}/locations/-/functions"
    )
    assert run.target(ALPHA)["status"] == "complete"
