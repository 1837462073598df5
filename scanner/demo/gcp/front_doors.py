"""Builders of front doors as the Google APIs return them: API Gateway gateways and configs
(apigateway v1), external load balancers with serverless NEGs (compute v1) and Pub/Sub topic
policies. Each builder returns ``{collection: [items]}``; ``attach`` adds them to a project."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import yaml

from scanner.demo.gcp.builders import policy, prune

COMPUTE = "https://www.googleapis.com/compute/v1"
CREATED = "2026-05-04T09:00:00.000-07:00"
API_KEY = {"api_key": {"type": "apiKey", "name": "key", "in": "query"}}
GOOGLE_ID_TOKEN = {
    "google_id_token": {
        "authorizationUrl": "",
        "flow": "implicit",
        "type": "oauth2",
        "x-google-issuer": "https://accounts.google.com",
        "x-google-jwks_uri": "https://www.googleapis.com/oauth2/v3/certs",
        "x-google-audiences": "orders-client.apps.googleusercontent.com",
    }
}


def attach(project: dict[str, Any], *doors: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    for door in doors:
        for collection, items in door.items():
            project.setdefault(collection, []).extend(items)
    return project


def swagger(
    backend: str,
    operations: list[str],
    *,
    definitions: dict[str, Any] | None = None,
    security: list[dict[str, list[str]]] | None = None,
    disable_auth: bool = False,
) -> dict[str, Any]:
    """An OpenAPI 2.0 document (https://cloud.google.com/api-gateway/docs/openapi-overview) whose
    operations ("GET /orders") all go to ``backend`` through ``x-google-backend``."""
    target: dict[str, Any] = {"address": backend}
    if disable_auth:
        target["disable_auth"] = True
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        method, path = op.split(" ", 1)
        paths.setdefault(path, {})[method.lower()] = {
            "operationId": f"{method.lower()}{path.replace('/', '_')}",
            "x-google-backend": target,
            "responses": {"200": {"description": "OK"}},
        }
    return prune(
        {
            "swagger": "2.0",
            "info": {"title": "orders-api", "version": "1.0.0"},
            "schemes": ["https"],
            "produces": ["application/json"],
            "securityDefinitions": definitions,
            "security": security,
            "paths": paths,
        }
    )


def api_gateway(
    project: str, gateway_id: str, document: dict[str, Any], *, service_account: str | None,
    location: str = "us-central1", api_id: str = "orders-api", config_id: str = "v1",
) -> dict[str, list[dict[str, Any]]]:
    """A Gateway and the ApiConfig it serves, as gateways.list and configs.get (view FULL) return
    them: https://cloud.google.com/api-gateway/docs/reference/rest/v1/projects.locations.gateways and
    .../projects.locations.apis.configs (documents' contents are base64 bytes)."""
    config_name = f"projects/{project}/locations/global/apis/{api_id}/configs/{config_id}"
    digest = hashlib.sha256(f"{project}/{gateway_id}".encode()).hexdigest()[:8]
    gateway = {
        "name": f"projects/{project}/locations/{location}/gateways/{gateway_id}",
        "createTime": "2026-05-04T16:00:00.000000Z",
        "updateTime": "2026-05-04T16:05:00.000000Z",
        "displayName": gateway_id,
        "apiConfig": config_name,
        "state": "ACTIVE",
        "defaultHostname": f"{gateway_id}-{digest}.uc.gateway.dev",
    }
    contents = base64.b64encode(yaml.safe_dump(document).encode()).decode()
    config = prune(
        {
            "name": config_name,
            "createTime": "2026-05-04T15:50:00.000000Z",
            "updateTime": "2026-05-04T15:55:00.000000Z",
            "displayName": config_id,
            "gatewayServiceAccount": service_account,
            "serviceConfigId": f"{config_id}-0a1b2c3d4e5f6",
            "state": "ACTIVE",
            "openapiDocuments": [{"document": {"path": "openapi.yaml", "contents": contents}}],
        }
    )
    return {"gateways": [gateway], "apiConfigs": [config]}


def _link(project: str, path: str) -> str:
    return f"{COMPUTE}/projects/{project}/{path}"


def serverless_lb(
    project: str, name: str, region: str, *, function: str | None = None, service: str | None = None,
    url_mask: str | None = None, iap: bool = False, scheme: str = "EXTERNAL_MANAGED", host: str = "api.acme.example",
) -> dict[str, list[dict[str, Any]]]:
    """A global external Application Load Balancer (forwarding rule -> HTTPS proxy -> URL map ->
    backend service -> serverless NEG), in the compute v1 shapes
    (https://cloud.google.com/compute/docs/reference/rest/v1/globalForwardingRules,
    .../networkEndpointGroups#NetworkEndpointGroup for ``cloudFunction`` / ``cloudRun``)."""
    neg_link = _link(project, f"regions/{region}/networkEndpointGroups/{name}-neg")
    bs_link = _link(project, f"global/backendServices/{name}-backend")
    map_link = _link(project, f"global/urlMaps/{name}-map")
    proxy_link = _link(project, f"global/targetHttpsProxies/{name}-proxy")
    target = {"cloudFunction": prune({"function": function, "urlMask": url_mask})} if function or url_mask else {}
    if service:
        target = {"cloudRun": {"service": service}}
    neg = {
        "kind": "compute#networkEndpointGroup", "id": "4012345678901234567", "creationTimestamp": CREATED,
        "selfLink": neg_link, "name": f"{name}-neg", "networkEndpointType": "SERVERLESS", "size": 0,
        "region": _link(project, f"regions/{region}"), **target,
    }
    backend = {
        "kind": "compute#backendService", "id": "5012345678901234567", "creationTimestamp": CREATED,
        "name": f"{name}-backend", "selfLink": bs_link, "protocol": "HTTPS", "loadBalancingScheme": scheme,
        "backends": [{"group": neg_link, "balancingMode": "UTILIZATION", "capacityScaler": 1}],
        "iap": {"enabled": True, "oauth2ClientId": "1234-iap.apps.googleusercontent.com"}
        if iap
        else {"enabled": False},
        "fingerprint": "aBcDeFgHiJk=",
    }
    url_map = {
        "kind": "compute#urlMap", "id": "6012345678901234567", "creationTimestamp": CREATED,
        "name": f"{name}-map", "selfLink": map_link, "defaultService": bs_link,
        "hostRules": [{"hosts": [host], "pathMatcher": "api"}],
        "pathMatchers": [{"name": "api", "defaultService": bs_link,
                          "pathRules": [{"paths": ["/orders", "/orders/*"], "service": bs_link}]}],
        "fingerprint": "bCdEfGhIjKl=",
    }
    proxy = {
        "kind": "compute#targetHttpsProxy", "id": "7012345678901234567", "creationTimestamp": CREATED,
        "name": f"{name}-proxy", "selfLink": proxy_link, "urlMap": map_link,
        "sslCertificates": [_link(project, f"global/sslCertificates/{name}-cert")], "quicOverride": "NONE",
    }
    rule = {
        "kind": "compute#forwardingRule", "id": "8012345678901234567", "creationTimestamp": CREATED,
        "name": f"{name}-https", "selfLink": _link(project, f"global/forwardingRules/{name}-https"),
        "IPAddress": "34.117.20.10", "IPProtocol": "TCP", "portRange": "443-443", "target": proxy_link,
        "loadBalancingScheme": scheme, "networkTier": "PREMIUM", "labelFingerprint": "42WmSpB8rSM=",
    }
    return {
        "globalForwardingRules": [rule], "targetHttpsProxies": [proxy], "urlMaps": [url_map],
        "backendServices": [backend], "networkEndpointGroups": [neg],
    }


def topic_policy(publishers: list[str], role: str = "roles/pubsub.publisher") -> dict[str, Any]:
    """A topic's IAM policy as projects.topics.getIamPolicy returns it."""
    return policy((role, publishers)) if publishers else {"etag": "ACAB"}  # an empty policy has no bindings
