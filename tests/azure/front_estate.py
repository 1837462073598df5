"""An estate of function apps behind API Management and Front Door: one app per case, open and closed,
and a subscription whose Front Door cannot be read."""

from __future__ import annotations

from typing import Any

from scanner.demo.azure.auth import easy_auth
from scanner.demo.azure.builders import function_app
from scanner.demo.azure.fixtures import http_function
from scanner.demo.azure.front_builders import (
    AD_TOKEN_POLICY,
    JWT_POLICY,
    NO_BASE_POLICY,
    afd_profile,
    apim_api,
    apim_backend,
    apim_product,
    apim_service,
    backend_policy,
    classic_front_door,
    waf_policy,
)

SUB_F = "f0f0f0f0-1111-4111-8111-f0f0f0f0f0f0"
SUB_U = "e0e0e0e0-2222-4222-8222-e0e0e0e0e0e0"
OUR_FDID = "a0b1c2d3-0000-4000-8000-0000000000fd"
CLASSIC_FDID = "c1a551c0-0000-4000-8000-0000000000fd"
OTHER_FDID = "99999999-0000-4000-8000-0000000000fd"
APIM_IP = "20.50.1.10"
# Token validation only for requests that carry a header: the others pass unchecked.
_WHEN = '<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;x-partner&quot;))">'
CONDITIONAL_JWT = JWT_POLICY.replace("<validate-jwt", _WHEN + "<validate-jwt").replace(
    "</validate-jwt>", "</validate-jwt></when></choose>"
)
# The function key as a named value, sent by the API's own policy.
HEADER_KEY = NO_BASE_POLICY.replace("x-api", "x-functions-key").replace(
    "<value>orders</value>", "<value>{{fn-key}}</value>"
)
BASE = {"FUNCTIONS_WORKER_RUNTIME": "python", "FUNCTIONS_EXTENSION_VERSION": "~4"}


def _restricted(*allow: dict[str, Any]) -> dict[str, Any]:
    office = {"ipAddress": "203.0.113.0/24", "action": "Allow", "priority": 100, "name": "office"}
    return {
        "linuxFxVersion": "PYTHON|3.12",
        "ipSecurityRestrictions": [office, *allow],
        "ipSecurityRestrictionsDefaultAction": "Deny",
    }


def _fdid_rule(fdid: str) -> dict[str, Any]:
    return {
        "ipAddress": "AzureFrontDoor.Backend",
        "tag": "ServiceTag",
        "action": "Allow",
        "priority": 200,
        "name": "front-door",
        "headers": {"x-azure-fdid": [fdid]},
    }


def _app(sub: str, name: str, level: str = "anonymous", **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("config", {"linuxFxVersion": "PYTHON|3.12"})
    kwargs.setdefault("app_settings", BASE)
    return function_app(sub, "rg-f", name, functions=[http_function("Api", level)], **kwargs)


def _host(name: str) -> str:
    return f"{name}.azurewebsites.net"


def front_estate() -> dict[str, Any]:
    f, u = SUB_F, SUB_U
    apps = {
        name: _app(f, name, level, **kwargs)
        for name, level, kwargs in [
            ("f-apim-open", "anonymous", {}),
            ("f-apim-key", "anonymous", {}),
            ("f-apim-jwt", "anonymous", {}),
            ("f-apim-adtoken", "anonymous", {}),
            ("f-apim-open-product", "anonymous", {}),
            ("f-apim-sends-key", "function", {}),
            ("f-apim-needs-key", "function", {}),
            ("f-apim-internal", "anonymous", {}),
            ("f-apim-blocked", "anonymous", {"config": _restricted()}),
            (
                "f-apim-tagged",
                "anonymous",
                {"config": _restricted({"ipAddress": "ApiManagement", "tag": "ServiceTag", "action": "Allow",
                                        "priority": 300, "name": "apim"})},
            ),
            ("f-apim-product-jwt", "anonymous", {}),
            ("f-apim-global", "anonymous", {}),
            ("f-apim-conditional-jwt", "anonymous", {}),
            ("f-apim-header-key", "function", {}),
            ("f-apim-nobase", "anonymous", {}),
            ("f-afd-open", "anonymous", {}),
            ("f-afd-locked", "anonymous", {"config": _restricted(_fdid_rule(OUR_FDID))}),
            ("f-afd-other", "anonymous", {"config": _restricted(_fdid_rule(OTHER_FDID))}),
            ("f-afd-easyauth", "anonymous", {"auth": easy_auth()}),
            ("f-classic-locked", "anonymous", {"config": _restricted(_fdid_rule(CLASSIC_FDID))}),
        ]
    }

    def api(name: str, **kwargs: Any) -> dict[str, Any]:
        return apim_api(name, name, f"https://{_host('f-' + name)}/api", **kwargs)

    sends_key = apim_backend("f-apim-sends-key", apps["f-apim-sends-key"]["id"], _host("f-apim-sends-key"),
                             sends_function_key=True)
    main = apim_service(
        f,
        "rg-f",
        "apim-main",
        public_ips=[APIM_IP],
        apis=[
            api("apim-open", subscription_required=False),
            api("apim-key"),
            api("apim-jwt", policy=JWT_POLICY),
            api("apim-adtoken", policy=AD_TOKEN_POLICY),
            api("apim-open-product"),
            # The backend entity, not serviceUrl, decides where this API goes.
            apim_api("orders", "orders", "https://legacy.contoso.example/api", subscription_required=False,
                     policy=backend_policy("f-apim-sends-key")),
            api("apim-needs-key", subscription_required=False),
            api("apim-blocked", subscription_required=False),
            api("apim-tagged", subscription_required=False),
            api("apim-product-jwt"),
            api("apim-conditional-jwt", subscription_required=False, policy=CONDITIONAL_JWT),
            api("apim-header-key", subscription_required=False, policy=HEADER_KEY),
        ],
        backends=[sends_key],
        products=[apim_product("starter", ["apim-open-product"], subscription_required=False),
                  apim_product("unlimited", ["apim-key"]),
                  apim_product("partners", ["apim-product-jwt"], policy=JWT_POLICY)],
    )
    internal = apim_service(
        f, "rg-f", "apim-internal", vnet="Internal",
        subnet=f"/subscriptions/{f}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v/subnets/apim",
        apis=[api("apim-internal", subscription_required=False)],
    )
    # Token validation for every API, unless an API's policy leaves out <base />.
    gated = apim_service(
        f, "rg-f", "apim-gated", policy=AD_TOKEN_POLICY.replace("<base />", "", 1),
        apis=[api("apim-global", subscription_required=False),
              api("apim-nobase", subscription_required=False, policy=NO_BASE_POLICY)],
    )
    waf = waf_policy(f, "rg-f", "wafprevent")
    fd = afd_profile(
        f, "rg-f", "fd-main", OUR_FDID,
        [_host(n) for n in ("f-afd-open", "f-afd-locked", "f-afd-other", "f-afd-easyauth")], waf=waf,
    )
    # The backend is computed per request: which app it reaches cannot be read from the configuration.
    expression = apim_service(
        u, "rg-u", "apim-expr",
        apis=[apim_api("route", "route", None, policy=backend_policy("@(context.Api.Name)"))],
    )
    classic = classic_front_door(f, "rg-f", "fd-classic", CLASSIC_FDID, [_host("f-classic-locked")], waf=waf)
    locked_fd = afd_profile(u, "rg-u", "fd-locked", OTHER_FDID, [_host("u-behind-locked")])
    return {
        "tenantId": "7c1f2e4a-3b5d-4c6e-8f90-a1b2c3d4e5f6",
        "pageSize": 3,
        "subscriptions": [
            {
                "subscriptionId": f,
                "displayName": "Fronted",
                "sites": list(apps.values()),
                "roleAssignments": [],
                "apiManagement": [main, internal, gated],
                "frontDoors": [fd],
                "classicFrontDoors": [classic],
                "wafPolicies": [waf],
            },
            {
                "subscriptionId": u,
                "displayName": "Unreadable front door",
                "sites": [
                    _app(u, "u-behind-locked"),
                    # Public network access off and no private endpoint: no front door can reach it.
                    _app(u, "u-private", public_network_access="Disabled"),
                ],
                "roleAssignments": [],
                "frontDoors": [locked_fd],
                "apiManagement": [expression],
            },
        ],
        "faults": {"forbidden": ["/profiles/fd-locked/afdEndpoints"]},
    }
