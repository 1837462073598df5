"""The emulated front-door APIs: API Gateway v1 (gateways.list, configs.get), Compute v1 (the global
load-balancing collections and networkEndpointGroups.aggregatedList) and Pub/Sub topics.getIamPolicy."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from scanner.demo.gcp.answers import ApiError, versioned

_GATEWAYS = re.compile(r"^/v1/projects/([^/]+)/locations/[^/]+/gateways$")
_CONFIG = re.compile(r"^/v1/(projects/([^/]+)/locations/global/apis/[^/]+/configs/[^/]+)$")
_COMPUTE = re.compile(r"^/compute/v1/projects/([^/]+)/(global/\w+|aggregated/networkEndpointGroups)$")
_TOPIC_POLICY = re.compile(r"^/v1/(projects/[^/]+/topics/[^/:]+):getIamPolicy$")
_COLLECTIONS = {
    "global/forwardingRules": ("globalForwardingRules", "compute#forwardingRuleList"),
    "global/targetHttpsProxies": ("targetHttpsProxies", "compute#targetHttpsProxyList"),
    "global/targetHttpProxies": ("targetHttpProxies", "compute#targetHttpProxyList"),
    "global/urlMaps": ("urlMaps", "compute#urlMapList"),
    "global/backendServices": ("backendServices", "compute#backendServiceList"),
}


def route_name(method: str, path: str) -> str | None:
    if _GATEWAYS.match(path):
        return f"apigateway {method} gateways.list"
    if _CONFIG.match(path):
        return f"apigateway {method} configs.get"
    if m := _COMPUTE.match(path):
        return f"compute {method} {m[2].split('/')[-1]}"
    if _TOPIC_POLICY.match(path):
        return f"pubsub {method} topics.getIamPolicy"
    return None


def answer(
    path: str,
    query: dict[str, list[str]],
    project: Callable[[str], dict[str, Any]],
    topics: dict[str, Any],
    page: Callable[[list[Any], str, dict[str, list[str]]], dict[str, Any]],
) -> Any:
    if m := _GATEWAYS.match(path):
        return page(project(m[1]).get("gateways", []), "gateways", query)
    if m := _CONFIG.match(path):
        for config in project(m[2]).get("apiConfigs", []):
            if config["name"] == m[1]:
                full = (query.get("view") or ["BASIC"])[0] == "FULL"
                # BASIC view leaves out the configuration source files.
                return config if full else {k: v for k, v in config.items() if k != "openapiDocuments"}
        raise ApiError(404, f"Resource '{m[1]}' was not found")
    if m := _COMPUTE.match(path):
        proj = project(m[1])
        if m[2] == "aggregated/networkEndpointGroups":
            return _aggregated(proj, m[1])
        key, kind = _COLLECTIONS[m[2]]
        body = {"kind": kind, "id": f"projects/{m[1]}/{m[2]}", "selfLink": f"https://www.googleapis.com/compute/v1{path}"}
        items = proj.get(key, [])
        return body | ({"items": items} if items else {})  # an empty list omits `items`
    if m := _TOPIC_POLICY.match(path):
        if m[1] not in topics:
            raise ApiError(404, f"Resource not found (resource={m[1].rsplit('/', 1)[-1]}).")
        return versioned(topics[m[1]], query)
    raise ApiError(404, f"unknown path {path}")


def _aggregated(proj: dict[str, Any], project_id: str) -> dict[str, Any]:
    by_scope: dict[str, dict[str, Any]] = {}
    for neg in proj.get("networkEndpointGroups", []):
        scope = "regions/" + neg["region"].rsplit("/", 1)[-1]
        by_scope.setdefault(scope, {"networkEndpointGroups": []})["networkEndpointGroups"].append(neg)
    return {
        "kind": "compute#networkEndpointGroupAggregatedList",
        "id": f"projects/{project_id}/aggregated/networkEndpointGroups",
        "items": by_scope,
        "selfLink": f"https://www.googleapis.com/compute/v1/projects/{project_id}/aggregated/networkEndpointGroups",
    }
