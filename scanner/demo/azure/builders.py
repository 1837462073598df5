"""ARM resources the emulator serves: a function app (or slot) with its sub-resources, and the
function app stacks list."""

from __future__ import annotations

import copy
import time
from typing import Any

from scanner.demo.azure.auth import NO_AUTH
from scanner.demo.azure.fixtures import http_function


def function_app(
    subscription_id: str,
    resource_group: str,
    name: str,
    *,
    kind: str = "functionapp,linux",
    location: str = "westeurope",
    identity: dict[str, Any] | None = None,
    https_only: bool = True,
    public_network_access: str | None = "Enabled",
    vnet_subnet: str | None = None,
    vnet_route_all: bool = False,
    client_cert_enabled: bool = False,
    client_cert_mode: str = "Required",
    config: dict[str, Any] | None = None,
    app_settings: dict[str, str] | None = None,
    connection_strings: dict[str, tuple[str, str]] | None = None,
    auth: dict[str, Any] | None = None,
    scm_allowed: bool = True,
    ftp_allowed: bool = True,
    private_endpoints: int = 0,
    functions: list[dict[str, Any]] | None = None,
    tags: dict[str, str] | None = None,
    function_app_config: dict[str, Any] | None = None,
    slots: list[dict[str, Any]] | None = None,
    slot_of: str | None = None,
) -> dict[str, Any]:
    """One Microsoft.Web/sites (or sites/slots) resource shaped like ARM's GET response, with the
    sub-resources (config/web, appsettings, ...) the emulator serves for it."""
    site_name = f"{slot_of}/{name}" if slot_of else name
    base = f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}/providers/Microsoft.Web/sites"
    rid = f"{base}/{slot_of}/slots/{name}" if slot_of else f"{base}/{name}"
    host = f"{slot_of}-{name}.azurewebsites.net" if slot_of else f"{name}.azurewebsites.net"
    site_config: dict[str, Any] = {
        "numberOfWorkers": 1,
        "netFrameworkVersion": "v4.0",
        "linuxFxVersion": "",
        "powerShellVersion": "",
        "javaVersion": None,
        "nodeVersion": "",
        "http20Enabled": True,
        "minTlsVersion": "1.2",
        "scmMinTlsVersion": "1.2",
        "ftpsState": "FtpsOnly",
        "remoteDebuggingEnabled": False,
        "remoteDebuggingVersion": None,
        "vnetRouteAllEnabled": vnet_route_all,
        "ipSecurityRestrictions": [
            {
                "ipAddress": "Any",
                "action": "Allow",
                "priority": 2147483647,
                "name": "Allow all",
                "description": "Allow all access",
            }
        ],
        "ipSecurityRestrictionsDefaultAction": "Allow",
        "scmIpSecurityRestrictions": [
            {
                "ipAddress": "Any",
                "action": "Allow",
                "priority": 2147483647,
                "name": "Allow all",
                "description": "Allow all access",
            }
        ],
        "scmIpSecurityRestrictionsDefaultAction": "Allow",
        "scmIpSecurityRestrictionsUseMain": False,
        "cors": None,
        "publicNetworkAccess": public_network_access,
        "functionsRuntimeScaleMonitoringEnabled": False,
    }
    site_config.update(config or {})
    site_type = "Microsoft.Web/sites/slots" if slot_of else "Microsoft.Web/sites"
    properties: dict[str, Any] = {
        "name": site_name,
        "state": "Running",
        "hostNames": [host],
        "enabledHostNames": [host, host.replace(".azurewebsites.net", ".scm.azurewebsites.net")],
        "defaultHostName": host,
        "resourceGroup": resource_group,
        "kind": kind,
        "reserved": "linux" in kind,
        "serverFarmId": f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}"
        f"/providers/Microsoft.Web/serverfarms/{resource_group}-plan",
        # ARM's list/get siteConfig is partial: the real settings come from config/web.
        "siteConfig": {
            "numberOfWorkers": 1,
            "linuxFxVersion": site_config.get("linuxFxVersion", ""),
            "acrUseManagedIdentityCreds": False,
            "alwaysOn": False,
            "http20Enabled": False,
            "functionAppScaleLimit": 200,
            "minimumElasticInstanceCount": 0,
        },
        "httpsOnly": https_only,
        "clientCertEnabled": client_cert_enabled,
        "clientCertMode": client_cert_mode,
        "publicNetworkAccess": public_network_access,
        "virtualNetworkSubnetId": vnet_subnet,
        "vnetRouteAllEnabled": vnet_route_all,
        "keyVaultReferenceIdentity": "SystemAssigned",
        "storageAccountRequired": False,
    }
    if function_app_config is not None:
        properties["functionAppConfig"] = function_app_config
    site: dict[str, Any] = {
        "id": rid,
        "name": site_name,
        "type": site_type,
        "kind": kind,
        "location": location,
        "tags": tags or {},
        "properties": properties,
    }
    if identity is not None:
        site["identity"] = identity
    private_endpoint_connections = [
        {
            "id": f"{rid}/privateEndpointConnections/{name}-pe{i}",
            "name": f"{name}-pe{i}",
            "type": "Microsoft.Web/sites/privateEndpointConnections",
            "properties": {
                "provisioningState": "Succeeded",
                "privateEndpoint": {
                    "id": f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}"
                    f"/providers/Microsoft.Network/privateEndpoints/{name}-pe{i}"
                },
                "privateLinkServiceConnectionState": {
                    "status": "Approved",
                    "description": "",
                    "actionsRequired": "",
                },
                "ipAddresses": [f"10.0.1.{4 + i}"],
            },
        }
        for i in range(private_endpoints)
    ]
    site["_x"] = {
        "resourceGroup": resource_group,
        "config": site_config,
        "appsettings": dict(app_settings or {}),
        "connectionstrings": {k: {"value": v, "type": t} for k, (v, t) in (connection_strings or {}).items()},
        "authsettingsV2": auth if auth is not None else copy.deepcopy(NO_AUTH),
        "scm": scm_allowed,
        "ftp": ftp_allowed,
        "privateEndpointConnections": private_endpoint_connections,
        "functions": functions if functions is not None else [http_function("HttpTrigger")],
        "slots": slots or [],
        "host": host,
    }
    return site


# Function app stacks as /providers/Microsoft.Web/functionAppStacks lists them:
# (stack, worker runtime, display, linux runtimeVersion, windows runtimeVersion, end of life).
STACK_TABLE: list[tuple[str, str, str, str | None, str | None, str]] = [
    ("python", "python", "Python 3.9", "Python|3.9", None, "2025-10-31"),
    ("python", "python", "Python 3.10", "Python|3.10", None, "2026-10-31"),
    ("python", "python", "Python 3.11", "Python|3.11", None, "2027-10-31"),
    ("python", "python", "Python 3.12", "Python|3.12", None, "2028-10-31"),
    ("node", "node", "Node.js 18 LTS", "Node|18", "~18", "2025-04-30"),
    ("node", "node", "Node.js 20 LTS", "Node|20", "~20", "2026-04-30"),
    ("node", "node", "Node.js 22 LTS", "Node|22", "~22", "2027-04-30"),
    ("dotnet", "dotnet", ".NET 6 (in-process)", "DOTNET|6.0", "v6.0", "2024-11-12"),
    ("dotnet", "dotnet", ".NET 8 (in-process)", "DOTNET|8.0", "v8.0", "2026-11-10"),
    ("dotnet", "dotnet-isolated", ".NET 8 Isolated", "DOTNET-ISOLATED|8.0", "v8.0", "2026-11-10"),
    ("dotnet", "dotnet-isolated", ".NET 10 Isolated", "DOTNET-ISOLATED|10.0", "v10.0", "2028-11-14"),
    ("java", "java", "Java 17", "Java|17", "17", "2029-09-30"),
    ("powershell", "powershell", "PowerShell 7.2", "PowerShell|7.2", "7.2", "2024-11-08"),
    ("powershell", "powershell", "PowerShell 7.4", "PowerShell|7.4", "7.4", "2026-11-10"),
]


def function_app_stacks(overrides: dict[str, str] | None = None, today: str | None = None) -> list[dict]:
    """ARM-shaped functionAppStacks; ``overrides`` maps a display name to another end-of-life date."""
    today = today or time.strftime("%Y-%m-%d")
    stacks: dict[str, dict[str, Any]] = {}
    for stack, worker, display, linux, windows, eol in STACK_TABLE:
        eol = (overrides or {}).get(display, eol)
        entry = stacks.setdefault(
            stack,
            {
                "id": f"/providers/Microsoft.Web/functionAppStacks/{stack}",
                "name": stack,
                "type": "Microsoft.Web/functionAppStacks",
                "properties": {"displayText": stack, "value": stack, "preferredOs": "Windows", "majorVersions": []},
            },
        )
        version = (linux or windows or "").split("|")[-1].lstrip("~v")

        def settings(runtime_version: str, worker: str = worker, eol: str = eol, version: str = version) -> dict:
            return {
                "runtimeVersion": runtime_version,
                "remoteDebuggingSupported": False,
                "appInsightsSettings": {"isSupported": True},
                "gitHubActionSettings": {"isSupported": True, "supportedVersion": version},
                "appSettingsDictionary": {"FUNCTIONS_WORKER_RUNTIME": worker},
                "siteConfigPropertiesDictionary": {"use32BitWorkerProcess": False},
                "supportedFunctionsExtensionVersions": ["~4"],
                "isDeprecated": eol < today,
                "isHidden": False,
                "endOfLifeDate": f"{eol}T00:00:00Z",
            }

        stack_settings = {}
        if linux:
            stack_settings["linuxRuntimeSettings"] = settings(linux)
        if windows:
            stack_settings["windowsRuntimeSettings"] = settings(windows)
        entry["properties"]["majorVersions"].append(
            {
                "displayText": display,
                "value": version.split(".")[0],
                "minorVersions": [{"displayText": display, "value": version, "stackSettings": stack_settings}],
            }
        )
    return list(stacks.values())
