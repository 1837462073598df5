"""ARM-shaped fixtures for the emulator: built-in and custom role definitions, role assignments,
managed identities, function triggers and App Service Authentication settings."""

from __future__ import annotations

import uuid
from typing import Any

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


def http_function(name: str, auth_level: str = "function", route: str | None = None) -> dict[str, Any]:
    trigger: dict[str, Any] = {
        "authLevel": auth_level,
        "type": "httpTrigger",
        "direction": "in",
        "name": "req",
        "methods": ["get", "post"],
    }
    if route is not None:
        trigger["route"] = route
    return {"name": name, "bindings": [trigger, {"type": "http", "direction": "out", "name": "$return"}]}


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
