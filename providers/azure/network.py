"""Who can reach a function app, and how: ingress, HTTP-trigger auth, management plane."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from providers.azure.easy_auth import Gate
from scanner.inventory import Cors, InvocationPath, ManagementExposure, PrivateNetwork

_ANY = {"any", "0.0.0.0/0", "::/0", "*"}


def _literal_any(rule: dict[str, Any]) -> bool:
    return (rule.get("ipAddress") or "").lower() in _ANY and not rule.get("vnetSubnetResourceId")


def _is_any(rule: dict[str, Any]) -> bool:
    if _literal_any(rule):
        return True
    # The AzureFrontDoor.Backend service tag admits every customer's Front Door; only an
    # X-Azure-FDID header check ties it to one's own profile.
    headers = {k.lower(): v for k, v in (rule.get("headers") or {}).items()}
    return (rule.get("ipAddress") or "").lower() == "azurefrontdoor.backend" and not headers.get("x-azure-fdid")


def _describe(rule: dict[str, Any]) -> str:
    source = rule.get("ipAddress") or rule.get("vnetSubnetResourceId") or "?"
    return f"{rule.get('name') or 'unnamed'}: {rule.get('action') or 'Allow'} {source}"


@dataclass
class Reach:
    public: bool  # reachable from any internet address
    restrictions: list[str]  # the rules that narrow it, as "name: Allow 203.0.113.0/24"


def reach(rules: list[dict[str, Any]] | None, default_action: str | None) -> Reach:
    """Whether access restrictions leave the site open to any address.

    App Service evaluates rules by priority, then the default action. Before
    ``ipSecurityRestrictionsDefaultAction`` existed, ARM showed the default as a synthetic last rule
    ("Allow all" when no rule is set, "Deny all" once one Allow rule exists); both forms are read."""
    rules = sorted(rules or [], key=lambda r: r.get("priority") or 0)
    named = [_describe(r) for r in rules if not _literal_any(r)]
    for rule in rules:  # the first "any address" rule in priority order decides for unmatched callers
        if _is_any(rule):
            return Reach((rule.get("action") or "Allow").lower() == "allow", named)
    if default_action:
        return Reach(default_action.lower() == "allow", named)
    has_allow = any((r.get("action") or "Allow").lower() == "allow" for r in rules)
    return Reach(not has_allow, named)


def public_access(site: dict[str, Any], config: dict[str, Any] | None, private_endpoints: int) -> str:
    """publicNetworkAccess as it takes effect: unset means Disabled once a private endpoint exists."""
    value = (config or {}).get("publicNetworkAccess") or site.get("publicNetworkAccess")
    if value:
        return value
    return "Disabled" if private_endpoints else "Enabled"


@dataclass(frozen=True)
class Trigger:
    name: str
    level: str  # authLevel: anonymous, function or admin
    path: str  # URL path of the route, e.g. /api/orders/{id}


def http_triggers(functions: list[dict[str, Any]]) -> list[Trigger]:
    """Every HTTP-triggered function; authLevel defaults to function, the route to the function name.

    The URL path comes from ARM's invoke_url_template, which applies the host's route prefix."""
    out = []
    for fn in functions:
        props = fn.get("properties") or {}
        bindings = ((props.get("config") or {}).get("bindings")) or []
        for binding in bindings:
            if str(binding.get("type", "")).lower() == "httptrigger":
                name = props.get("name") or str(fn.get("name", "")).split("/")[-1]
                template = props.get("invoke_url_template") or props.get("invokeUrlTemplate")
                path = urlsplit(str(template)).path if template else f"/api/{binding.get('route') or name}"
                out.append(Trigger(name, str(binding.get("authLevel") or "function").lower(), path))
    return out


def invocation_paths(
    gate: Gate, triggers: list[Trigger], public: bool, restrictions: list[str], access: str
) -> list[InvocationPath]:
    """One path per way in over HTTP.

    Rule: App Service Authentication that is enforced gates every request before the code, except
    on excluded paths; the caller is an Entra ID account of the allowed tenants ("organization") or
    anyone with an account at the identity provider ("any_authenticated"); auth "platform".
    Elsewhere each HTTP trigger decides: authLevel anonymous is an anonymous caller (auth "none");
    function/admin need a key, so the caller is whoever holds that shared secret: principal_kind
    "identity" with auth "key" (not anonymous, but not an authenticated principal either). A path
    is ``narrowed`` when the network already limits callers: public access disabled (private
    endpoints only) or access restrictions that deny unlisted addresses."""
    narrowed = not public
    conditions = [f"publicNetworkAccess={access}"] if access.lower() == "disabled" else list(restrictions)
    paths = []
    if gate.enforced:
        paths.append(
            InvocationPath(
                via="http_trigger",
                principal=gate.principal,
                principal_kind=gate.principal_kind,
                narrowed=narrowed,
                conditions=conditions,
                auth="platform",
                evidence=gate.evidence,
            )
        )
    for trigger in triggers:
        excluded = gate.excludes(trigger.path) if gate.enforced else None
        if gate.enforced and excluded is None:
            continue
        anonymous = trigger.level == "anonymous"
        why = f" (route {trigger.path} is in excludedPaths {excluded})" if excluded else ""
        paths.append(
            InvocationPath(
                via="http_trigger",
                principal="anonymous" if anonymous else f"holders of a {trigger.level} key",
                principal_kind="anonymous" if anonymous else "identity",
                narrowed=narrowed,
                conditions=conditions,
                auth="none" if anonymous else "key",
                evidence=f"function {trigger.name}: httpTrigger authLevel {trigger.level}{why}",
                route=trigger.path,
            )
        )
    return paths


def cors(config: dict[str, Any]) -> Cors:
    value = config.get("cors") or {}
    return Cors(
        allowed_origins=list(value.get("allowedOrigins") or []),
        allow_credentials=bool(value.get("supportCredentials")),
    )


def private_network(site: dict[str, Any], config: dict[str, Any] | None) -> PrivateNetwork:
    subnet = site.get("virtualNetworkSubnetId")
    if not subnet:
        return PrivateNetwork(attached=False, network_id=None, subnets=[], security_groups=[],
                              availability_zones=None, egress_via_private=False)
    route_all = bool(
        site.get("vnetRouteAllEnabled")
        or (config or {}).get("vnetRouteAllEnabled")
        or ((site.get("outboundVnetRouting") or {}).get("allTraffic"))
    )
    # NSGs sit on the integrated subnet, not on the app; zones are not exposed per app.
    return PrivateNetwork(attached=True, network_id=subnet, subnets=[subnet], security_groups=[],
                          availability_zones=None, egress_via_private=route_all)


def management(
    config: dict[str, Any], scm_allowed: bool | None, ftp_allowed: bool | None, access: str, main_public: bool
) -> list[ManagementExposure]:
    out: list[ManagementExposure] = []
    if scm_allowed:
        out.append(ManagementExposure(kind="scm_basic_auth", detail="basic auth publishing credentials allowed on SCM"))
    if ftp_allowed:
        out.append(ManagementExposure(kind="ftp_basic_auth", detail="basic auth publishing credentials allowed on FTP"))
    if (config.get("ftpsState") or "").lower() == "allallowed":
        out.append(ManagementExposure(kind="ftp_enabled", detail="ftpsState AllAllowed: plain FTP accepted"))
    if config.get("remoteDebuggingEnabled"):
        out.append(
            ManagementExposure(
                kind="remote_debugging",
                detail=f"remote debugging on ({config.get('remoteDebuggingVersion') or 'version unset'})",
            )
        )
    if access.lower() != "disabled":
        if config.get("scmIpSecurityRestrictionsUseMain"):
            scm_public, how = main_public, "SCM uses the main site's rules"
        else:
            scm_public = reach(
                config.get("scmIpSecurityRestrictions"), config.get("scmIpSecurityRestrictionsDefaultAction")
            ).public
            how = "SCM site has no access restriction of its own"
        if scm_public:
            out.append(ManagementExposure(kind="scm_unrestricted", detail=f"{how}: Kudu reachable from any address"))
    return out
