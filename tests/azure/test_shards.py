"""Azure sharded by subscription, through the real CLI on the ARM emulator: three subscriptions,
scanned inline, in two local processes, and as --shard 1/2 + 2/2 merged back, must give the same
findings; a subscription whose apps cannot be listed fails alone.

What crosses subscriptions, and must reach a subscription scanned as its own shard:
- a Front Door profile in "edge" whose origin is an app in "core": a Front Door origin is any host
  name, in any subscription (https://learn.microsoft.com/azure/frontdoor/origin);
- an Owner assignment at a management group: ARM lists it in every subscription below it
  (https://learn.microsoft.com/rest/api/authorization/role-assignments/list-for-subscription, "at,
  above or below the scope"; https://learn.microsoft.com/azure/role-based-access-control/scope-overview);
- a Contributor assignment of an "edge" app's identity on the resource group of "core" that holds
  function apps: a grant that can change another subscription's apps."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.demo.azure.builders import function_app
from scanner.demo.azure.fixtures import http_function, role_assignment, system_identity
from scanner.demo.azure.front_builders import afd_profile
from scanner.demo.azure.server import Emulator, serve
from tests.cloud_shards import Scanned, findings_outside, merged_outcome, scanned, targets

EDGE = "edededed-1111-4111-8111-edededededed"
CORE = "c0c0c0c0-2222-4222-8222-c0c0c0c0c0c0"
SPARE = "5a5a5a5a-3333-4333-8333-5a5a5a5a5a5a"
FDID = "fd0fd0fd-0000-4000-8000-0000000000fd"
PID = {"edge": "00000000-0000-4000-8000-0000000000e1", "worker": "00000000-0000-4000-8000-0000000000c2"}
SETTINGS = {"FUNCTIONS_WORKER_RUNTIME": "python", "FUNCTIONS_EXTENSION_VERSION": "~4"}


def _app(sub: str, rg: str, name: str, **kwargs: Any) -> dict[str, Any]:
    return function_app(sub, rg, name, config={"linuxFxVersion": "PYTHON|3.12"}, app_settings=SETTINGS,
                        functions=[http_function("Api", "anonymous")], **kwargs)


def shard_estate() -> dict[str, Any]:
    core_rg = f"/subscriptions/{CORE}/resourceGroups/rg-core"
    return {
        "tenantId": "7c1f2e4a-3b5d-4c6e-8f90-a1b2c3d4e5f6",
        "pageSize": 2,
        "subscriptions": [
            {
                "subscriptionId": EDGE,
                "displayName": "Edge",
                "sites": [_app(EDGE, "rg-edge", "edge-fn", identity=system_identity(PID["edge"]))],
                "roleAssignments": [],
                "frontDoors": [afd_profile(EDGE, "rg-edge", "fd-edge", FDID, ["core-api.azurewebsites.net"])],
            },
            {
                "subscriptionId": CORE,
                "displayName": "Core",
                "sites": [_app(CORE, "rg-core", "core-api"),
                          _app(CORE, "rg-core", "core-worker", identity=system_identity(PID["worker"]))],
                "roleAssignments": [role_assignment(CORE, PID["edge"], "Contributor", core_rg)],
            },
            {"subscriptionId": SPARE, "displayName": "Spare", "sites": [_app(SPARE, "rg-spare", "spare-fn")],
             "roleAssignments": []},
        ],
        "managementGroupRoleAssignments": [
            role_assignment(CORE, PID["worker"], "Owner", "/providers/Microsoft.Management/managementGroups/corp")
        ],
    }


@pytest.fixture(scope="module")
def arm() -> Iterator[Emulator]:
    with serve(shard_estate()) as emulator:
        yield emulator


def _scan(emulator: Emulator) -> list[str]:
    return ["scan", "azure", "--azure-endpoint", emulator.base_url]


@pytest.fixture(scope="module")
def inline(arm: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scanned(_scan(arm), arm.env, tmp_path_factory.mktemp("inline"))


def test_inline_scan_sees_what_crosses_subscriptions(inline: Scanned) -> None:
    assert targets(inline.outcome) == {EDGE: "complete", CORE: "complete", SPARE: "complete"}
    assert inline.outcome["scope"]["azure"]["subscriptions"] == sorted([EDGE, CORE, SPARE])
    fns = inline.functions()
    fronts = [p.front_door for p in fns["core-api"].network.invocation if p.via == "front_door"]
    assert fronts == [f"/subscriptions/{EDGE}/resourcegroups/rg-edge/providers/Microsoft.Cdn/profiles/fd-edge"]
    corp = "/providers/Microsoft.Management/managementGroups/corp"
    assert [g.resources for g in fns["core-worker"].identity.admin] == [[corp]]
    core_rg = f"/subscriptions/{CORE}/resourceGroups/rg-core"
    assert [g.resources for g in fns["edge-fn"].identity.modify_functions] == [[core_rg]]
    assert all(not fn.unknown for fn in fns.values())


def test_local_processes_give_the_inline_findings(inline: Scanned, arm: Emulator, tmp_path: Path) -> None:
    assert scanned(_scan(arm), arm.env, tmp_path, "--executor", "local:2").outcome == inline.outcome


def test_merged_shards_give_the_inline_findings(inline: Scanned, arm: Emulator, tmp_path: Path) -> None:
    """--shard 1/2 runs edge and spare, --shard 2/2 core: each alone still sees the other's front door and grants."""
    assert merged_outcome(_scan(arm), arm.env, tmp_path, 2) == inline.outcome


def test_a_subscription_that_cannot_be_read_fails_alone(inline: Scanned, tmp_path: Path) -> None:
    estate = copy.deepcopy(shard_estate())
    estate["faults"] = {"forbidden": [f"/subscriptions/{SPARE}/providers/Microsoft.Web/sites"]}
    with serve(estate) as emulator:
        run = scanned(_scan(emulator), emulator.env, tmp_path, "--executor", "local:2")
    assert targets(run.outcome) == {EDGE: "complete", CORE: "complete", SPARE: "failed"}
    failed = run.target(SPARE)
    assert failed.error == "listing function apps failed: AuthorizationFailed: needs Microsoft.Web/sites/read"
    others = findings_outside(inline.path, SPARE)
    assert run.outcome["findings"] == others, "the other subscriptions' findings are those of the full scan"
