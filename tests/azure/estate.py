"""The test estate: three enabled subscriptions (plus a disabled one), small pages so every list
follows nextLink, and one app per weakness with its hardened counterpart."""

from __future__ import annotations

from typing import Any

from scanner.demo.azure.auth import easy_auth, entra, published_example
from scanner.demo.azure.builders import function_app, function_app_stacks
from scanner.demo.azure.fixtures import (
    custom_role,
    http_function,
    queue_function,
    role_assignment,
    system_identity,
    user_identity,
)

SUB_A = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa"
SUB_B = "bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb"
SUB_C = "cccccccc-3333-4333-8333-cccccccccccc"
SUB_DISABLED = "dddddddd-4444-4444-8444-dddddddddddd"

XSS = "<script>alert(1)</script>"
HOSTILE_APP = "a-xss-<script>alert(1)"  # ARM names cannot hold "/"

# Every literal credential in the estate: none may appear in any output.
SECRETS = {
    "stripe": "sk_live_51HcXtT2eZvKYlo2C8x7QmPq9R4s6Tu1V",
    "db_password": "Winter2024!orders-db",
    "account_key": "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYg==",
    "sql_password": "Pa55w0rd-orders-2024x",
    "slot_token": "gw_test_8fK2pQ9xLm4Rt7Vz1Yb3Nc6H",
    "registry_password": "q7Xv9LmP2rT5wZ8bN4cF6hJ1kD3sG0aE",
    "hostile": "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
    "forbidden_app": "xoxb-1234567890-abcdefghijABCDEFGHIJ",
    "db_url": "postgres://app:Az7!kQ2%23xL9%40wRt@orders-db:5432/orders",
    "db_url_password": "Az7!kQ2#xL9@wRt",  # the password above, percent-decoded
}

PID = {
    name: f"00000000-0000-4000-8000-{i:012d}"
    for i, name in enumerate(
        ["anon", "hardened", "win", "flex", "slotparent", "slot", "node", "ps", "forbidden", "hostile", "storage"],
        start=1,
    )
}
OTHER_TENANT = "11111111-2222-4333-8444-555555555555"
KV = "https://kv-test.vault.azure.net/secrets"
SUBNET = f"/subscriptions/{SUB_A}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/fn"


def storage_key(account: str) -> str:
    return (
        f"DefaultEndpointsProtocol=https;AccountName={account};AccountKey={SECRETS['account_key']};"
        "EndpointSuffix=core.windows.net"
    )


def estate() -> dict[str, Any]:
    a, b, c = SUB_A, SUB_B, SUB_C
    escalate = custom_role(a, "Role Assigner", ["Microsoft.Authorization/roleAssignments/write", "*/read"])
    narrow = custom_role(a, "Queue Reader", ["Microsoft.Storage/storageAccounts/queueServices/queues/read"])
    sites_a = [
        function_app(
            a,
            "rg-a",
            "a-anon-py39",
            identity=system_identity(PID["anon"]),
            https_only=False,
            config={
                "linuxFxVersion": "PYTHON|3.9",
                "minTlsVersion": "1.0",
                "scmMinTlsVersion": "1.0",
                "ftpsState": "AllAllowed",
                "remoteDebuggingEnabled": True,
                "remoteDebuggingVersion": "VS2022",
                "cors": {"allowedOrigins": ["*", "https://evil.example"], "supportCredentials": True},
            },
            app_settings={
                "FUNCTIONS_WORKER_RUNTIME": "python",
                "FUNCTIONS_EXTENSION_VERSION": "~3",
                "AzureWebJobsStorage": storage_key("anonstore"),
                "STRIPE_API_KEY": SECRETS["stripe"],
                "DB_PASSWORD": SECRETS["db_password"],
                "ORDERS_DB_URL": SECRETS["db_url"],
                "LOG_LEVEL": "info",
            },
            connection_strings={
                "OrdersDb": (
                    f"Server=tcp:x.database.windows.net;User ID=app;Password={SECRETS['sql_password']};",
                    "SQLAzure",
                )
            },
            functions=[http_function("Open", "anonymous"), http_function("Keyed", "function"), queue_function("Q")],
            tags={"env": "prod", "owner": XSS},
        ),
        function_app(
            a,
            "rg-a",
            "a-hardened",
            identity=system_identity(PID["hardened"]),
            public_network_access="Disabled",
            vnet_subnet=SUBNET,
            vnet_route_all=True,
            client_cert_enabled=True,
            client_cert_mode="Required",
            config={
                "linuxFxVersion": "PYTHON|3.12",
                "ftpsState": "Disabled",
                "minTlsVersion": "1.3",
                "scmIpSecurityRestrictionsUseMain": True,
                "ipSecurityRestrictionsDefaultAction": "Deny",
                "ipSecurityRestrictions": [
                    {
                        "ipAddress": "AzureFrontDoor.Backend",
                        "tag": "ServiceTag",
                        "action": "Allow",
                        "priority": 100,
                        "name": "afd",
                    }
                ],
            },
            app_settings={
                "FUNCTIONS_WORKER_RUNTIME": "python",
                "FUNCTIONS_EXTENSION_VERSION": "~4",
                "AzureWebJobsStorage__accountName": "hardenedstore",
                "APPINSIGHTS_INSTRUMENTATIONKEY": "00000000-0000-0000-0000-000000000000",
                "API_TOKEN": f"@Microsoft.KeyVault(SecretUri={KV}/api-token/)",
            },
            auth=easy_auth(),
            scm_allowed=False,
            ftp_allowed=False,
            private_endpoints=2,
            functions=[http_function("Api", "anonymous")],
        ),
        function_app(
            a,
            "rg-win",
            "a-win-dotnet",
            kind="functionapp",
            identity=system_identity(PID["win"]),
            config={
                "netFrameworkVersion": "v8.0",
                "ipSecurityRestrictionsDefaultAction": "Deny",
                "ipSecurityRestrictions": [
                    {"ipAddress": "203.0.113.0/24", "action": "Allow", "priority": 100, "name": "office"}
                ],
                "scmIpSecurityRestrictionsUseMain": True,
            },
            app_settings={
                "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated",
                "FUNCTIONS_EXTENSION_VERSION": "~4",
                "AzureWebJobsStorage": f"@Microsoft.KeyVault(SecretUri={KV}/storage/)",
            },
            scm_allowed=False,
            ftp_allowed=False,
            functions=[http_function("Report", "admin")],
        ),
        function_app(
            a,
            "rg-a",
            "a-forbidden",
            identity=system_identity(PID["forbidden"]),
            config={"linuxFxVersion": "PYTHON|3.11"},
            app_settings={"FUNCTIONS_WORKER_RUNTIME": "python", "SLACK_TOKEN": SECRETS["forbidden_app"]},
        ),
        function_app(
            a,
            "rg-a",
            HOSTILE_APP,
            identity=system_identity(PID["hostile"]),
            config={"linuxFxVersion": "NODE|22"},
            app_settings={
                "FUNCTIONS_WORKER_RUNTIME": "node",
                "FUNCTIONS_EXTENSION_VERSION": "~4",
                XSS: SECRETS["hostile"],
                "GITHUB_TOKEN": SECRETS["hostile"],
            },
            functions=[http_function(XSS, "function")],
            tags={XSS: XSS},
        ),
        # Not function apps: a web app and a Logic App Standard site.
        function_app(a, "rg-a", "a-webapp", kind="app,linux"),
        function_app(a, "rg-a", "a-logicapp", kind="functionapp,workflowapp"),
    ]
    slotted = function_app(
        b,
        "rg-b",
        "b-slotted",
        identity=system_identity(PID["slotparent"]),
        config={
            "linuxFxVersion": "PYTHON|3.11",
            "scmIpSecurityRestrictionsDefaultAction": "Deny",
            "scmIpSecurityRestrictions": [
                {"ipAddress": "198.51.100.7/32", "action": "Allow", "priority": 100, "name": "ci"}
            ],
        },
        app_settings={
            "FUNCTIONS_WORKER_RUNTIME": "python",
            "FUNCTIONS_EXTENSION_VERSION": "~4",
            "AzureWebJobsStorage__blobServiceUri": "https://slotted.blob.core.windows.net",
        },
        scm_allowed=False,
        ftp_allowed=False,
    )
    slotted["_x"]["slots"].append(
        function_app(
            b,
            "rg-b",
            "staging",
            slot_of="b-slotted",
            identity=system_identity(PID["slot"]),
            config={"linuxFxVersion": "PYTHON|3.11"},
            app_settings={
                "FUNCTIONS_WORKER_RUNTIME": "python",
                "FUNCTIONS_EXTENSION_VERSION": "~4",
                "GATEWAY_KEY": SECRETS["slot_token"],
            },
            functions=[http_function("Charge", "anonymous")],
        )
    )
    sites_b = [
        function_app(
            b,
            "rg-b",
            "b-container",
            kind="functionapp,linux,container",
            config={"linuxFxVersion": "DOCKER|myacr.azurecr.io/scoring:1.2"},
            app_settings={
                "FUNCTIONS_WORKER_RUNTIME": "python",
                "FUNCTIONS_EXTENSION_VERSION": "~4",
                "DOCKER_REGISTRY_SERVER_PASSWORD": SECRETS["registry_password"],
            },
        ),
        function_app(
            b,
            "rg-b",
            "b-flex",
            location="eastus",
            identity=user_identity(b, "rg-b", "id-flex", PID["flex"]),
            function_app_config={
                "runtime": {"name": "python", "version": "3.11"},
                "deployment": {
                    "storage": {
                        "type": "blobContainer",
                        "value": "https://flex.blob.core.windows.net/d",
                        "authentication": {"type": "UserAssignedIdentity"},
                    }
                },
                "scaleAndConcurrency": {"maximumInstanceCount": 40, "instanceMemoryMB": 2048},
            },
            app_settings={
                "AzureWebJobsStorage__accountName": "flexstore",
                "APPLICATIONINSIGHTS_CONNECTION_STRING": "InstrumentationKey=00000000-0000-0000-0000-0",
            },
            functions=[queue_function("OnlyQueue")],
        ),
        slotted,
    ]
    sites_c = [
        function_app(
            c,
            "rg-c",
            "c-node-win",
            kind="functionapp",
            identity=system_identity(PID["node"]),
            config={"nodeVersion": ""},
            app_settings={
                "FUNCTIONS_WORKER_RUNTIME": "node",
                "FUNCTIONS_EXTENSION_VERSION": "~4",
                "WEBSITE_NODE_DEFAULT_VERSION": "~20",
            },
        ),
        function_app(
            c,
            "rg-c",
            "c-ps-win",
            kind="functionapp",
            config={"powerShellVersion": "7.4"},
            app_settings={"FUNCTIONS_WORKER_RUNTIME": "powershell", "FUNCTIONS_EXTENSION_VERSION": "~4"},
        ),
    ]
    sites_c += shapes_c(c)
    # Malformed data (a binding that is not an object) must cost only this app's facts.
    sites_c.append(
        function_app(
            c,
            "rg-c",
            "c-odd",
            config={"linuxFxVersion": "PYTHON|3.11"},
            functions=[{"name": "odd", "bindings": ["not-an-object"]}],
        )
    )
    return {
        "tenantId": "eeeeeeee-5555-4555-8555-eeeeeeeeeeee",
        # The live stacks API says Node 22 ends earlier than the bundled data knows.
        "functionAppStacks": function_app_stacks({"Node.js 22 LTS": "2026-05-01"}),
        "pageSize": 2,
        "subscriptions": [
            {
                "subscriptionId": a,
                "displayName": "Alpha <Prod>",
                "sites": sites_a,
                "roleDefinitions": [escalate, narrow],
                "roleAssignments": [
                    role_assignment(a, PID["anon"], "Contributor"),
                    role_assignment(
                        a,
                        PID["hardened"],
                        narrow,
                        f"/subscriptions/{a}/resourceGroups/rg-a/providers/"
                        "Microsoft.Storage/storageAccounts/hardenedstore",
                    ),
                    role_assignment(a, PID["win"], escalate, f"/subscriptions/{a}/resourceGroups/rg-win"),
                    role_assignment(a, PID["win"], "Website Contributor", f"/subscriptions/{a}/resourceGroups/rg-win"),
                ],
            },
            {
                "subscriptionId": b,
                "displayName": "Beta",
                "sites": sites_b,
                "roleAssignments": [
                    role_assignment(b, PID["flex"], "User Access Administrator"),
                    role_assignment(b, PID["win"], "Website Contributor", f"/subscriptions/{b}/resourceGroups/rg-b"),
                    role_assignment(
                        b,
                        PID["slot"],
                        "Owner",
                        f"/subscriptions/{b}/resourceGroups/rg-b/providers/Microsoft.Storage/storageAccounts/slotstore",
                    ),
                ],
            },
            {
                "subscriptionId": c,
                "displayName": "Gamma",
                "sites": sites_c,
                "roleAssignments": [
                    role_assignment(c, PID["node"], "Owner", f"/subscriptions/{c}/resourceGroups/rg-c"),
                    # One unrelated storage account: a grant on that resource, not admin, not "modify functions".
                    role_assignment(
                        c,
                        PID["storage"],
                        "Contributor",
                        f"/subscriptions/{c}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/data",
                    ),
                ],
            },
            {"subscriptionId": SUB_DISABLED, "displayName": "Old", "state": "Disabled", "sites": []},
        ],
        # Inherited from a management group: ARM lists it in every subscription under it.
        "managementGroupRoleAssignments": [
            role_assignment(a, PID["node"], "Reader", "/providers/Microsoft.Management/managementGroups/contoso")
        ],
        "faults": {
            "forbidden": [
                "/sites/a-forbidden/config/appsettings/list",
                "/sites/c-ps-win/config/web",
            ],
            "throttleOnce": ["/sites/b-flex/config/web"],
        },
    }


def shapes_c(c: str) -> list[dict[str, Any]]:
    """One app per App Service Authentication, trigger-sync, storage-connection and TLS shape."""
    py = {"linuxFxVersion": "PYTHON|3.11"}
    base = {"FUNCTIONS_WORKER_RUNTIME": "python", "FUNCTIONS_EXTENSION_VERSION": "~4"}
    closed = {"scm_allowed": False, "ftp_allowed": False}

    def app(name: str, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("config", py)
        kwargs.setdefault("app_settings", base)
        kwargs.setdefault("functions", [http_function("Api", "anonymous")])
        return function_app(c, "rg-c", name, **kwargs)

    return [
        # requireAuthentication false lets requests through whatever the action says.
        app("c-auth-optional", auth=easy_auth(require=False, action="Return401"), **closed),
        # Microsoft's published example: its behaviour lives in /auth/config.json.
        app("c-auth-file", auth=published_example()),
        # The same example without the file: excludedPaths open the routes they match.
        app(
            "c-auth-excluded",
            auth=published_example(config_file=False, excludedPaths=["/api/public/*"]),
            functions=[
                http_function("Public", "anonymous", route="public/{id}"),
                http_function("Orders", "anonymous", route="orders"),
            ],
        ),
        app("c-auth-published", auth=published_example(config_file=False)),
        app("c-auth-v1", auth=easy_auth(require=None, action="RedirectToLoginPage")),
        app("c-entra-common", auth=easy_auth(providers={"azureActiveDirectory": entra("common")})),
        app("c-entra-organizations", auth=easy_auth(providers={"azureActiveDirectory": entra("organizations")})),
        app(
            "c-entra-orgs-tenants",
            auth=easy_auth(providers={"azureActiveDirectory": entra("organizations")}),
            app_settings={**base, "WEBSITE_AUTH_AAD_ALLOWED_TENANTS": OTHER_TENANT},
        ),
        app(
            "c-entra-common-apps",
            auth=easy_auth(
                providers={"azureActiveDirectory": entra("common", allowed_applications=[OTHER_TENANT])}
            ),
        ),
        app("c-entra-no-issuer", auth=easy_auth(providers={"azureActiveDirectory": entra(None)})),
        app("c-unsynced", functions=[]),
        app(
            "c-storage-identity",
            identity=system_identity(PID["storage"]),
            app_settings={
                **base,
                "AzureWebJobsStorage__credential": "managedidentity",
                "AzureWebJobsStorage__clientId": "5b0e0f3a-1111-4222-8333-944455556666",
                "AzureWebJobsStorage__blobServiceUri": "https://identitystore.blob.core.windows.net",
                "AzureWebJobsStorage__queueServiceUri": "https://identitystore.queue.core.windows.net",
            },
        ),
        app(
            "c-content-share-key",
            kind="functionapp",
            config={"netFrameworkVersion": "v8.0"},
            app_settings={
                "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated",
                "FUNCTIONS_EXTENSION_VERSION": "~4",
                "AzureWebJobsStorage__accountName": "sharestore",
                "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING": storage_key("sharestore"),
                "WEBSITE_CONTENTSHARE": "c-content-share-key",
            },
        ),
        app("c-tls-odd", config={**py, "minTlsVersion": "TLS1_2"}),
    ]
