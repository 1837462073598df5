"""An estate of front doors, each case open and closed: API Gateway routes (none / API key / JWT,
the gateway's account an invoker or not, internal-only ingress), serverless load balancers (allUsers
and ingress that admits them, IAP, internal-only ingress, no public invoker) and Pub/Sub trigger topics
(allUsers, allAuthenticatedUsers, one account)."""

from __future__ import annotations

from typing import Any

from scanner.demo.gcp import gen1_function, gen2_function, project
from scanner.demo.gcp.builders import organization
from scanner.demo.gcp.front_doors import (
    API_KEY,
    GOOGLE_ID_TOKEN,
    api_gateway,
    attach,
    serverless_lb,
    swagger,
    topic_policy,
)

FRONT, FRONT_NUM = "zt-front", "555555555555"
REGION = "us-central1"
GATEWAY_SA = f"api-gateway@{FRONT}.iam.gserviceaccount.com"
OTHER_SA = f"backend-caller@{FRONT}.iam.gserviceaccount.com"
GW_INVOKER = f"serviceAccount:{GATEWAY_SA}"
INTERNAL, GCLB = "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB"


def _url(name: str) -> str:
    return f"https://{REGION}-{FRONT}.cloudfunctions.net/{name}"


def _topic(name: str) -> str:
    return f"projects/{FRONT}/topics/{name}"


def functions() -> list[dict[str, Any]]:
    gen1_invoke, run_invoke = "roles/cloudfunctions.invoker", "roles/run.invoker"
    pubsub1, pubsub2 = "google.pubsub.topic.publish", "google.cloud.pubsub.topic.v1.messagePublished"
    return [
        gen1_function(FRONT, REGION, "gw-anon", invokers={gen1_invoke: [GW_INVOKER]}),
        gen2_function(FRONT, REGION, "gw-key", invokers={run_invoke: [GW_INVOKER]}),
        gen2_function(FRONT, REGION, "gw-jwt", invokers={run_invoke: [GW_INVOKER]}),
        gen2_function(FRONT, REGION, "gw-noinvoker", invokers={run_invoke: [f"serviceAccount:{OTHER_SA}"]}),
        gen1_function(FRONT, REGION, "gw-internal", ingress=INTERNAL, invokers={gen1_invoke: [GW_INVOKER]}),
        gen2_function(FRONT, REGION, "gw-noauth-open", invokers={run_invoke: ["allUsers"]}),
        gen2_function(FRONT, REGION, "gw-noauth-closed", invokers={run_invoke: ["allAuthenticatedUsers"]}),
        gen2_function(FRONT, REGION, "lb-open", ingress=GCLB, invokers={run_invoke: ["allUsers"]}),
        gen2_function(FRONT, REGION, "lb-iap", ingress=GCLB, invokers={run_invoke: ["allUsers"]}),
        gen1_function(FRONT, REGION, "lb-internal", ingress=INTERNAL, invokers={gen1_invoke: ["allUsers"]}),
        gen2_function(FRONT, REGION, "lb-private", ingress=GCLB,
                      invokers={run_invoke: [f"serviceAccount:{OTHER_SA}"]}),
        gen1_function(FRONT, REGION, "topic-open", event_type=pubsub1, ingress=INTERNAL),
        gen2_function(FRONT, REGION, "topic-auth", event_type=pubsub2, ingress=INTERNAL),
        gen1_function(FRONT, REGION, "topic-closed", event_type=pubsub1, ingress=INTERNAL),
    ]


def doors() -> list[dict[str, list[dict[str, Any]]]]:
    def gateway(gw: str, backend: str, **security: Any) -> dict[str, list[dict[str, Any]]]:
        return api_gateway(FRONT, gw, swagger(_url(backend), ["GET /orders", "POST /orders"], **security),
                           service_account=GATEWAY_SA, api_id=gw)

    jwt = {"definitions": GOOGLE_ID_TOKEN, "security": [{"google_id_token": []}]}
    return [
        gateway("open-gw", "gw-anon"),
        gateway("key-gw", "gw-key", definitions=API_KEY, security=[{"api_key": []}]),
        gateway("jwt-gw", "gw-jwt", **jwt),
        gateway("noinvoker-gw", "gw-noinvoker"),
        gateway("internal-gw", "gw-internal"),
        gateway("noauth-open-gw", "gw-noauth-open", disable_auth=True),
        gateway("noauth-closed-gw", "gw-noauth-closed", disable_auth=True),
        serverless_lb(FRONT, "open", REGION, function="lb-open", host="open.acme.example"),
        serverless_lb(FRONT, "iap", REGION, service="lb-iap", iap=True, host="iap.acme.example"),
        serverless_lb(FRONT, "internal", REGION, function="lb-internal", host="internal.acme.example"),
        serverless_lb(FRONT, "private", REGION, function="lb-private", host="private.acme.example"),
    ]


def build_front_estate() -> dict[str, Any]:
    front = attach(project(FRONT, FRONT_NUM, display_name="Front doors", functions=functions()), *doors())
    return {
        "page_size": 50,
        "projects": [front],
        "topics": {
            _topic("topic-open"): topic_policy(["allUsers"]),
            _topic("topic-auth"): topic_policy(["allAuthenticatedUsers"]),
            _topic("topic-closed"): topic_policy([f"serviceAccount:{OTHER_SA}"]),
        },
        "organizations": [organization("100200300400")],
        "folders": [],
        "keys": [],
        "faults": [],
    }
