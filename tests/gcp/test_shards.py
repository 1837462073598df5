"""GCP sharded by project, through the real CLI on the Google emulator: three projects, scanned
inline, in two local processes, and as --shard 1/2 + 2/2 merged back, must give the same findings;
a project whose functions cannot be listed fails alone.

What crosses projects, and must reach a project scanned as its own shard:
- a folder above two projects grants Editor to one function's service account: grants inherit down
  the hierarchy (https://cloud.google.com/iam/docs/resource-hierarchy-access-control);
- the same folder grants Cloud Functions Developer to another project's service account on a
  condition naming the first project's functions only
  (https://cloud.google.com/iam/docs/conditions-resource-attributes#resource-name): whether it reaches
  any scanned function depends on the functions of the other project;
- an API Gateway in "edge" routes to a function in "core" and calls it as its own service account
  (https://cloud.google.com/api-gateway/docs/securing-backend-services)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.demo.gcp import Emulator, gen1_function, gen2_function, project, serve
from scanner.demo.gcp.builders import conditional, folder, organization
from scanner.demo.gcp.front_doors import api_gateway, attach, swagger, topic_policy
from tests.cloud_shards import Scanned, findings_outside, merged_outcome, scanned, targets

EDGE, CORE, SPARE = "zt-shard-edge", "zt-shard-core", "zt-shard-spare"
ORG, FOLDER = "organizations/100200300400", "folders/810"
REGION = "us-central1"
GATEWAY_SA = f"gateway@{EDGE}.iam.gserviceaccount.com"
DEPLOYER_SA = f"deployer@{EDGE}.iam.gserviceaccount.com"
CORE_SA = f"runner@{CORE}.iam.gserviceaccount.com"
TOPIC = f"projects/{CORE}/topics/core-events"


def shard_estate() -> dict[str, Any]:
    run_invoke = "roles/run.invoker"
    core_api = f"https://{REGION}-{CORE}.cloudfunctions.net/core-api"
    edge = attach(
        project(EDGE, "810000000001", parent=FOLDER, functions=[
            gen2_function(EDGE, REGION, "edge-fn", service_account=DEPLOYER_SA,
                          invokers={run_invoke: ["allAuthenticatedUsers"]})]),
        api_gateway(EDGE, "edge-gw", swagger(core_api, ["GET /orders"]), service_account=GATEWAY_SA),
    )
    core = project(CORE, "810000000002", parent=FOLDER, functions=[
        gen1_function(CORE, REGION, "core-api", service_account=CORE_SA,
                      invokers={"roles/cloudfunctions.invoker": [f"serviceAccount:{GATEWAY_SA}"]}),
        gen1_function(CORE, REGION, "core-events", service_account=CORE_SA, ingress="ALLOW_INTERNAL_ONLY",
                      event_type="google.pubsub.topic.publish"),
    ])
    spare = project(SPARE, "810000000003", parent=ORG, functions=[
        gen2_function(SPARE, REGION, "spare-fn", invokers={run_invoke: ["allUsers"]})])
    grants = folder("810", ORG, iam={"roles/editor": [f"serviceAccount:{CORE_SA}"]}, bindings=[
        conditional("roles/cloudfunctions.developer", [f"serviceAccount:{DEPLOYER_SA}"],
                    f'resource.name.startsWith("projects/{CORE}/")', "core-functions-only")])
    return {
        "page_size": 50,
        "projects": [edge, core, spare],
        "topics": {TOPIC: topic_policy(["allUsers"])},
        "organizations": [organization("100200300400")],
        "folders": [grants],
        "keys": [],
        "faults": [],
    }


@pytest.fixture(scope="module")
def google() -> Iterator[Emulator]:
    with serve(shard_estate()) as emulator:
        yield emulator


def _scan(emulator: Emulator) -> list[str]:
    return ["scan", "gcp", "--gcp-endpoint", emulator.base_url, "--anonymous"]


@pytest.fixture(scope="module")
def inline(google: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Scanned:
    return scanned(_scan(google), google.env, tmp_path_factory.mktemp("inline"))


def test_inline_scan_sees_what_crosses_projects(inline: Scanned) -> None:
    assert targets(inline.outcome) == {EDGE: "complete", CORE: "complete", SPARE: "complete"}
    fns = inline.functions()
    gateways = [p.front_door for p in fns["core-api"].network.invocation if p.via == "api_gateway"]
    assert gateways == [f"projects/{EDGE}/locations/{REGION}/gateways/edge-gw"]
    assert [g.source for g in fns["core-api"].identity.admin] == [f"{FOLDER} binding roles/editor"]
    assert [g.source for g in fns["edge-fn"].identity.modify_functions] == [
        f"{FOLDER} binding roles/cloudfunctions.developer"]
    topics = [p.principal for p in fns["core-events"].network.invocation if p.via == "event_source"]
    assert topics == ["allUsers"]
    assert all(not fn.unknown for fn in fns.values())
    read = ["roles/cloudfunctions.developer", "roles/cloudfunctions.invoker", "roles/editor", "roles/pubsub.publisher",
            "roles/run.invoker"]
    assert inline.outcome["scope"]["gcp"]["role permissions"] == [f"{role}: IAM API roles.get" for role in read]


def test_local_processes_give_the_inline_findings(inline: Scanned, google: Emulator, tmp_path: Path) -> None:
    assert scanned(_scan(google), google.env, tmp_path, "--executor", "local:2").outcome == inline.outcome


def test_merged_shards_give_the_inline_findings(inline: Scanned, google: Emulator, tmp_path: Path) -> None:
    """--shard 1/2 runs edge and spare, --shard 2/2 core: each alone still sees the other's gateway and functions."""
    assert merged_outcome(_scan(google), google.env, tmp_path, 2) == inline.outcome


def test_a_project_that_cannot_be_listed_fails_alone(inline: Scanned, tmp_path: Path) -> None:
    with serve(shard_estate()) as emulator:
        emulator.arm(f"/projects/{SPARE}/locations/-/functions", 403, times=None)
        run = scanned(_scan(emulator), emulator.env, tmp_path, "--executor", "local:2")
    assert targets(run.outcome) == {EDGE: "complete", CORE: "complete", SPARE: "failed"}
    failed = run.target(SPARE)
    assert failed.error is not None and failed.error.startswith("functions not listed: 403")
    assert run.outcome["findings"] == findings_outside(inline.path, SPARE)
