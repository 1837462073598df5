"""The reads behind the front doors, one per project and collection (gateways, each Compute
collection), then one per API config a gateway serves and one per topic that triggers a scanned
function (``topic_policy``): never one per function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from google.iam.v1 import policy_pb2
from google.protobuf import json_format

from providers.gcp.clients import Rest
from providers.gcp.front_doors.load_balancers import COLLECTIONS
from providers.gcp.outcome import Outcome, run

_COMPUTE_PATHS = {
    "globalForwardingRules": "global/forwardingRules",
    "targetHttpsProxies": "global/targetHttpsProxies",
    "targetHttpProxies": "global/targetHttpProxies",
    "urlMaps": "global/urlMaps",
    "backendServices": "global/backendServices",
}


@dataclass
class ProjectDoors:
    gateways: Outcome = field(default_factory=Outcome)
    compute: dict[str, Outcome] = field(default_factory=dict)


@dataclass
class FrontDoorReads:
    projects: dict[str, ProjectDoors] = field(default_factory=dict)
    configs: dict[str, Outcome] = field(default_factory=dict)  # API config name -> config (view FULL)

    def project_tasks(self, rest: Rest, project: str) -> list[Callable[[], None]]:
        doors = self.projects.setdefault(project, ProjectDoors())

        def gateways() -> None:
            # https://cloud.google.com/api-gateway/docs/reference/rest/v1/projects.locations.gateways/list
            doors.gateways = run(
                lambda: rest.pages("apigateway", f"/v1/projects/{project}/locations/-/gateways", "gateways")
            )

        def compute(collection: str) -> Callable[[], None]:
            def read() -> None:
                doors.compute[collection] = run(lambda: _compute_list(rest, project, collection))

            return read

        return [gateways] + [compute(c) for c in COLLECTIONS]

    def config_tasks(self, rest: Rest) -> list[Callable[[], None]]:
        """One config get per API config the read gateways serve."""
        names = sorted(
            {
                str(g.get("apiConfig"))
                for doors in self.projects.values()
                if doors.gateways.error is None
                for g in doors.gateways.value
                if g.get("apiConfig")
            }
        )

        def config(name: str) -> Callable[[], None]:
            def read() -> None:
                # view=FULL carries the OpenAPI documents:
                # https://cloud.google.com/api-gateway/docs/reference/rest/v1/projects.locations.apis.configs/get
                self.configs[name] = run(lambda: rest.get("apigateway", f"/v1/{name}", {"view": "FULL"}))

            return read

        return [config(n) for n in names]


def topic_policy(rest: Rest, topic: str) -> policy_pb2.Policy:
    # https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.topics/getIamPolicy
    return _policy(rest.get("pubsub", f"/v1/{topic}:getIamPolicy", {"options.requestedPolicyVersion": "3"}))


def _compute_list(rest: Rest, project: str, collection: str) -> list[dict[str, Any]]:
    base = f"/compute/v1/projects/{project}"
    if collection != "networkEndpointGroups":
        return rest.pages("compute", f"{base}/{_COMPUTE_PATHS[collection]}", "items")
    # Serverless NEGs are regional: one aggregatedList covers every region.
    # https://cloud.google.com/compute/docs/reference/rest/v1/networkEndpointGroups/aggregatedList
    out: list[dict[str, Any]] = []
    query: dict[str, str] = {}
    while True:
        page = rest.get("compute", f"{base}/aggregated/networkEndpointGroups", query)
        for scoped in (page.get("items") or {}).values():  # a scope without NEGs carries a warning only
            out += scoped.get("networkEndpointGroups") or []
        if not page.get("nextPageToken"):
            return out
        query["pageToken"] = page["nextPageToken"]


def _policy(answer: dict[str, Any]) -> policy_pb2.Policy:
    """The JSON policy as the same message the GAPIC clients return, for ``iam.bindings``."""
    return json_format.ParseDict(answer, policy_pb2.Policy(), ignore_unknown_fields=True)
