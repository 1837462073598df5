"""Reads above the function that fail: a node, a role, a condition or a key ztscan could not see
makes the fact unknown (NOT_ASSESSED, exit 3), never a PASS. Fresh emulator per test."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.demo.gcp import Emulator, serve
from scanner.demo.gcp.builders import conditional
from tests.conftest import findings_of
from tests.gcp.conftest import Run
from tests.gcp.estate import ALPHA, BETA, DELTA, KEY_BAD, ORG, build_estate
from tests.gcp.test_faults import scan

IDENTITY = {"identity.admin", "identity.wildcard", "identity.privilege_escalation", "identity.modify_functions"}


@pytest.fixture
def fresh() -> Iterator[Emulator]:
    with serve(build_estate()) as running:
        yield running


def test_organization_policy_refused(fresh: Emulator, tmp_path: Path) -> None:
    fresh.arm(f"/v3/{ORG}:getIamPolicy", 403, times=None)
    run = scan(fresh, tmp_path)
    assert run.code == 3, run.stderr
    token = run.fn("inherit-token")
    assert set(token["unknown"]) >= IDENTITY and "network.invocation" in token["unknown"]
    assert f"getIamPolicy on {ORG} failed: 403" in token["unknown"]["identity.privilege_escalation"]
    assert run.findings("inherit-token")["ZT-IAM-003"] == "NOT_ASSESSED"
    # A grant already seen still decides its check: the project Editor binding is admin.
    assert run.findings("open-v1")["ZT-IAM-001"] == "FAIL"
    assert "identity.admin" not in run.fn("open-v1")["unknown"]
    assert run.findings("open-v1")["ZT-IAM-003"] == "FAIL"


def test_folder_not_readable_breaks_the_ancestry(fresh: Emulator, tmp_path: Path) -> None:
    fresh.arm("/v3/folders/710", 403, times=None, method="GET")
    run = scan(fresh, tmp_path)
    assert run.code == 3
    harmless = run.fn("custom-harmless")["unknown"]
    assert harmless["identity.admin"].endswith(
        "folders.get on folders/710 failed: 403 injected fault on /v3/folders/710"
    )
    assert run.findings("custom-harmless")["ZT-IAM-001"] == "NOT_ASSESSED"
    assert run.target(DELTA)["status"] == "partial"
    assert run.target(BETA)["status"] == "complete"


def test_custom_role_refused_is_unknown(fresh: Emulator, tmp_path: Path) -> None:
    fresh.arm("/roles/fnDeployer", 403, times=None)
    run = scan(fresh, tmp_path)
    assert run.code == 3
    deploy = run.fn("custom-deploy")
    assert deploy["identity"]["privilege_escalation"] == []
    assert "roles.get on organizations/100200300400/roles/fnDeployer failed: 403" in deploy["unknown"][
        "identity.privilege_escalation"]
    assert run.findings("custom-deploy")["ZT-IAM-003"] == "NOT_ASSESSED"
    assert "organizations/100200300400/roles/fnDeployer: unresolved" in run.doc["scan"]["scope"]["gcp"][
        "role permissions"]


def test_predefined_roles_fall_back_to_the_bundled_dataset(fresh: Emulator, tmp_path: Path, full_scan: Run) -> None:
    fresh.arm("/v1/roles/", 403, times=None)
    run = scan(fresh, tmp_path)
    assert run.code == 0, run.stderr
    used = run.doc["scan"]["scope"]["gcp"]["role permissions"]
    editor = next(line for line in used if line.startswith("roles/editor: "))
    assert "bundled dataset 2026-10-15 (Google Cloud IAM roles and permissions index" in editor
    assert editor.endswith("(the API refused it)")
    admin = run.fn("open-v1")["identity"]["admin"]
    assert admin[0]["source"] == f"projects/{ALPHA} binding roles/editor"
    assert "[permissions: bundled dataset 2026-10-15" in admin[0]["reason"]
    statuses = {(f["resource_name"], f["check_id"]): f["status"] for f in findings_of(run.doc)}
    assert statuses == {(f["resource_name"], f["check_id"]): f["status"] for f in findings_of(full_scan.doc)}


def test_condition_ztscan_cannot_parse_is_unknown(tmp_path: Path) -> None:
    estate = build_estate()
    delta = next(p for p in estate["projects"] if p["projectId"] == DELTA)
    delta["iamPolicy"]["bindings"].append(
        conditional("roles/run.invoker", ["group:ops@acme.example"], 'resource.labels.env == "prod"', "prod-only")
    )
    with serve(estate) as em:
        run = scan(em, tmp_path)
    assert run.code == 3
    reason = run.fn("custom-harmless")["unknown"]["network.invocation"]
    assert "condition 'prod-only' not evaluated" in reason
    assert run.findings("custom-harmless")["ZT-NET-003"] == "NOT_ASSESSED"
    # run.invoker carries no cloudfunctions.functions.invoke: 1st gen invokers are unaffected.
    assert "network.invocation" not in run.fn("other-v1")["unknown"]


def test_key_refused_is_unknown(fresh: Emulator, tmp_path: Path) -> None:
    fresh.arm("/cryptoKeys/k2", 403, times=None)
    run = scan(fresh, tmp_path)
    assert run.code == 3
    hardened = run.fn("hardened-v2")
    assert hardened["encryption"]["cmk"]["state"] is None
    assert hardened["unknown"]["encryption.cmk.state"].startswith(f"Cloud KMS cryptoKeys.get on {KEY_BAD} failed: 403")
    found = run.findings("hardened-v2")
    assert (found["ZT-ENC-002"], found["ZT-ENC-003"]) == ("NOT_ASSESSED", "NOT_ASSESSED")
    assert run.findings("closed-v1")["ZT-ENC-002"] == "PASS"


def test_policy_below_version_3_mangles_conditional_bindings(fresh: Emulator) -> None:
    """What ztscan avoids by requesting version 3: https://cloud.google.com/iam/docs/policies#versions"""

    def read(body: dict[str, object]) -> dict[str, object]:
        request = urllib.request.Request(
            f"{fresh.base_url}/v3/projects/{DELTA}:getIamPolicy", data=json.dumps(body).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return dict(json.load(response))

    old = read({})
    assert old["version"] == 1
    mangled = [b for b in old["bindings"] if b["role"].startswith("roles/run.invoker_withcond_")]
    assert mangled and "condition" not in mangled[0]
    new = read({"options": {"requestedPolicyVersion": 3}})
    assert new["version"] == 3
    assert any(b["role"] == "roles/run.invoker" and "condition" in b for b in new["bindings"])
