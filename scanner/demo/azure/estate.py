"""The demo estate: six function apps and a slot over two subscriptions, good and bad mixed, with an
API Management service and a Front Door profile in front of two of them."""

from __future__ import annotations

from typing import Any

from scanner.demo.azure.auth import easy_auth, social
from scanner.demo.azure.builders import function_app
from scanner.demo.azure.fixtures import (
    http_function,
    queue_function,
    role_assignment,
    system_identity,
    user_identity,
)
from scanner.demo.azure.front_builders import afd_profile, apim_api, apim_service, waf_policy

DEMO_TENANT = "7c1f2e4a-3b5d-4c6e-8f90-a1b2c3d4e5f6"
DEMO_SUB_PROD = "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"
DEMO_SUB_DEV = "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b"


def demo_estate() -> dict[str, Any]:
    """Six function apps and a slot over two subscriptions, good and bad mixed, two of them fronted."""
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
        auth=easy_auth(providers=social()),
        scm_allowed=False,
        ftp_allowed=False,
        functions=[http_function("Partners", "function")],
        tags={"env": "dev"},
    )
    # The legacy orders API is also published through API Management behind a subscription key (a
    # shared key, not authentication); the partner portal sits behind Front Door with a WAF.
    apim = apim_service(
        prod, "rg-legacy", "apim-contoso", public_ips=["20.50.1.10"],
        apis=[apim_api("orders", "orders", f"https://{legacy['_x']['host']}/api")],
    )
    waf = waf_policy(dev, "rg-ingest", "wafportal")
    front_door = afd_profile(dev, "rg-ingest", "fd-portal", "5e0c7d1a-2b3c-4d5e-8f90-0a1b2c3d4e5f",
                             [portal["_x"]["host"]], waf=waf)
    return {
        "tenantId": DEMO_TENANT,
        "pageSize": 50,
        "subscriptions": [
            {
                "subscriptionId": prod,
                "displayName": "Contoso Production",
                "state": "Enabled",
                "sites": [legacy, hardened, dotnet],
                "apiManagement": [apim],
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
                "frontDoors": [front_door],
                "wafPolicies": [waf],
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
