"""External HTTP(S) load balancers down to the serverless NEGs behind them: forwarding rule ->
target proxy -> URL map (host and path rules) -> backend service (IAP) -> network endpoint group
(cloudFunction / cloudRun). https://cloud.google.com/load-balancing/docs/negs/serverless-neg-concepts
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Only these schemes face the internet; INTERNAL_MANAGED is reachable from the VPC only.
# https://cloud.google.com/compute/docs/reference/rest/v1/globalForwardingRules
EXTERNAL = {"EXTERNAL", "EXTERNAL_MANAGED"}
COLLECTIONS = (
    "globalForwardingRules",
    "targetHttpsProxies",
    "targetHttpProxies",
    "urlMaps",
    "backendServices",
    "networkEndpointGroups",
)


@dataclass(frozen=True)
class Backend:
    """One way through a load balancer to a serverless backend."""

    rule: str  # the forwarding rule's selfLink
    rule_name: str
    address: str
    route: str  # host/path of the URL map rule
    backend_service: str
    iap: bool
    target: tuple[str, str, str, str] | None  # (kind function|service, project, region, name)
    mask: str | None  # a URL mask: the backend is chosen per request


def _key(link: str) -> str:
    """selfLinks differ in host and version between APIs and emulators; the resource path does not."""
    return link[link.find("projects/") :] if "projects/" in link else link


def _index(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {_key(str(i.get("selfLink", ""))): i for i in items}


def _services(url_map: dict[str, Any]) -> list[tuple[str, str]]:
    """(host/path, backend service link) for every rule of a URL map."""
    out = []
    if url_map.get("defaultService"):
        out.append(("*/*", url_map["defaultService"]))
    matchers = {m.get("name"): m for m in url_map.get("pathMatchers") or []}
    for rule in url_map.get("hostRules") or []:
        matcher = matchers.get(rule.get("pathMatcher")) or {}
        hosts = ",".join(rule.get("hosts") or ["*"])
        if matcher.get("defaultService"):
            out.append((f"{hosts}/*", matcher["defaultService"]))
        for path_rule in matcher.get("pathRules") or []:
            if path_rule.get("service"):
                out += [(f"{hosts}{p}", path_rule["service"]) for p in path_rule.get("paths") or ["/*"]]
        for route_rule in matcher.get("routeRules") or []:
            links = [route_rule.get("service")] + [
                w.get("backendService")
                for w in (route_rule.get("routeAction") or {}).get("weightedBackendServices") or []
            ]
            matches = route_rule.get("matchRules") or [{}]
            prefixes = [m.get("prefixMatch") or m.get("fullPathMatch") or "/*" for m in matches]
            out += [(f"{hosts}{p}", link) for link in links if link for p in prefixes]
    return out


def _neg_target(neg: dict[str, Any], project: str) -> tuple[tuple[str, str, str, str] | None, str | None]:
    region = str(neg.get("region", "")).rsplit("/", 1)[-1]
    function = neg.get("cloudFunction") or {}
    run = neg.get("cloudRun") or {}
    if function.get("function"):
        return ("function", project, region, function["function"]), None
    if run.get("service"):
        return ("service", project, region, run["service"]), None
    mask = function.get("urlMask") or run.get("urlMask")
    return None, mask


def backends(project: str, lists: dict[str, list[dict[str, Any]]]) -> list[Backend]:
    """Every path from an external forwarding rule to a serverless NEG of ``project``."""
    proxies = _index(lists["targetHttpsProxies"]) | _index(lists["targetHttpProxies"])
    url_maps = _index(lists["urlMaps"])
    services = _index(lists["backendServices"])
    negs = _index(lists["networkEndpointGroups"])
    out = []
    for rule in lists["globalForwardingRules"]:
        if rule.get("loadBalancingScheme", "EXTERNAL") not in EXTERNAL:
            continue
        proxy = proxies.get(_key(str(rule.get("target", ""))))
        url_map = url_maps.get(_key(str((proxy or {}).get("urlMap", ""))))
        if url_map is None:
            continue
        # One path per backend service, naming every host/path rule that leads to it.
        routes: dict[str, list[str]] = {}
        for route, link in _services(url_map):
            routes.setdefault(_key(link), []).append(route)
        for link, found in routes.items():
            service = services.get(link)
            if service is None:  # a backend bucket or a service of another project
                continue
            iap = bool((service.get("iap") or {}).get("enabled"))
            for backend in service.get("backends") or []:
                neg = negs.get(_key(str(backend.get("group", ""))))
                if neg is None or neg.get("networkEndpointType") != "SERVERLESS":
                    continue
                target, mask = _neg_target(neg, project)
                out.append(
                    Backend(
                        rule=_key(str(rule.get("selfLink", ""))),
                        rule_name=str(rule.get("name", "")),
                        address=str(rule.get("IPAddress", "")),
                        route=", ".join(dict.fromkeys(found)),
                        backend_service=str(service.get("name", "")),
                        iap=iap,
                        target=target,
                        mask=mask,
                    )
                )
    return out
