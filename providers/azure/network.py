"""Who can reach a function app, and how: ingress, HTTP-trigger auth, management plane."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scanner.inventory import (
    Cors,
    InvocationPath,
    ManagementExposure,
    PlatformAuth,
    PrivateNetwork,
)

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


def platform_auth(auth: dict[str, Any]) -> PlatformAuth:
    glob = auth.get("globalValidation") or {}
    enabled = bool((auth.get("platform") or {}).get("enabled"))
    action = glob.get("unauthenticatedClientAction")
    require = enabled and (
        bool(glob.get("requireAuthentication"))
        or (action or "").lower() in {"redirecttologinpage", "return401", "return403"}
    )
    return PlatformAuth(enabled=enabled, require_authentication=require, unauthenticated_action=action)


def auth_providers(auth: dict[str, Any]) -> list[str]:
    providers = auth.get("identityProviders") or {}
    return sorted(name for name, cfg in providers.items() if isinstance(cfg, dict) and cfg.get("enabled", True))


def http_triggers(functions: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(function name, authLevel) of every HTTP-triggered function; authLevel defaults to function."""
    out = []
    for fn in functions:
        props = fn.get("properties") or {}
        bindings = ((props.get("config") or {}).get("bindings")) or []
        for binding in bindings:
            if str(binding.get("type", "")).lower() == "httptrigger":
                name = props.get("name") or str(fn.get("name", "")).split("/")[-1]
                out.append((name, str(binding.get("authLevel") or "function").lower()))
    return out


def invocation_paths(
    auth: PlatformAuth,
    providers: list[str],
    triggers: list[tuple[str, str]],
    public: bool,
    restrictions: list[str],
    access: str,
) -> list[InvocationPath]:
    """One path per way in over HTTP.

    Rule: App Service Authentication that requires sign-in gates every request before the code,
    so the caller is an Entra ID account of the tenant ("organization") or, with social providers,
    anyone with such an account ("any_authenticated"); auth "platform". Otherwise each HTTP trigger
    decides: authLevel anonymous is an anonymous caller (auth "none"); function/admin need a key,
    so the caller is whoever holds that shared secret: principal_kind "identity" with auth "key"
    (not anonymous, but not an authenticated principal either: checks that want real identities
    flag auth "key"). A path is ``narrowed`` when the network already limits callers: public
    access disabled (private endpoints only) or access restrictions that deny unlisted addresses."""
    narrowed = not public
    conditions = [f"publicNetworkAccess={access}"] if access.lower() == "disabled" else list(restrictions)
    if auth.require_authentication:
        social = [p for p in providers if p != "azureActiveDirectory"]
        return [
            InvocationPath(
                via="http_trigger",
                principal=f"App Service Authentication ({', '.join(providers) or 'no provider'})",
                principal_kind="any_authenticated" if social else "organization",
                narrowed=narrowed,
                conditions=conditions,
                auth="platform",
                evidence="authsettingsV2 requires authentication "
                f"({auth.unauthenticated_action or 'requireAuthentication'})",
            )
        ]
    paths = []
    for name, level in triggers:
        anonymous = level == "anonymous"
        paths.append(
            InvocationPath(
                via="http_trigger",
                principal="anonymous" if anonymous else f"holders of a {level} key",
                principal_kind="anonymous" if anonymous else "identity",
                narrowed=narrowed,
                conditions=conditions,
                auth="none" if anonymous else "key",
                evidence=f"function {name}: httpTrigger authLevel {level}",
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
