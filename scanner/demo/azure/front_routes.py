"""The ARM routes of API Management and Front Door, answered from a subscription of the estate.

Estate keys (per subscription): "apiManagement": [apim_service(...)], "frontDoors": [afd_profile(...)],
"classicFrontDoors": [classic_front_door(...)], "wafPolicies": [waf_policy(...)]
(see scanner/demo/azure/front_builders.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Page = Callable[[list[dict[str, Any]]], dict[str, Any]]
Reply = tuple[int, dict[str, Any], None]

_RESOURCE = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/(?P<ns>Microsoft\.ApiManagement/service|"
    r"Microsoft\.Cdn/profiles|Microsoft\.Network/frontDoors|Microsoft\.Network/frontdoorWebApplicationFirewallPolicies)/(?P<name>[^/]+)"
    r"(?P<rest>/.*)?$",
    re.I,
)
_KEYS = {
    "microsoft.apimanagement/service": "apiManagement",
    "microsoft.cdn/profiles": "frontDoors",
    "microsoft.network/frontdoors": "classicFrontDoors",
    "microsoft.network/frontdoorwebapplicationfirewallpolicies": "wafPolicies",
}


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def _not_found(what: str) -> Reply:
    return 404, {"error": {"code": "ResourceNotFound", "message": f"The Resource '{what}' was not found."}}, None


def generic_resources(sub: dict[str, Any], wanted: str) -> list[dict[str, Any]]:
    """What GET /subscriptions/{id}/resources lists for a resourceType $filter on these types."""
    out = []
    for rtype, key in _KEYS.items():
        if rtype not in wanted.lower():
            continue
        for res in sub.get(key, []):
            out.append({k: res[k] for k in ("id", "name", "type", "location") if k in res} | {"sku": res.get("sku")})
    return out


def _policies(xml: str | None, owner: str) -> list[dict[str, Any]]:
    """A policy list: empty when the scope has no policy document, as ARM lists it."""
    if xml is None:
        return []
    return [
        {
            "id": f"{owner}/policies/policy",
            "type": f"{owner.split('/providers/')[1].split('/')[0]}/policies",
            "name": "policy",
            "properties": {"format": "xml", "value": xml},
        }
    ]


def _apim(service: dict[str, Any], rest: str, page: Page) -> Reply:
    x = service["_x"]
    rid = service["id"]
    if rest == "":
        return 200, _public(service), None
    if rest in ("/apis", "/backends", "/products"):
        return 200, page([_public(i) for i in x[rest[1:]]]), None
    if rest == "/policies":
        return 200, page(_policies(x["policy"], rid)), None
    m = re.match(r"^/(apis|products)/([^/]+)/(policies|apis)$", rest)
    if m:
        owner = next((i for i in x[m.group(1)] if i["name"].lower() == m.group(2)), None)
        if owner is None:
            return _not_found(m.group(2))
        if m.group(3) == "policies":
            return 200, page(_policies(owner["_policy"], owner["id"])), None
        if m.group(1) == "products":
            return 200, page([_public(a) for a in x["apis"] if a["name"] in owner["_apis"]]), None
    return _not_found(rest)


def _cdn(profile: dict[str, Any], rest: str, page: Page) -> Reply:
    x = profile["_x"]
    if rest == "":
        return 200, _public(profile), None
    if rest == "/afdendpoints":
        return 200, page([_public(e) for e in x["endpoints"]]), None
    if rest == "/origingroups":
        return 200, page([_public(g) for g in x["originGroups"]]), None
    if rest == "/securitypolicies":
        return 200, page(x["securityPolicies"]), None
    m = re.match(r"^/(afdendpoints|origingroups)/([^/]+)/(routes|origins)$", rest)
    if m:
        items = x["endpoints"] if m.group(1) == "afdendpoints" else x["originGroups"]
        owner = next((i for i in items if i["name"].lower() == m.group(2)), None)
        if owner is None:
            return _not_found(m.group(2))
        return 200, page(owner["_routes"] if m.group(3) == "routes" else owner["_origins"]), None
    return _not_found(rest)


def serve(sub: dict[str, Any], path: str, page: Page) -> Reply | None:
    """The reply for an APIM / Front Door / WAF path of this subscription, or None for another path."""
    m = _RESOURCE.match(path)
    if not m:
        return None
    key = _KEYS[m.group("ns").lower()]
    name = m.group("name").lower()
    resource = next((r for r in sub.get(key, []) if r["name"].lower() == name), None)
    if resource is None:
        return _not_found(f"{m.group('ns')}/{m.group('name')}")
    rest = (m.group("rest") or "").lower()
    if key == "apiManagement":
        return _apim(resource, rest, page)
    if key == "frontDoors":
        return _cdn(resource, rest, page)
    return (200, _public(resource), None) if rest == "" else _not_found(rest)
