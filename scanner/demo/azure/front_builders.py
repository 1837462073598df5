"""ARM resources in front of function apps: API Management services and Azure Front Door profiles.

Shapes follow Microsoft's REST reference and the azure-rest-api-specs examples:
APIM service/apis/backends/products/policies 2022-08-01
(https://learn.microsoft.com/rest/api/apimanagement/apis/get, .../backend/get, .../product/get,
.../api-policy/list-by-api), Front Door Standard/Premium 2024-02-01 (examples AFDOrigins_Get,
Routes_Get, SecurityPolicies_Get), classic Front Door 2021-06-01
(https://learn.microsoft.com/rest/api/frontdoorservice/frontdoor/front-doors/get) and the Front Door WAF policy
(https://learn.microsoft.com/rest/api/frontdoorservice/web-application-firewall-policies/get).
Children live under "_x" and are served by scanner/demo/azure/front_routes.py."""

from __future__ import annotations

from typing import Any

NO_POLICY = None

# Inbound policies as the portal writes them.
JWT_POLICY = (
    "<policies>\r\n  <inbound>\r\n    <base />\r\n    <validate-jwt header-name=\"Authorization\" "
    "failed-validation-httpcode=\"401\">\r\n      <openid-config url=\"https://login.microsoftonline.com/"
    "7c1f2e4a-3b5d-4c6e-8f90-a1b2c3d4e5f6/v2.0/.well-known/openid-configuration\" />\r\n      <audiences>\r\n"
    "        <audience>api://orders</audience>\r\n      </audiences>\r\n    </validate-jwt>\r\n  </inbound>\r\n"
    "  <backend>\r\n    <base />\r\n  </backend>\r\n  <outbound>\r\n    <base />\r\n  </outbound>\r\n</policies>"
)
AD_TOKEN_POLICY = (
    "<policies>\r\n  <inbound>\r\n    <base />\r\n    <validate-azure-ad-token tenant-id=\""
    "7c1f2e4a-3b5d-4c6e-8f90-a1b2c3d4e5f6\">\r\n      <client-application-ids>\r\n        <application-id>"
    "0d0a6c1e-1f4f-4a3e-9d8c-6a2b3c4d5e6f</application-id>\r\n      </client-application-ids>\r\n"
    "    </validate-azure-ad-token>\r\n  </inbound>\r\n  <backend>\r\n    <base />\r\n  </backend>\r\n"
    "  <outbound>\r\n    <base />\r\n  </outbound>\r\n</policies>"
)

# An API policy that does not inherit: without <base /> the product and global policies do not run.
NO_BASE_POLICY = (
    "<policies>\r\n  <inbound>\r\n    <set-header name=\"x-api\" exists-action=\"override\">\r\n"
    "      <value>orders</value>\r\n    </set-header>\r\n  </inbound>\r\n  <backend>\r\n    <base />\r\n"
    "  </backend>\r\n  <outbound>\r\n    <base />\r\n  </outbound>\r\n</policies>"
)


def backend_policy(backend_id: str) -> str:
    """An API policy that routes to a backend entity (set-backend-service backend-id)."""
    return (
        "<policies>\r\n  <inbound>\r\n    <base />\r\n    <set-backend-service id=\"apim-generated-policy\" "
        f"backend-id=\"{backend_id}\" />\r\n  </inbound>\r\n  <backend>\r\n    <base />\r\n  </backend>\r\n"
        "  <outbound>\r\n    <base />\r\n  </outbound>\r\n</policies>"
    )


def apim_api(name: str, path: str, service_url: str | None, *, subscription_required: bool = True,
             policy: str | None = NO_POLICY) -> dict[str, Any]:
    return {
        "name": name,
        "type": "Microsoft.ApiManagement/service/apis",
        "properties": {
            "displayName": name,
            "apiRevision": "1",
            "description": "",
            "subscriptionRequired": subscription_required,
            "serviceUrl": service_url,
            "path": path,
            "protocols": ["https"],
            "subscriptionKeyParameterNames": {"header": "Ocp-Apim-Subscription-Key", "query": "subscription-key"},
            "isCurrent": True,
        },
        "_policy": policy,
    }


def apim_backend(name: str, site_id: str | None, host: str, *, sends_function_key: bool = False) -> dict[str, Any]:
    """A backend as "Import an Azure Function App" creates it: the app's URL and its ARM resourceId."""
    props: dict[str, Any] = {
        "description": name,
        "url": f"https://{host}/api",
        "protocol": "http",
        "resourceId": f"https://management.azure.com{site_id}" if site_id else None,
    }
    if sends_function_key:
        props["credentials"] = {"header": {"x-functions-key": [f"{{{{{name}-key}}}}"]}}
    return {"name": name, "type": "Microsoft.ApiManagement/service/backends", "properties": props}


def apim_product(name: str, apis: list[str], *, subscription_required: bool = True,
                 policy: str | None = NO_POLICY) -> dict[str, Any]:
    return {
        "name": name,
        "type": "Microsoft.ApiManagement/service/products",
        "properties": {
            "displayName": name,
            "description": "",
            "subscriptionRequired": subscription_required,
            "approvalRequired": subscription_required,
            "state": "published",
        },
        "_apis": apis,
        "_policy": policy,
    }


def apim_service(sub: str, rg: str, name: str, *, apis: list[dict[str, Any]],
                 backends: list[dict[str, Any]] | None = None, products: list[dict[str, Any]] | None = None,
                 policy: str | None = NO_POLICY, vnet: str = "None", public_ips: list[str] | None = None,
                 subnet: str | None = None) -> dict[str, Any]:
    rid = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ApiManagement/service/{name}"
    for child in [*apis, *(backends or []), *(products or [])]:
        kind = child["type"].rsplit("/", 1)[-1]
        child["id"] = f"{rid}/{kind}/{child['name']}"
    return {
        "id": rid,
        "name": name,
        "type": "Microsoft.ApiManagement/service",
        "location": "West Europe",
        "etag": "AAAAAAAWN/4=",
        "sku": {"name": "Developer", "capacity": 1},
        "properties": {
            "publisherEmail": "apim@contoso.example",
            "publisherName": "Contoso",
            "provisioningState": "Succeeded",
            "gatewayUrl": f"https://{name}.azure-api.net",
            "publicIPAddresses": public_ips or [],
            "privateIPAddresses": ["10.0.1.4"] if vnet != "None" else None,
            "virtualNetworkType": vnet,
            "virtualNetworkConfiguration": {"subnetResourceId": subnet} if subnet else None,
            "publicNetworkAccess": "Enabled",
        },
        "_x": {"apis": apis, "backends": backends or [], "products": products or [], "policy": policy},
    }


def waf_policy(sub: str, rg: str, name: str, mode: str = "Prevention") -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.Network/"
        f"frontdoorwebapplicationfirewallpolicies/{name}",
        "name": name,
        "type": "Microsoft.Network/frontdoorwebapplicationfirewallpolicies",
        "location": "Global",
        "sku": {"name": "Premium_AzureFrontDoor"},
        "properties": {
            "policySettings": {"enabledState": "Enabled", "mode": mode, "requestBodyCheck": "Enabled"},
            "customRules": {"rules": []},
            "managedRules": {"managedRuleSets": []},
            "provisioningState": "Succeeded",
            "resourceState": "Enabled",
        },
    }


def afd_profile(sub: str, rg: str, name: str, frontdoor_id: str, origin_hosts: list[str], *,
                patterns: list[str] | None = None, waf: dict[str, Any] | None = None,
                private_link_to: str | None = None) -> dict[str, Any]:
    """A Front Door Standard/Premium profile with one endpoint, one route and one origin group."""
    rid = f"/subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.Cdn/profiles/{name}"
    group_id = f"{rid}/origingroups/og-functions"
    endpoint_id = f"{rid}/afdendpoints/ep-{name}"
    origins = [
        {
            "id": f"{group_id}/origins/origin{i}",
            "type": "Microsoft.Cdn/profiles/origingroups/origins",
            "name": f"origin{i}",
            "properties": {
                "hostName": host,
                "httpPort": 80,
                "httpsPort": 443,
                "originHostHeader": host,
                "priority": 1,
                "weight": 1000,
                "enabledState": "Enabled",
                "provisioningState": "Succeeded",
                "deploymentStatus": "NotStarted",
                "originGroupName": "og-functions",
                "sharedPrivateLinkResource": {
                    "privateLink": {"id": private_link_to},
                    "groupId": "sites",
                    "privateLinkLocation": "westeurope",
                    "requestMessage": "front door",
                    "status": "Approved",
                }
                if private_link_to
                else None,
                "enforceCertificateNameCheck": True,
            },
        }
        for i, host in enumerate(origin_hosts, start=1)
    ]
    route = {
        "name": "route-api",
        "id": f"{endpoint_id}/routes/route-api",
        "type": "Microsoft.Cdn/profiles/afdendpoints/routes",
        "properties": {
            "customDomains": [],
            "originGroup": {"id": group_id},
            "originPath": None,
            "ruleSets": [],
            "supportedProtocols": ["Https", "Http"],
            "patternsToMatch": patterns or ["/*"],
            "forwardingProtocol": "HttpsOnly",
            "linkToDefaultDomain": "Enabled",
            "httpsRedirect": "Enabled",
            "enabledState": "Enabled",
            "provisioningState": "Succeeded",
            "deploymentStatus": "NotStarted",
        },
    }
    security = []
    if waf:
        security.append(
            {
                "name": "sp-waf",
                "id": f"{rid}/securitypolicies/sp-waf",
                "type": "Microsoft.Cdn/profiles/securitypolicies",
                "properties": {
                    "parameters": {
                        "type": "WebApplicationFirewall",
                        "wafPolicy": {"id": waf["id"]},
                        "associations": [{"domains": [{"id": endpoint_id}], "patternsToMatch": ["/*"]}],
                    },
                    "deploymentStatus": "NotStarted",
                    "provisioningState": "Succeeded",
                },
            }
        )
    return {
        "id": rid,
        "type": "Microsoft.Cdn/profiles",
        "name": name,
        "location": "Global",
        "kind": "frontdoor",
        "sku": {"name": "Premium_AzureFrontDoor" if private_link_to else "Standard_AzureFrontDoor"},
        "properties": {
            "originResponseTimeoutSeconds": 60,
            "frontDoorId": frontdoor_id,
            "provisioningState": "Succeeded",
            "resourceState": "Active",
        },
        "_x": {
            "endpoints": [
                {
                    "id": endpoint_id,
                    "type": "Microsoft.Cdn/profiles/afdendpoints",
                    "name": f"ep-{name}",
                    "location": "Global",
                    "properties": {
                        "hostName": f"ep-{name}-abcdefgh.z01.azurefd.net",
                        "enabledState": "Enabled",
                        "provisioningState": "Succeeded",
                        "deploymentStatus": "NotStarted",
                    },
                    "_routes": [route],
                }
            ],
            "originGroups": [
                {
                    "id": group_id,
                    "type": "Microsoft.Cdn/profiles/origingroups",
                    "name": "og-functions",
                    "properties": {
                        "loadBalancingSettings": {"sampleSize": 3, "successfulSamplesRequired": 3},
                        "sessionAffinityState": "Disabled",
                        "provisioningState": "Succeeded",
                    },
                    "_origins": origins,
                }
            ],
            "securityPolicies": security,
        },
    }


def classic_front_door(sub: str, rg: str, name: str, frontdoor_id: str, backend_hosts: list[str], *,
                       waf: dict[str, Any] | None = None) -> dict[str, Any]:
    """A classic Front Door (Microsoft.Network/frontDoors): one endpoint, one forwarding rule, one pool."""
    rid = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Network/frontDoors/{name}"
    endpoint = {
        "id": f"{rid}/frontendEndpoints/{name}-azurefd-net",
        "name": f"{name}-azurefd-net",
        "type": "Microsoft.Network/frontDoors/frontendEndpoints",
        "properties": {
            "hostName": f"{name}.azurefd.net",
            "sessionAffinityEnabledState": "Disabled",
            "sessionAffinityTtlSeconds": 0,
            "webApplicationFirewallPolicyLink": {"id": waf["id"]} if waf else None,
            "resourceState": "Enabled",
        },
    }
    pool = {
        "id": f"{rid}/backendPools/functions",
        "name": "functions",
        "type": "Microsoft.Network/frontDoors/backendPools",
        "properties": {
            "backends": [
                {"address": host, "backendHostHeader": host, "enabledState": "Enabled", "httpPort": 80,
                 "httpsPort": 443, "priority": 1, "weight": 50, "privateLinkResourceId": None}
                for host in backend_hosts
            ],
            "loadBalancingSettings": {"id": f"{rid}/loadBalancingSettings/lb"},
            "healthProbeSettings": {"id": f"{rid}/healthProbeSettings/probe"},
            "resourceState": "Enabled",
        },
    }
    rule = {
        "id": f"{rid}/routingRules/api",
        "name": "api",
        "type": "Microsoft.Network/frontDoors/routingRules",
        "properties": {
            "frontendEndpoints": [{"id": endpoint["id"]}],
            "acceptedProtocols": ["Https"],
            "patternsToMatch": ["/api/*"],
            "enabledState": "Enabled",
            "routeConfiguration": {
                "@odata.type": "#Microsoft.Azure.FrontDoor.Models.FrontdoorForwardingConfiguration",
                "forwardingProtocol": "HttpsOnly",
                "backendPool": {"id": pool["id"]},
            },
            "resourceState": "Enabled",
        },
    }
    return {
        "id": rid,
        "name": name,
        "type": "Microsoft.Network/frontDoors",
        "location": "global",
        "properties": {
            "friendlyName": name,
            "enabledState": "Enabled",
            "frontdoorId": frontdoor_id,
            "cname": f"{name}.azurefd.net",
            "provisioningState": "Succeeded",
            "resourceState": "Enabled",
            "routingRules": [rule],
            "backendPools": [pool],
            "frontendEndpoints": [endpoint],
            "backendPoolsSettings": {"enforceCertificateNameCheck": "Enabled", "sendRecvTimeoutSeconds": 30},
        },
    }
