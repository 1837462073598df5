"""A local Azure Resource Manager emulator for tests, the demo and the benchmark.

It answers the ARM REST calls the Azure SDKs make for a function-app posture scan, from an
in-memory "estate" of ARM-shaped JSON, over HTTPS (azure-core refuses bearer tokens over plain
http) with a throwaway trustme CA. Beside it runs the App Service managed-identity token endpoint
(IDENTITY_ENDPOINT + IDENTITY_HEADER, plain http on 127.0.0.1 as on a real App Service), so the
real azure-identity credential chain obtains the token: nothing in the scanner is patched.

Estate layout (everything under a leading underscore is emulator-only and never served)::

    {"tenantId": str, "pageSize": int,
     "subscriptions": [{"subscriptionId", "displayName", "state",
                        "sites": [function_app(...)], "roleAssignments": [...],
                        "roleDefinitions": [custom role definitions]}],
     "faults": {"forbidden": [path substring, ...],      # 403 AuthorizationFailed
                "throttleOnce": [path substring, ...]}}  # first match: 429 + Retry-After
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import secrets
import ssl
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import trustme

# Built-in role definitions as ARM publishes them (ids are the real, global GUIDs).
BUILTIN_ROLES: dict[str, dict[str, Any]] = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": {"roleName": "Owner", "actions": ["*"], "notActions": []},
    "b24988ac-6180-42a0-ab88-20f7382dd24c": {
        "roleName": "Contributor",
        "actions": ["*"],
        "notActions": [
            "Microsoft.Authorization/*/Delete",
            "Microsoft.Authorization/*/Write",
            "Microsoft.Authorization/elevateAccess/Action",
            "Microsoft.Blueprint/blueprintAssignments/write",
            "Microsoft.Blueprint/blueprintAssignments/delete",
            "Microsoft.Compute/galleries/share/action",
        ],
    },
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": {"roleName": "Reader", "actions": ["*/read"], "notActions": []},
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": {
        "roleName": "User Access Administrator",
        "actions": ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"],
        "notActions": [],
    },
    "de139f84-1756-47ae-9be6-808fbbe84772": {
        "roleName": "Website Contributor",
        "actions": [
            "Microsoft.Authorization/*/read",
            "Microsoft.Insights/alertRules/*",
            "Microsoft.Insights/components/*",
            "Microsoft.ResourceHealth/availabilityStatuses/read",
            "Microsoft.Resources/deployments/*",
            "Microsoft.Resources/subscriptions/resourceGroups/read",
            "Microsoft.Support/*",
            "Microsoft.Web/certificates/*",
            "Microsoft.Web/listSitesAssignedToHostName/read",
            "Microsoft.Web/serverFarms/join/action",
            "Microsoft.Web/serverFarms/read",
            "Microsoft.Web/sites/*",
        ],
        "notActions": [],
    },
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe": {
        "roleName": "Storage Blob Data Contributor",
        "actions": [
            "Microsoft.Storage/storageAccounts/blobServices/containers/delete",
            "Microsoft.Storage/storageAccounts/blobServices/containers/read",
            "Microsoft.Storage/storageAccounts/blobServices/containers/write",
            "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
        ],
        "notActions": [],
    },
    "4633458b-17de-408a-b874-0445c86b69e6": {
        "roleName": "Key Vault Secrets User",
        "actions": [],
        "notActions": [],
        "dataActions": [
            "Microsoft.KeyVault/vaults/secrets/getSecret/action",
            "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
        ],
    },
}
ROLE_IDS = {spec["roleName"]: guid for guid, spec in BUILTIN_ROLES.items()}


def role_definition_json(scope: str, guid: str, spec: dict[str, Any], role_type: str = "BuiltInRole") -> dict:
    return {
        "id": f"{scope}/providers/Microsoft.Authorization/roleDefinitions/{guid}",
        "name": guid,
        "type": "Microsoft.Authorization/roleDefinitions",
        "properties": {
            "roleName": spec["roleName"],
            "type": role_type,
            "description": spec.get("description", ""),
            "assignableScopes": spec.get("assignableScopes", ["/"]),
            "permissions": [
                {
                    "actions": spec.get("actions", []),
                    "notActions": spec.get("notActions", []),
                    "dataActions": spec.get("dataActions", []),
                    "notDataActions": spec.get("notDataActions", []),
                }
            ],
        },
    }


def custom_role(subscription_id: str, name: str, actions: list[str], not_actions: list[str] | None = None) -> dict:
    guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{subscription_id}/{name}"))
    spec = {
        "roleName": name,
        "actions": actions,
        "notActions": not_actions or [],
        "assignableScopes": [f"/subscriptions/{subscription_id}"],
    }
    return role_definition_json(f"/subscriptions/{subscription_id}", guid, spec, "CustomRole")


def role_assignment(subscription_id: str, principal_id: str, role: str | dict, scope: str | None = None) -> dict:
    """A role assignment; ``role`` is a built-in role name or a custom role definition JSON."""
    scope = scope or f"/subscriptions/{subscription_id}"
    if isinstance(role, dict):
        definition_id = role["id"]
    else:
        definition_id = (
            f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{ROLE_IDS[role]}"
        )
    guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{scope}/{principal_id}/{definition_id}"))
    return {
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{guid}",
        "name": guid,
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "roleDefinitionId": definition_id,
            "principalId": principal_id,
            "principalType": "ServicePrincipal",
            "scope": scope,
            "createdOn": "2025-01-10T10:00:00Z",
        },
    }


def http_function(name: str, auth_level: str = "function") -> dict[str, Any]:
    return {
        "name": name,
        "bindings": [
            {
                "authLevel": auth_level,
                "type": "httpTrigger",
                "direction": "in",
                "name": "req",
                "methods": ["get", "post"],
            },
            {"type": "http", "direction": "out", "name": "$return"},
        ],
    }


def queue_function(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "bindings": [
            {
                "type": "queueTrigger",
                "direction": "in",
                "name": "msg",
                "queueName": "jobs",
                "connection": "AzureWebJobsStorage",
            },
        ],
    }


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
        "authsettingsV2": auth
        or {
            "platform": {"enabled": False, "runtimeVersion": "~1"},
            "globalValidation": {"requireAuthentication": False},
            "identityProviders": {},
            "login": {},
            "httpSettings": {"requireHttps": True},
        },
        "scm": scm_allowed,
        "ftp": ftp_allowed,
        "privateEndpointConnections": private_endpoint_connections,
        "functions": functions if functions is not None else [http_function("HttpTrigger")],
        "slots": slots or [],
        "host": host,
    }
    return site


def system_identity(principal_id: str, tenant_id: str = "72f988bf-86f1-41af-91ab-2d7cd011db47") -> dict:
    return {"type": "SystemAssigned", "principalId": principal_id, "tenantId": tenant_id}


def user_identity(subscription_id: str, resource_group: str, name: str, principal_id: str) -> dict:
    uid = (
        f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}/providers/"
        f"Microsoft.ManagedIdentity/userAssignedIdentities/{name}"
    )
    client_id = str(uuid.uuid5(uuid.NAMESPACE_URL, uid))
    return {
        "type": "UserAssigned",
        "userAssignedIdentities": {uid: {"principalId": principal_id, "clientId": client_id}},
    }


def easy_auth(require: bool = True, action: str = "Return401", providers: tuple[str, ...] = ("azureActiveDirectory",)):
    return {
        "platform": {"enabled": True, "runtimeVersion": "~1"},
        "globalValidation": {
            "requireAuthentication": require,
            "unauthenticatedClientAction": action if require else "AllowAnonymous",
        },
        "identityProviders": {p: {"enabled": True} for p in providers},
        "login": {"tokenStore": {"enabled": False}},
        "httpSettings": {"requireHttps": True},
    }


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


# --------------------------------------------------------------------------------------------
# Server


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def _arm_error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


_SITE = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)/providers/Microsoft\.Web/sites/(?P<name>[^/]+)"
    r"(?:/slots/(?P<slot>[^/]+))?(?P<rest>/.*)?$",
    re.I,
)


@dataclass
class Emulator:
    base_url: str
    ca_file: str
    token_url: str
    identity_header: str
    estate: dict[str, Any]
    log: list[tuple[str, str, int]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _throttled: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)

    @property
    def requests(self) -> int:
        """ARM requests served (the token endpoint is not counted)."""
        return len(self.log)

    @property
    def env(self) -> dict[str, str]:
        """Environment a subprocess needs to reach the emulator through the real credential chain."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AZURE_", "MSI_", "IDENTITY_", "IMDS_")) and k not in ("REQUESTS_CA_BUNDLE",)
        }
        env.update(
            {
                "IDENTITY_ENDPOINT": self.token_url,
                "IDENTITY_HEADER": self.identity_header,
                "REQUESTS_CA_BUNDLE": self.ca_file,
                "SSL_CERT_FILE": self.ca_file,
            }
        )
        return env

    def requests_matching(self, fragment: str) -> int:
        return len(self.statuses(fragment))

    def statuses(self, fragment: str) -> list[int]:
        """HTTP statuses served, in order, for requests whose path and query contain ``fragment``."""
        with self._lock:
            return [status for _, path, status in self.log if fragment.lower() in path.lower()]


class _Handler(BaseHTTPRequestHandler):
    server_version = "ztscan-arm-emulator"
    # Keep-alive as ARM does: HTTP/1.0 would cost a TLS handshake per request.
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stalls
    emulator: Emulator

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read stdout/stderr
        return

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-ms-request-id", str(uuid.uuid4()))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._handle("POST")

    def _handle(self, method: str) -> None:
        emu = self.emulator
        parts = urlsplit(self.path)
        path, query = unquote(parts.path).rstrip("/"), parse_qs(parts.query)
        status, body, headers = self._route(method, path, query)
        with emu._lock:  # the log keeps the query so tests can see nextLink pages being followed
            emu.log.append((method, unquote(self.path), status))
        self._send(status, body, headers)

    def _route(self, method: str, path: str, query: dict[str, list[str]]) -> tuple[int, dict, dict | None]:
        emu = self.emulator
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in emu.tokens:
            return 401, _arm_error("InvalidAuthenticationToken", "The access token is invalid."), None
        if "api-version" not in query:
            return (
                400,
                _arm_error("MissingApiVersionParameter", "The api-version query parameter is required."),
                None,
            )
        faults = emu.estate.get("faults", {})
        for fragment in faults.get("throttleOnce", []):
            if fragment.lower() in path.lower():
                with emu._lock:
                    first = fragment not in emu._throttled
                    emu._throttled.add(fragment)
                if first:
                    return (
                        429,
                        _arm_error("TooManyRequests", "Rate limit exceeded, retry later."),
                        {"Retry-After": "1"},
                    )
        for fragment in faults.get("forbidden", []):
            if fragment.lower() in path.lower():
                return (
                    403,
                    _arm_error(
                        "AuthorizationFailed",
                        "The client does not have authorization to perform action "
                        "'Microsoft.Web/sites/config/list/action' over scope or the scope is invalid.",
                    ),
                    None,
                )
        return self._dispatch(method, path, query)

    def _page(self, items: list[dict], path: str, query: dict[str, list[str]]) -> dict[str, Any]:
        size = int(self.emulator.estate.get("pageSize", 100))
        start = int(query.get("$skiptoken", ["0"])[0])
        page = {"value": [_public(i) for i in items[start : start + size]]}
        if start + size < len(items):
            params = {k: v[0] for k, v in query.items() if k != "$skiptoken"}
            params["$skiptoken"] = str(start + size)
            page["nextLink"] = f"{self.emulator.base_url}{path}?{urlencode(params)}"
        return page

    def _subscription(self, sub_id: str) -> dict[str, Any] | None:
        for sub in self.emulator.estate.get("subscriptions", []):
            if sub["subscriptionId"].lower() == sub_id.lower():
                return sub
        return None

    def _dispatch(self, method: str, path: str, query: dict[str, list[str]]) -> tuple[int, dict, dict | None]:
        estate = self.emulator.estate
        low = path.lower()
        not_found = (404, _arm_error("ResourceNotFound", f"The resource '{path}' was not found."), None)
        if low == "/providers/microsoft.web/functionappstacks":
            stacks = estate.get("functionAppStacks")
            return 200, self._page(function_app_stacks() if stacks is None else stacks, path, query), None
        if low == "/subscriptions":
            subs = [self._subscription_json(s) for s in estate.get("subscriptions", [])]
            return 200, self._page(subs, path, query), None
        m = re.match(r"^/(?:subscriptions/([^/]+)/)?providers/microsoft\.authorization/roledefinitions/([^/]+)$", low)
        if m and method == "GET":
            return self._role_definition(m.group(1), m.group(2))
        m = re.match(r"^/subscriptions/([^/]+)(/.*)?$", path)
        if not m:
            return not_found
        sub = self._subscription(m.group(1))
        if sub is None:
            return (
                404,
                _arm_error("SubscriptionNotFound", f"The subscription '{m.group(1)}' could not be found."),
                None,
            )
        rest = (m.group(2) or "").lower()
        if rest == "":
            return 200, self._subscription_json(sub), None
        if rest == "/providers/microsoft.web/sites":
            return 200, self._page(sub.get("sites", []), path, query), None
        if rest == "/resources":
            wanted = query.get("$filter", [""])[0]
            items = []
            if "microsoft.web/sites/slots" in wanted.lower():
                for site in sub.get("sites", []):
                    for slot in site["_x"]["slots"]:
                        items.append(
                            {
                                "id": slot["id"],
                                "name": slot["name"],
                                "type": slot["type"],
                                "kind": slot["kind"],
                                "location": slot["location"],
                                "tags": slot["tags"],
                            }
                        )
            return 200, self._page(items, path, query), None
        if rest == "/providers/microsoft.authorization/roleassignments":
            flt = query.get("$filter", [""])[0]
            fm = re.search(r"assignedTo\('([^']+)'\)", flt, re.I)
            items = [
                ra
                for ra in sub.get("roleAssignments", [])
                if not fm or ra["properties"]["principalId"].lower() == fm.group(1).lower()
            ]
            return 200, self._page(items, path, query), None
        sm = _SITE.match(path)
        if not sm:
            return not_found
        site = next(
            (
                s
                for s in sub.get("sites", [])
                if s["name"].lower() == sm.group("name").lower()
                and s["_x"]["resourceGroup"].lower() == sm.group("rg").lower()
            ),
            None,
        )
        if site is None:
            return (
                404,
                _arm_error(
                    "ResourceNotFound",
                    f"The Resource 'Microsoft.Web/sites/{sm.group('name')}' was not found.",
                ),
                None,
            )
        target = site
        rest = (sm.group("rest") or "").lower()
        if sm.group("slot"):
            slot_name = sm.group("slot").lower()
            target = next((s for s in site["_x"]["slots"] if s["name"].split("/")[-1].lower() == slot_name), None)
            if target is None:
                return not_found
        elif rest == "/slots" and method == "GET":
            return 200, self._page(site["_x"]["slots"], path, query), None
        return self._site_resource(method, target, rest)

    def _subscription_json(self, sub: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"/subscriptions/{sub['subscriptionId']}",
            "subscriptionId": sub["subscriptionId"],
            "tenantId": self.emulator.estate.get("tenantId", "72f988bf-86f1-41af-91ab-2d7cd011db47"),
            "displayName": sub.get("displayName", sub["subscriptionId"]),
            "state": sub.get("state", "Enabled"),
            "subscriptionPolicies": {
                "locationPlacementId": "Public_2014-09-01",
                "quotaId": "PayAsYouGo_2014-09-01",
                "spendingLimit": "Off",
            },
            "authorizationSource": "RoleBased",
        }

    def _role_definition(self, sub_id: str | None, guid: str) -> tuple[int, dict, dict | None]:
        scope = f"/subscriptions/{sub_id}" if sub_id else ""
        for spec_guid, spec in BUILTIN_ROLES.items():
            if spec_guid == guid:
                return 200, role_definition_json(scope, spec_guid, spec), None
        for sub in self.emulator.estate.get("subscriptions", []):
            for rd in sub.get("roleDefinitions", []):
                if rd["name"].lower() == guid:
                    return 200, rd, None
        return (
            404,
            _arm_error("RoleDefinitionDoesNotExist", "The specified role definition does not exist."),
            None,
        )

    def _site_resource(self, method: str, site: dict[str, Any], rest: str) -> tuple[int, dict, dict | None]:
        x = site["_x"]
        rid = site["id"]
        short = site["name"].split("/")[-1]

        def resource(suffix: str, name: str, rtype: str, props: dict[str, Any]) -> dict[str, Any]:
            return {
                "id": f"{rid}/{suffix}",
                "name": name,
                "type": f"{site['type']}/{rtype}",
                "location": site["location"],
                "properties": props,
            }

        if rest == "" and method == "GET":
            return 200, _public(site), None
        if rest == "/config/web" and method == "GET":
            return 200, resource("config/web", "web", "config", x["config"]), None
        if rest == "/config/appsettings/list" and method == "POST":
            return 200, resource("config/appsettings", "appsettings", "config", x["appsettings"]), None
        if rest == "/config/connectionstrings/list" and method == "POST":
            return (
                200,
                resource("config/connectionstrings", "connectionstrings", "config", x["connectionstrings"]),
                None,
            )
        if rest == "/config/authsettingsv2" and method == "GET":
            return (
                200,
                resource("config/authsettingsV2", "authsettingsV2", "config", x["authsettingsV2"]),
                None,
            )
        if rest in ("/basicpublishingcredentialspolicies/scm", "/basicpublishingcredentialspolicies/ftp"):
            kind = rest.rsplit("/", 1)[1]
            return (
                200,
                resource(
                    f"basicPublishingCredentialsPolicies/{kind}",
                    kind,
                    "basicPublishingCredentialsPolicies",
                    {"allow": x[kind]},
                ),
                None,
            )
        if rest == "/privateendpointconnections" and method == "GET":
            return 200, {"value": x["privateEndpointConnections"]}, None
        if rest == "/functions" and method == "GET":
            host = x["host"]
            value = [
                {
                    "id": f"{rid}/functions/{f['name']}",
                    "name": f"{site['name']}/{f['name']}",
                    "type": "Microsoft.Web/sites/functions",
                    "properties": {
                        "name": f["name"],
                        "function_app_id": rid,
                        "script_href": f"https://{host.replace('.azurewebsites', '.scm.azurewebsites')}"
                        f"/api/vfs/site/wwwroot/{f['name']}/__init__.py",
                        "config_href": None,
                        "href": f"https://{host}/admin/functions/{f['name']}",
                        "config": {"bindings": f["bindings"]},
                        "invoke_url_template": f"https://{host}/api/{f['name'].lower()}",
                        "language": "python",
                        "isDisabled": False,
                    },
                }
                for f in x["functions"]
            ]
            return 200, {"value": value}, None
        return 404, _arm_error("ResourceNotFound", f"No route for '{rest}' on {short}."), None


class _TokenHandler(BaseHTTPRequestHandler):
    """App Service managed identity endpoint, api-version 2019-08-01."""

    emulator: Emulator

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        emu = self.emulator
        query = parse_qs(urlsplit(self.path).query)
        if self.headers.get("X-IDENTITY-HEADER") != emu.identity_header:
            return self._send(401, {"statusCode": 401, "message": "Unauthorized: X-IDENTITY-HEADER mismatch"})
        if query.get("api-version", [""])[0] != "2019-08-01" or "resource" not in query:
            return self._send(400, {"statusCode": 400, "message": "api-version 2019-08-01 and resource required"})
        token = secrets.token_urlsafe(32)
        with emu._lock:
            emu.tokens.add(token)
        self._send(
            200,
            {
                "access_token": token,
                "expires_on": str(int(time.time()) + 3600),
                "resource": query["resource"][0],
                "token_type": "Bearer",
                "client_id": "0d0a6c1e-1f4f-4a3e-9d8c-6a2b3c4d5e6f",
            },
        )

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextlib.contextmanager
def serve(estate: dict[str, Any]) -> Iterator[Emulator]:
    """Run the ARM emulator (https) and its token endpoint (http, loopback) until the block exits."""
    estate = copy.deepcopy(estate)
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    with tempfile.TemporaryDirectory(prefix="ztscan-arm-") as tmp:
        ca_file = os.path.join(tmp, "ca.pem")
        ca.cert_pem.write_to_path(ca_file)
        ssl_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(ssl_ctx)

        arm = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        arm.daemon_threads = True
        arm.socket = ssl_ctx.wrap_socket(arm.socket, server_side=True)
        tok = ThreadingHTTPServer(("127.0.0.1", 0), _TokenHandler)
        tok.daemon_threads = True
        emu = Emulator(
            base_url=f"https://127.0.0.1:{arm.server_address[1]}",
            ca_file=ca_file,
            token_url=f"http://127.0.0.1:{tok.server_address[1]}/msi/token",
            identity_header=secrets.token_hex(16),
            estate=estate,
        )
        # Handlers are per-server subclasses so two emulators can run in one process.
        arm.RequestHandlerClass = type("ArmHandler", (_Handler,), {"emulator": emu})
        tok.RequestHandlerClass = type("TokenHandler", (_TokenHandler,), {"emulator": emu})
        threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (arm, tok)]
        for t in threads:
            t.start()
        try:
            yield emu
        finally:
            for s in (arm, tok):
                s.shutdown()
                s.server_close()


# --------------------------------------------------------------------------------------------
# Demo estate

DEMO_TENANT = "7c1f2e4a-3b5d-4c6e-8f90-a1b2c3d4e5f6"
DEMO_SUB_PROD = "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"
DEMO_SUB_DEV = "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b"


def demo_estate() -> dict[str, Any]:
    """Five function apps and a slot over two subscriptions, good and bad mixed."""
    prod, dev = DEMO_SUB_PROD, DEMO_SUB_DEV
    kv = "https://contoso-prod-kv.vault.azure.net/secrets"
    hardened_pid = "1a2b3c4d-0000-4000-8000-000000000001"
    legacy_pid = "1a2b3c4d-0000-4000-8000-000000000002"
    flex_pid = "1a2b3c4d-0000-4000-8000-000000000003"
    dotnet_pid = "1a2b3c4d-0000-4000-8000-000000000004"
    subnet = (
        f"/subscriptions/{prod}/resourceGroups/rg-network/providers/Microsoft.Network/"
        "virtualNetworks/vnet-prod/subnets/snet-functions"
    )
    ai = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/"

    legacy = function_app(
        prod,
        "rg-legacy",
        "func-legacy-orders",
        kind="functionapp,linux",
        identity=system_identity(legacy_pid),
        https_only=False,
        config={
            "linuxFxVersion": "PYTHON|3.9",
            "minTlsVersion": "1.0",
            "ftpsState": "AllAllowed",
            "remoteDebuggingEnabled": True,
            "remoteDebuggingVersion": "VS2022",
            "cors": {"allowedOrigins": ["*"], "supportCredentials": False},
        },
        app_settings={
            "FUNCTIONS_WORKER_RUNTIME": "python",
            "FUNCTIONS_EXTENSION_VERSION": "~3",
            "AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=legacyorders;"
            "AccountKey=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYg==;"
            "EndpointSuffix=core.windows.net",
            "STRIPE_API_KEY": "sk_live_51HcXtT2eZvKYlo2C8x7QmPq9R4s6Tu1V",
            "ORDERS_DB_PASSWORD": "Winter2024!orders",
        },
        connection_strings={
            "OrdersDb": (
                "Server=tcp:orders.database.windows.net;Database=orders;User ID=app;Password=Pa55w0rd-orders-2024;",
                "SQLAzure",
            )
        },
        functions=[http_function("CreateOrder", "anonymous"), queue_function("ShipOrder")],
        tags={"env": "prod", "owner": "orders-team"},
    )
    hardened = function_app(
        prod,
        "rg-payments",
        "func-payments-api",
        kind="functionapp,linux",
        identity=system_identity(hardened_pid),
        public_network_access="Disabled",
        vnet_subnet=subnet,
        vnet_route_all=True,
        client_cert_enabled=True,
        client_cert_mode="Required",
        config={
            "linuxFxVersion": "PYTHON|3.12",
            "ftpsState": "Disabled",
            "scmIpSecurityRestrictionsUseMain": True,
            "ipSecurityRestrictions": [
                {
                    "ipAddress": "AzureFrontDoor.Backend",
                    "tag": "ServiceTag",
                    "action": "Allow",
                    "priority": 100,
                    "name": "front-door-only",
                }
            ],
            "ipSecurityRestrictionsDefaultAction": "Deny",
        },
        app_settings={
            "FUNCTIONS_WORKER_RUNTIME": "python",
            "FUNCTIONS_EXTENSION_VERSION": "~4",
            "AzureWebJobsStorage__accountName": "paymentsfuncstore",
            "AzureWebJobsStorage__credential": "managedidentity",
            "APPLICATIONINSIGHTS_CONNECTION_STRING": ai,
            "PAYMENT_GATEWAY_KEY": f"@Microsoft.KeyVault(SecretUri={kv}/gateway-key/)",
        },
        auth=easy_auth(),
        scm_allowed=False,
        ftp_allowed=False,
        private_endpoints=1,
        functions=[http_function("Charge", "function")],
        tags={"env": "prod", "data": "pci"},
    )
    hardened["_x"]["slots"].append(
        function_app(
            prod,
            "rg-payments",
            "staging",
            slot_of="func-payments-api",
            kind="functionapp,linux",
            identity=system_identity("1a2b3c4d-0000-4000-8000-000000000005"),
            config={"linuxFxVersion": "PYTHON|3.12"},
            app_settings={
                "FUNCTIONS_WORKER_RUNTIME": "python",
                "FUNCTIONS_EXTENSION_VERSION": "~4",
                "AzureWebJobsStorage__accountName": "paymentsfuncstore",
                "PAYMENT_GATEWAY_KEY": "gw_test_8fK2pQ9xLm4Rt7Vz1Yb3Nc6H",
            },
            functions=[http_function("Charge", "anonymous")],
            tags={"env": "staging"},
        )
    )
    dotnet = function_app(
        prod,
        "rg-reports",
        "func-reports-win",
        kind="functionapp",
        location="northeurope",
        identity=system_identity(dotnet_pid),
        config={
            "netFrameworkVersion": "v8.0",
            "ftpsState": "FtpsOnly",
            "minTlsVersion": "1.2",
            "ipSecurityRestrictions": [
                {"ipAddress": "203.0.113.0/24", "action": "Allow", "priority": 100, "name": "office"}
            ],
            "ipSecurityRestrictionsDefaultAction": "Deny",
        },
        app_settings={
            "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated",
            "FUNCTIONS_EXTENSION_VERSION": "~4",
            "AzureWebJobsStorage": f"@Microsoft.KeyVault(SecretUri={kv}/reports-storage/)",
            "APPINSIGHTS_INSTRUMENTATIONKEY": "00000000-0000-0000-0000-000000000000",
        },
        functions=[http_function("DailyReport", "function")],
        tags={"env": "prod"},
    )
    flex = function_app(
        dev,
        "rg-ingest",
        "func-ingest-flex",
        kind="functionapp,linux",
        location="eastus",
        identity=user_identity(dev, "rg-ingest", "id-ingest", flex_pid),
        function_app_config={
            "deployment": {
                "storage": {
                    "type": "blobContainer",
                    "value": "https://ingeststore.blob.core.windows.net/deploy",
                    "authentication": {"type": "UserAssignedIdentity"},
                }
            },
            "runtime": {"name": "node", "version": "20"},
            "scaleAndConcurrency": {"maximumInstanceCount": 100, "instanceMemoryMB": 2048},
        },
        config={"linuxFxVersion": ""},
        app_settings={
            "AzureWebJobsStorage__blobServiceUri": "https://ingeststore.blob.core.windows.net",
            "AzureWebJobsStorage__clientId": "5b0e0f3a-1111-4222-8333-944455556666",
            "APPLICATIONINSIGHTS_CONNECTION_STRING": ai,
        },
        functions=[http_function("Ingest", "function")],
        tags={"env": "dev"},
    )
    container = function_app(
        dev,
        "rg-ml",
        "func-ml-scoring",
        kind="functionapp,linux,container",
        location="eastus",
        config={"linuxFxVersion": "DOCKER|mlregistry.azurecr.io/scoring:1.4.2"},
        app_settings={
            "FUNCTIONS_WORKER_RUNTIME": "python",
            "FUNCTIONS_EXTENSION_VERSION": "~4",
            "DOCKER_REGISTRY_SERVER_URL": "https://mlregistry.azurecr.io",
            "DOCKER_REGISTRY_SERVER_PASSWORD": "q7Xv9LmP2rT5wZ8bN4cF6hJ1kD3sG0aE",
            "AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=mlscoring;"
            "AccountKey=YmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYg==;",
        },
        functions=[http_function("Score", "function")],
    )
    # Shares the Flex app's user-assigned identity, which can also grant roles: shared identity and
    # privilege escalation; social sign-in, VNet without route-all, CORS * with credentials.
    portal = function_app(
        dev,
        "rg-ingest",
        "func-partner-portal",
        kind="functionapp,linux",
        location="eastus",
        identity=user_identity(dev, "rg-ingest", "id-ingest", flex_pid),
        vnet_subnet=f"/subscriptions/{dev}/resourceGroups/rg-network/providers/Microsoft.Network/"
        "virtualNetworks/vnet-dev/subnets/snet-portal",
        vnet_route_all=False,
        config={
            "linuxFxVersion": "NODE|22",
            "minTlsVersion": "1.2",
            "ftpsState": "Disabled",
            "cors": {"allowedOrigins": ["*"], "supportCredentials": True},
        },
        app_settings={
            "FUNCTIONS_WORKER_RUNTIME": "node",
            "FUNCTIONS_EXTENSION_VERSION": "~4",
            "AzureWebJobsStorage__accountName": "portalstore",
            "APPLICATIONINSIGHTS_CONNECTION_STRING": ai,
            "ADMIN_PASSWORD": "admin",
        },
        auth=easy_auth(providers=("google",)),
        scm_allowed=False,
        ftp_allowed=False,
        functions=[http_function("Partners", "function")],
        tags={"env": "dev"},
    )
    return {
        "tenantId": DEMO_TENANT,
        "pageSize": 50,
        "subscriptions": [
            {
                "subscriptionId": prod,
                "displayName": "Contoso Production",
                "state": "Enabled",
                "sites": [legacy, hardened, dotnet],
                "roleAssignments": [
                    role_assignment(prod, legacy_pid, "Contributor"),
                    role_assignment(
                        prod,
                        hardened_pid,
                        "Key Vault Secrets User",
                        f"/subscriptions/{prod}/resourceGroups/rg-payments/providers/"
                        "Microsoft.KeyVault/vaults/contoso-prod-kv",
                    ),
                    role_assignment(
                        prod,
                        dotnet_pid,
                        "Website Contributor",
                        f"/subscriptions/{prod}/resourceGroups/rg-reports",
                    ),
                ],
            },
            {
                "subscriptionId": dev,
                "displayName": "Contoso Dev/Test",
                "state": "Enabled",
                "sites": [flex, container, portal],
                "roleAssignments": [
                    role_assignment(
                        dev,
                        flex_pid,
                        "Storage Blob Data Contributor",
                        f"/subscriptions/{dev}/resourceGroups/rg-ingest",
                    ),
                    role_assignment(
                        dev, flex_pid, "User Access Administrator", f"/subscriptions/{dev}/resourceGroups/rg-ingest"
                    ),
                ],
            },
        ],
        "faults": {},
    }
