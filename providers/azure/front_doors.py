"""Azure Front Door: routes whose origins are function apps, in Standard/Premium profiles
(Microsoft.Cdn/profiles) and in classic Front Doors (Microsoft.Network/frontDoors, one resource
holding its routing rules, backend pools and frontend endpoints).

Rules, each from Microsoft's documentation:
- a route on an endpoint sends matching requests to its origin group; each enabled origin's
  ``hostName`` is a backend (https://learn.microsoft.com/azure/frontdoor/origin);
  a disabled endpoint, route or origin carries no traffic;
- Front Door authenticates nobody: a route is an anonymous internet path. A WAF policy in
  Prevention mode filters requests but is not authentication: it is named in the evidence only
  (https://learn.microsoft.com/azure/web-application-firewall/afds/waf-front-door-policy-settings);
- the app admits only its own Front Door when an access restriction allows the
  ``AzureFrontDoor.Backend`` service tag with the profile's ``frontDoorId`` in X-Azure-FDID
  (https://learn.microsoft.com/azure/app-service/app-service-ip-restrictions#restrict-access-to-a-specific-azure-front-door-instance);
- an origin with ``sharedPrivateLinkResource`` (Premium) reaches the app over Private Link, even
  when the app's public network access is disabled
  (https://learn.microsoft.com/azure/frontdoor/private-link)."""

from __future__ import annotations

from typing import Any

from providers.azure.fronts import CDN_VERSION, WAF_VERSION, Entry, FrontIndex, Reader

CLASSIC_VERSION = "2021-06-01"

_READ = "Microsoft.Cdn/profiles/*/read"


def _entry(door_id: str, route: str, evidence: str, fdid: str | None, link: bool) -> Entry:
    """An anonymous internet path through a Front Door: it authenticates nobody."""
    return Entry(
        via="front_door",
        front_door=door_id,
        route=route,
        principal="anonymous",
        principal_kind="anonymous",
        auth="none",
        evidence=evidence,
        frontdoor_id=fdid,
        private_link=link,
    )


def _enabled(resource: dict[str, Any]) -> bool:
    return str((resource.get("properties") or {}).get("enabledState") or "Enabled").lower() == "enabled"


def _waf_label(reader: Reader, waf_id: str) -> str:
    waf = reader.get(waf_id, WAF_VERSION, "Microsoft.Network/frontdoorWebApplicationFirewallPolicies/read")
    settings = (waf.get("properties") or {}).get("policySettings") or {}
    state = "enabled" if str(settings.get("enabledState") or "Enabled").lower() == "enabled" else "disabled"
    return f"WAF {waf.get('name') or waf_id.split('/')[-1]} ({state}, {settings.get('mode') or 'Detection'} mode)"


def _waf_modes(reader: Reader, rid: str) -> dict[str, str]:
    """Domain (endpoint or custom domain) id -> "WAF <name> in <mode> mode" for the profile's WAF links."""
    out: dict[str, str] = {}
    for policy in reader.list(f"{rid}/securityPolicies", CDN_VERSION, _READ):
        params = (policy.get("properties") or {}).get("parameters") or {}
        waf_id = (params.get("wafPolicy") or {}).get("id")
        if not waf_id:
            continue
        label = _waf_label(reader, waf_id)
        for assoc in params.get("associations") or []:
            for domain in assoc.get("domains") or []:
                out[str(domain.get("id", "")).lower()] = label
    return out


def read_profile(reader: Reader, rid: str, index: FrontIndex) -> None:
    """Each enabled route of an Azure Front Door profile, as an ``Entry`` per origin host."""
    profile = reader.get(rid, CDN_VERSION, "Microsoft.Cdn/profiles/read")
    sku = str((profile.get("sku") or {}).get("name") or "")
    if not sku.lower().endswith("azurefrontdoor"):
        return  # a classic CDN profile: it caches content, it does not front function APIs here
    name = profile.get("name") or rid.split("/")[-1]
    fdid = (profile.get("properties") or {}).get("frontDoorId")
    origins: dict[str, list[dict[str, Any]]] = {}
    for group in reader.list(f"{rid}/originGroups", CDN_VERSION, _READ):
        members = reader.list(f"{rid}/originGroups/{group['name']}/origins", CDN_VERSION, _READ)
        origins[str(group["id"]).lower()] = [o for o in members if _enabled(o)]
    wafs = _waf_modes(reader, rid)
    for endpoint in reader.list(f"{rid}/afdEndpoints", CDN_VERSION, _READ):
        if not _enabled(endpoint):
            continue
        host = (endpoint.get("properties") or {}).get("hostName") or endpoint.get("name")
        for route in reader.list(f"{rid}/afdEndpoints/{endpoint['name']}/routes", CDN_VERSION, _READ):
            props = route.get("properties") or {}
            if not _enabled(route):
                continue
            domains = [str(endpoint.get("id", "")).lower()] + [
                str(d.get("id", "")).lower() for d in props.get("customDomains") or []
            ]
            waf = next((wafs[d] for d in domains if d in wafs), "no WAF policy")
            patterns = ",".join(props.get("patternsToMatch") or ["/*"])
            group = str((props.get("originGroup") or {}).get("id", "")).lower()
            for origin in origins.get(group, []):
                oprops = origin.get("properties") or {}
                link = ((oprops.get("sharedPrivateLinkResource") or {}).get("privateLink") or {}).get("id")
                evidence = (
                    f"Front Door {name} route {route.get('name')} {host} {patterns} "
                    f"-> origin {oprops.get('hostName')} ({waf})"
                )
                path = f"{host}{patterns if patterns.startswith('/') else '/' + patterns}"
                entry = _entry(str(profile.get("id") or rid), path, evidence, fdid, bool(link))
                index.add(str(oprops.get("hostName") or ""), entry)


def read_classic(reader: Reader, rid: str, index: FrontIndex) -> None:
    """Each enabled forwarding rule of a classic Front Door, as an ``Entry`` per enabled backend."""
    door = reader.get(rid, CLASSIC_VERSION, "Microsoft.Network/frontDoors/read")
    props = door.get("properties") or {}
    if not _enabled(door):
        return
    name = door.get("name") or rid.split("/")[-1]
    pools = {
        str(pool.get("id", "")).lower(): [
            b for b in (pool.get("properties") or {}).get("backends") or []
            if str(b.get("enabledState") or "Enabled").lower() == "enabled"
        ]
        for pool in props.get("backendPools") or []
    }
    endpoints = {str(e.get("id", "")).lower(): e.get("properties") or {} for e in props.get("frontendEndpoints") or []}
    links = {str((ep.get("webApplicationFirewallPolicyLink") or {}).get("id") or "") for ep in endpoints.values()}
    wafs = {waf_id: _waf_label(reader, waf_id) for waf_id in links if waf_id}
    for rule in props.get("routingRules") or []:
        rprops = rule.get("properties") or {}
        pool = ((rprops.get("routeConfiguration") or {}).get("backendPool") or {}).get("id")
        if not _enabled(rule) or not pool:
            continue  # disabled, or a redirect rule: no backend is called
        patterns = ",".join(rprops.get("patternsToMatch") or ["/*"])
        for ref in rprops.get("frontendEndpoints") or []:
            ep = endpoints.get(str(ref.get("id", "")).lower()) or {}
            waf = wafs.get(str((ep.get("webApplicationFirewallPolicyLink") or {}).get("id") or ""), "no WAF policy")
            for backend in pools.get(str(pool).lower(), []):
                evidence = (
                    f"Front Door (classic) {name} rule {rule.get('name')} {ep.get('hostName')} {patterns} "
                    f"-> backend {backend.get('address')} ({waf})"
                )
                link = bool(backend.get("privateLinkResourceId"))
                entry = _entry(str(door.get("id") or rid), f"{ep.get('hostName')}{patterns}", evidence,
                               props.get("frontdoorId"), link)
                index.add(str(backend.get("address") or ""), entry)
