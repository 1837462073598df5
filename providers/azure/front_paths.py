"""Invocation paths through the front doors that reach one function app.

A front door's path counts only when the app admits it: its access restrictions (App Service
evaluates them by priority, then the default action) or, with public network access disabled, a
private route (Front Door Premium Private Link, or an APIM injected in a VNet). Behind the front
door the app still gates each request: App Service Authentication, or the trigger's function key
unless the front door sends that key itself. The path's auth is the stronger of the two gates."""

from __future__ import annotations

import ipaddress
from typing import Any

from providers.azure.easy_auth import Gate
from providers.azure.fronts import Entry, FrontIndex, stronger
from providers.azure.network import Trigger
from scanner.inventory import InvocationPath

_ANY = {"any", "0.0.0.0/0", "::/0", "*"}
_AFD_TAG = "azurefrontdoor.backend"
_APIM_TAG = "apimanagement"


def _in(ip_rule: str, sources: tuple[str, ...]) -> bool:
    try:
        net = ipaddress.ip_network(ip_rule, strict=False)
    except ValueError:
        return False
    return any(ipaddress.ip_address(ip) in net for ip in sources if ip)


def _any(rule: dict[str, Any]) -> bool:
    return str(rule.get("ipAddress") or "").lower() in _ANY and not rule.get("vnetSubnetResourceId")


def _matches(rule: dict[str, Any], entry: Entry) -> bool:
    """Whether a request from this front door matches the access-restriction rule."""
    ip = str(rule.get("ipAddress") or "").lower()
    subnet = str(rule.get("vnetSubnetResourceId") or "").lower()
    if _any(rule):
        return True
    if entry.via == "front_door":
        if ip != _AFD_TAG:
            return False
        fdids = {k.lower(): v for k, v in (rule.get("headers") or {}).items()}.get("x-azure-fdid")
        return not fdids or str(entry.frontdoor_id or "").lower() in {str(v).lower() for v in fdids}
    if subnet:
        return subnet == str(entry.source_subnet or "").lower()
    return ip == _APIM_TAG or _in(ip, entry.source_ips)


def admission(entry: Entry, rules: list[dict[str, Any]], default_action: str | None, access: str) -> str | None:
    """How the app admits the front door ("" for no restriction), or None when it does not."""
    if access.lower() == "disabled":
        if entry.private_link:
            return "origin over Private Link"
        if entry.via == "api_management" and entry.source_subnet:
            return "APIM in a VNet (private endpoint)"
        return None
    ordered = sorted(rules, key=lambda r: r.get("priority") or 0)
    for rule in ordered:
        if _matches(rule, entry):
            if str(rule.get("action") or "Allow").lower() != "allow":
                return None
            return "" if _any(rule) else f"access restriction {rule.get('name') or 'unnamed'}"
    if default_action:
        return "" if default_action.lower() == "allow" else None
    has_allow = any(str(r.get("action") or "Allow").lower() == "allow" for r in rules)
    return None if has_allow else ""


def could_reach(rules: list[dict[str, Any]], default_action: str | None, access: str, private_endpoints: int) -> bool:
    """Whether some front door could reach the app: used when one could not be read."""
    if access.lower() == "disabled":
        return private_endpoints > 0
    allows = any(str(r.get("action") or "Allow").lower() == "allow" for r in rules)
    return allows or (default_action or "Allow").lower() == "allow"


def _path(
    entry: Entry, admitted: str, principal: str, kind: str, auth: str, evidence: str, route: str | None
) -> InvocationPath:
    return InvocationPath(
        via=entry.via,
        principal=principal,
        principal_kind=kind,  # type: ignore[arg-type]
        narrowed=entry.narrowed,
        conditions=[*entry.conditions, *([admitted] if admitted else [])],
        auth=auth,  # type: ignore[arg-type]
        evidence=evidence,
        front_door=entry.front_door,
        route=route,
    )


def front_paths(
    index: FrontIndex,
    keys: list[str],
    gate: Gate,
    triggers: list[Trigger],
    rules: list[dict[str, Any]],
    default_action: str | None,
    access: str,
) -> list[InvocationPath]:
    paths = []
    for entry in index.entries(keys):
        admitted = admission(entry, rules, default_action, access)
        if admitted is None:
            continue
        if gate.enforced:
            paths.append(
                _path(entry, admitted, gate.principal, gate.principal_kind, "platform",
                      f"{entry.evidence} -> {gate.evidence}", entry.route)
            )
        for trigger in triggers:
            excluded = gate.excludes(trigger.path) if gate.enforced else None
            if gate.enforced and excluded is None:
                continue
            needs_key = trigger.level != "anonymous" and not entry.supplies_key
            app_auth = "key" if needs_key else "none"
            auth = stronger(entry.auth, app_auth)
            app_side = f"function {trigger.name}: httpTrigger authLevel {trigger.level}"
            if trigger.level != "anonymous" and entry.supplies_key:
                app_side += " (the front door sends the function key)"
            if auth == entry.auth:
                principal, kind = entry.principal, entry.principal_kind
            else:
                principal, kind = f"holders of a {trigger.level} key", "identity"
            paths.append(_path(entry, admitted, principal, kind, auth, f"{entry.evidence} -> {app_side}",
                               f"{entry.route} -> {trigger.path}"))
    return paths
