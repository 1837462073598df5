"""App Service Authentication (``config/authsettingsV2``) as ARM returns it.

Shapes follow Microsoft's published example response GetAuthSettingsV2WithoutSecrets.json in
azure-rest-api-specs (specification/web/resource-manager/Microsoft.Web/AppService/stable/2025-03-01/
examples), which carries ``platform.configFilePath`` and ``globalValidation.excludedPaths``, and the
Entra ID provider's documented ``registration.openIdIssuer`` and ``validation.defaultAuthorizationPolicy``."""

from __future__ import annotations

import copy
from typing import Any

DEFAULT_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"

# Microsoft's example response, properties only (the SDK's without-secrets variant).
PUBLISHED_V2: dict[str, Any] = {
    "platform": {"enabled": True, "runtimeVersion": "~1", "configFilePath": "/auth/config.json"},
    "globalValidation": {
        "requireAuthentication": True,
        "unauthenticatedClientAction": "Return403",
        "excludedPaths": ["/nosecrets/Path"],
    },
    "identityProviders": {
        "google": {
            "enabled": True,
            "registration": {
                "clientId": "42d795a9-8abb-4d06-8534-39528af40f8e.apps.googleusercontent.com",
                "clientSecretSettingName": "ClientSecret",
            },
            "login": {"scopes": ["admin"]},
            "validation": {"allowedAudiences": ["https://example.com"]},
        }
    },
    "login": {
        "routes": {"logoutEndpoint": "https://app.com/logout"},
        "tokenStore": {
            "enabled": True,
            "tokenRefreshExtensionHours": 96,
            "fileSystem": {"directory": "/wwwroot/sites/example"},
        },
        "preserveUrlFragmentsForLogins": True,
        "allowedExternalRedirectUrls": ["https://someurl.com"],
        "cookieExpiration": {"convention": "IdentityProviderDerived", "timeToExpiration": "2022:09-01T00:00Z"},
        "nonce": {"validateNonce": True},
    },
    "httpSettings": {
        "requireHttps": True,
        "routes": {"apiPrefix": "/authv2/"},
        "forwardProxy": {
            "convention": "Standard",
            "customHostHeaderName": "authHeader",
            "customProtoHeaderName": "customProtoHeader",
        },
    },
}

NO_AUTH: dict[str, Any] = {
    "platform": {"enabled": False, "runtimeVersion": "~1"},
    "globalValidation": {"requireAuthentication": False},
    "identityProviders": {},
    "login": {},
    "httpSettings": {"requireHttps": True},
}


def published_example(**global_validation: Any) -> dict[str, Any]:
    """Microsoft's example; ``config_file=False`` drops configFilePath, other keys override globalValidation."""
    doc = copy.deepcopy(PUBLISHED_V2)
    if global_validation.pop("config_file", True) is False:
        del doc["platform"]["configFilePath"]
    doc["globalValidation"].update(global_validation)
    return doc


def entra(
    issuer_tenant: str | None = DEFAULT_TENANT,
    *,
    allowed_applications: list[str] | None = None,
    allowed_identities: list[str] | None = None,
) -> dict[str, Any]:
    """The azureActiveDirectory provider; ``issuer_tenant`` a tenant id, "common" or "organizations"."""
    registration: dict[str, Any] = {"clientId": "6f2d4e1a-0b3c-4d5e-8f90-a1b2c3d4e5f6"}
    if issuer_tenant:
        registration["openIdIssuer"] = f"https://login.microsoftonline.com/{issuer_tenant}/v2.0"
    policy: dict[str, Any] = {}
    if allowed_applications:
        policy["allowedApplications"] = allowed_applications
    if allowed_identities:
        policy["allowedPrincipals"] = {"identities": allowed_identities}
    return {
        "enabled": True,
        "registration": registration,
        "login": {"disableWWWAuthenticate": False},
        "validation": {"allowedAudiences": ["api://6f2d4e1a-0b3c-4d5e-8f90-a1b2c3d4e5f6"],
                       "defaultAuthorizationPolicy": policy},
    }


def easy_auth(
    require: bool | None = True,
    action: str | None = "Return401",
    providers: dict[str, Any] | None = None,
    excluded_paths: list[str] | None = None,
) -> dict[str, Any]:
    """authsettingsV2 properties; ``require=None`` leaves requireAuthentication out (the v1 form)."""
    glob: dict[str, Any] = {}
    if require is not None:
        glob["requireAuthentication"] = require
    if action is not None:
        glob["unauthenticatedClientAction"] = action
    if excluded_paths is not None:
        glob["excludedPaths"] = excluded_paths
    return {
        "platform": {"enabled": True, "runtimeVersion": "~1"},
        "globalValidation": glob,
        "identityProviders": providers if providers is not None else {"azureActiveDirectory": entra()},
        "login": {"tokenStore": {"enabled": False}},
        "httpSettings": {"requireHttps": True},
    }


def social(name: str = "google") -> dict[str, Any]:
    return {name: copy.deepcopy(PUBLISHED_V2["identityProviders"]["google"])}
