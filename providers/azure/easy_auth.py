"""What App Service Authentication ("Easy Auth") really enforces, from ``config/authsettingsV2``.

Rules, each from Microsoft's documentation of the authsettingsV2 resource
(https://learn.microsoft.com/rest/api/appservice/web-apps/get-auth-settings-v2-without-secrets):
- it gates a request only when the platform is enabled, ``globalValidation.requireAuthentication``
  is true (or, in the v1 form that has no such field, absent) and ``unauthenticatedClientAction``
  rejects (Return401, Return403, RedirectToLoginPage; RedirectToLoginPage is the default).
  ``requireAuthentication: false`` lets unauthenticated requests through whatever the action says;
- ``globalValidation.excludedPaths`` are served without authentication;
- ``platform.configFilePath`` moves the whole configuration into a file inside the app's content,
  which ARM cannot show (https://learn.microsoft.com/azure/app-service/configure-authentication-file-based):
  the behaviour is unknown;
- who signs in: a Microsoft Entra issuer naming one tenant admits that tenant's accounts; ``/common/``
  admits every Entra tenant and personal Microsoft accounts, ``/organizations/`` every Entra tenant
  (https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri).
  App Service does not check the tenant of a multi-tenant issuer unless the built-in authorization
  policy names allowed applications or principals, or ``WEBSITE_AUTH_AAD_ALLOWED_TENANTS`` lists
  tenants (https://learn.microsoft.com/azure/app-service/configure-authentication-provider-aad#use-a-built-in-authorization-policy).
  Any other identity provider (Google, GitHub, Apple, X, Facebook, custom OpenID Connect) admits
  anyone with an account there."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from scanner.inventory import PlatformAuth, PrincipalKind

REJECTING = {"return401", "return403", "redirecttologinpage"}
_MULTI_TENANT = {"common", "organizations", "consumers"}
_CUSTOMER_DIRECTORIES = (".b2clogin.com", ".ciamlogin.com")
_ISSUER_TENANT = re.compile(r"^https://[^/]+/([^/]+)(?:/|$)", re.I)


@dataclass
class Gate:
    """Easy Auth as it takes effect for the app's HTTP routes."""

    platform: PlatformAuth
    unknown: str | None = None  # why the behaviour cannot be known from ARM
    excluded_paths: list[str] = field(default_factory=list)
    principal: str = ""
    principal_kind: PrincipalKind = "organization"
    evidence: str = ""

    @property
    def enforced(self) -> bool:
        return self.unknown is None and self.platform.require_authentication

    def excludes(self, route_path: str) -> str | None:
        """The excludedPaths entry that leaves ``route_path`` open, if any (case-insensitive, "*" globs)."""
        path = re.sub(r"\{[^}]*\}", "x", route_path).lower().rstrip("/") or "/"
        for pattern in self.excluded_paths:
            p = pattern.lower().rstrip("/") or "/"
            if path == p or fnmatch.fnmatchcase(path, p) or (p.endswith("/*") and path == p[:-2]):
                return pattern
        return None


def _enabled(cfg: Any) -> bool:
    return isinstance(cfg, dict) and cfg.get("enabled", True) is not False


def providers(auth: dict[str, Any]) -> list[str]:
    found = []
    for name, cfg in (auth.get("identityProviders") or {}).items():
        if name == "customOpenIdConnectProviders" and isinstance(cfg, dict):
            found.extend(f"openid:{n}" for n, c in cfg.items() if _enabled(c))
        elif _enabled(cfg):
            found.append(name)
    return sorted(found)


def _entra(aad: dict[str, Any], app_settings: dict[str, Any] | None) -> tuple[PrincipalKind, str] | str:
    """(principal kind, evidence) of the Entra provider, or the reason it cannot be told."""
    issuer = str((aad.get("registration") or {}).get("openIdIssuer") or "")
    policy = (aad.get("validation") or {}).get("defaultAuthorizationPolicy") or {}
    principals = policy.get("allowedPrincipals") or {}
    narrowing = [
        f"{what} {', '.join(values)}"
        for what, values in (
            ("allowedApplications", policy.get("allowedApplications") or []),
            ("allowedPrincipals.identities", principals.get("identities") or []),
            ("allowedPrincipals.groups", principals.get("groups") or []),
        )
        if values
    ]
    if not issuer:
        return "Entra ID sign-in without an openIdIssuer: the admitted tenants are not in ARM"
    match = _ISSUER_TENANT.match(issuer)
    tenant = match.group(1).lower() if match else ""
    host = (urlparse(issuer).hostname or "").lower()
    if host.endswith(_CUSTOMER_DIRECTORIES):
        # A customer directory (Azure AD B2C, External ID) exists so that the public can sign
        # itself up: one tenant, but not one organization's people.
        if narrowing:
            return "organization", f"customer directory issuer {issuer} limited by {'; '.join(narrowing)}"
        return "any_authenticated", f"customer directory issuer {issuer}: anyone who signs up can sign in"
    if tenant not in _MULTI_TENANT:
        return "organization", f"issuer {issuer} (one tenant)"
    tenants = str((app_settings or {}).get("WEBSITE_AUTH_AAD_ALLOWED_TENANTS") or "").strip()
    if tenants:
        narrowing.append(f"WEBSITE_AUTH_AAD_ALLOWED_TENANTS {tenants}")
    if not narrowing and app_settings is None:
        return "the tenants a multi-tenant issuer admits depend on WEBSITE_AUTH_AAD_ALLOWED_TENANTS, not readable"
    if narrowing:
        return "organization", f"multi-tenant issuer {issuer} limited by {'; '.join(narrowing)}"
    who = "any Entra ID tenant and personal Microsoft accounts" if tenant == "common" else f"any {tenant} account"
    return "any_authenticated", f"multi-tenant issuer {issuer}: {who} can sign in"


def gate(auth: dict[str, Any], app_settings: dict[str, Any] | None) -> Gate:
    """Easy Auth from the authsettingsV2 properties; ``app_settings`` None when they were not readable."""
    platform = auth.get("platform") or {}
    glob = auth.get("globalValidation") or {}
    enabled = bool(platform.get("enabled"))
    action = glob.get("unauthenticatedClientAction")
    require = glob.get("requireAuthentication")
    rejects = (action or "RedirectToLoginPage").lower() in REJECTING
    enforced = enabled and rejects and require is not False and (require is True or action is not None)
    facts = PlatformAuth(enabled=enabled, require_authentication=enforced, unauthenticated_action=action)
    out = Gate(platform=facts, excluded_paths=[str(p) for p in glob.get("excludedPaths") or []])
    if enabled and platform.get("configFilePath"):
        out.unknown = (
            f"App Service Authentication is configured by the file {platform['configFilePath']}, which ARM does "
            "not show"
        )
        return out
    if not enforced:
        return out
    names = providers(auth)
    kinds: list[PrincipalKind] = []
    evidence = []
    for name in names:
        if name == "azureActiveDirectory":
            entra = _entra((auth.get("identityProviders") or {})[name], app_settings)
            if isinstance(entra, str):
                out.unknown = entra
                return out
            kinds.append(entra[0])
            evidence.append(entra[1])
        else:
            kinds.append("any_authenticated")
            evidence.append(f"{name}: anyone with an account there")
    out.principal = f"App Service Authentication ({', '.join(names) or 'no provider'})"
    out.principal_kind = "any_authenticated" if "any_authenticated" in kinds else "organization"
    out.evidence = (
        f"authsettingsV2 requires authentication ({action or 'RedirectToLoginPage'}); " + "; ".join(evidence)
    ).rstrip("; ")
    return out
