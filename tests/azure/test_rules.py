"""The provider's decision rules on their own: RBAC action matching, access restrictions,
stacks and storage connections (pure functions over ARM JSON)."""

from __future__ import annotations

from datetime import date

import pytest

from providers.azure import network, roles, runtime, settings
from providers.azure.provider import is_function_app
from scanner.demo.azure.fixtures import BUILTIN_ROLES


def _role(name: str, actions: list[str], not_actions: list[str] | None = None) -> roles.RoleDef:
    return roles.RoleDef(
        id=f"/x/{name}", name=name, permissions=(roles.Permission(tuple(actions), tuple(not_actions or ())),)
    )


def _builtin(name: str) -> roles.RoleDef:
    spec = next(s for s in BUILTIN_ROLES.values() if s["roleName"] == name)
    return _role(name, spec["actions"], spec["notActions"])


SUB = "/subscriptions/11111111-1111-4111-8111-111111111111"


@pytest.mark.parametrize(
    ("role", "scope", "admin", "wildcard", "escalation", "modify"),
    [
        ("Owner", SUB, True, True, True, True),
        ("Contributor", SUB, True, True, False, True),
        ("Contributor", SUB + "/resourceGroups/rg", True, True, False, True),
        (
            "Contributor",
            SUB + "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s",
            False,
            True,
            False,
            True,
        ),
        ("User Access Administrator", SUB, True, True, True, False),
        ("Reader", SUB, False, True, False, False),
        ("Website Contributor", SUB + "/resourceGroups/rg", False, False, False, True),
        ("Storage Blob Data Contributor", SUB, False, False, False, False),
        ("Owner", "/providers/Microsoft.Management/managementGroups/root", True, True, True, True),
    ],
)
def test_builtin_roles(role: str, scope: str, admin: bool, wildcard: bool, escalation: bool, modify: bool) -> None:
    g = roles.classify([roles.Assignment(id="ra", scope=scope, role=_builtin(role))])
    assert (bool(g.admin), bool(g.wildcard), bool(g.privilege_escalation), bool(g.modify_functions)) == (
        admin,
        wildcard,
        escalation,
        modify,
    )


def test_custom_role_actions_and_not_actions() -> None:
    web_star = _role("web", ["Microsoft.Web/*"])
    assert roles.granted(web_star, "microsoft.web/sites/write") == ["Microsoft.Web/*"]
    carved = _role("carved", ["Microsoft.Web/*"], ["Microsoft.Web/sites/*"])
    assert roles.granted(carved, "Microsoft.Web/sites/write") == []
    auth_star = _role("auth", ["Microsoft.Authorization/*"])
    g = roles.classify([roles.Assignment(id="ra", scope=SUB, role=auth_star)])
    assert g.privilege_escalation[0].actions == ["Microsoft.Authorization/*"]
    assert g.wildcard[0].reason == "wildcard actions at subscription scope"
    assert not g.admin  # a custom role without "*" is not full control


def test_scope_levels() -> None:
    assert roles.scope_level("/") == "root"
    assert roles.scope_level(SUB) == "subscription"
    assert roles.scope_level(SUB + "/resourceGroups/rg") == "resource group"
    assert roles.scope_level(SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/a") == "resource"


ANY_ALLOW = {"ipAddress": "Any", "action": "Allow", "priority": 2147483647, "name": "Allow all"}
ANY_DENY = {"ipAddress": "Any", "action": "Deny", "priority": 2147483647, "name": "Deny all"}
OFFICE = {"ipAddress": "203.0.113.0/24", "action": "Allow", "priority": 100, "name": "office"}


@pytest.mark.parametrize(
    ("rules", "default", "public"),
    [
        ([ANY_ALLOW], None, True),  # nothing configured
        ([ANY_ALLOW], "Allow", True),
        ([], None, True),
        ([OFFICE, ANY_DENY], None, False),  # legacy form: synthetic Deny all
        ([OFFICE], None, False),  # an Allow rule implies deny for the rest
        ([OFFICE], "Deny", False),
        ([OFFICE], "Allow", True),  # explicit default Allow keeps it open
        ([{"ipAddress": "0.0.0.0/0", "action": "Allow", "priority": 50, "name": "all"}, ANY_DENY], None, True),
        ([{"ipAddress": "198.51.100.9/32", "action": "Deny", "priority": 10, "name": "bad"}], "Allow", True),
        # Front Door service tag: any tenant's Front Door, unless the X-Azure-FDID header is pinned.
        (
            [{"ipAddress": "AzureFrontDoor.Backend", "tag": "ServiceTag", "action": "Allow", "priority": 100}],
            "Deny",
            True,
        ),
        (
            [
                {
                    "ipAddress": "AzureFrontDoor.Backend",
                    "tag": "ServiceTag",
                    "action": "Allow",
                    "priority": 100,
                    "headers": {"x-azure-fdid": ["7a9d3c1e-0000-4000-8000-000000000000"]},
                }
            ],
            "Deny",
            False,
        ),
    ],
)
def test_access_restrictions(rules: list[dict], default: str | None, public: bool) -> None:
    assert network.reach(rules, default).public is public


def test_public_network_access_unset_with_private_endpoint() -> None:
    assert network.public_access({}, {"publicNetworkAccess": None}, 1) == "Disabled"
    assert network.public_access({}, {}, 0) == "Enabled"
    assert network.public_access({"publicNetworkAccess": "Enabled"}, {}, 1) == "Enabled"


@pytest.mark.parametrize(
    ("auth", "require"),
    [
        ({"platform": {"enabled": True}, "globalValidation": {"requireAuthentication": True}}, True),
        ({"platform": {"enabled": True}, "globalValidation": {"unauthenticatedClientAction": "Return401"}}, True),
        ({"platform": {"enabled": True}, "globalValidation": {"unauthenticatedClientAction": "AllowAnonymous"}}, False),
        ({"platform": {"enabled": False}, "globalValidation": {"requireAuthentication": True}}, False),
        ({}, False),
    ],
)
def test_platform_auth(auth: dict, require: bool) -> None:
    assert network.platform_auth(auth).require_authentication is require


def test_social_login_is_any_authenticated() -> None:
    auth = network.platform_auth({"platform": {"enabled": True}, "globalValidation": {"requireAuthentication": True}})
    [path] = network.invocation_paths(auth, ["azureActiveDirectory", "google"], [], True, [], "Enabled")
    assert path.principal_kind == "any_authenticated" and path.auth == "platform" and not path.narrowed


@pytest.mark.parametrize(
    ("props", "config", "app_settings", "expected"),
    [
        ({}, {"linuxFxVersion": "PYTHON|3.9"}, {}, ("python", "3.9", None)),
        ({}, {"linuxFxVersion": "DOTNET-ISOLATED|8.0"}, {}, ("dotnet-isolated", "8.0", None)),
        (
            {},
            {"linuxFxVersion": "DOCKER|nginx:latest"},
            {"FUNCTIONS_WORKER_RUNTIME": "node"},
            ("node", None, "nginx:latest"),
        ),
        ({}, {"netFrameworkVersion": "v6.0"}, {"FUNCTIONS_WORKER_RUNTIME": "dotnet"}, ("dotnet", "6.0", None)),
        ({}, {"javaVersion": "17"}, {"FUNCTIONS_WORKER_RUNTIME": "java"}, ("java", "17", None)),
        ({}, {}, {"FUNCTIONS_WORKER_RUNTIME": "node", "WEBSITE_NODE_DEFAULT_VERSION": "~18"}, ("node", "18", None)),
        (
            {"functionAppConfig": {"runtime": {"name": "dotnet-isolated", "version": "9.0"}}},
            {},
            None,
            ("dotnet-isolated", "9.0", None),
        ),
    ],
)
def test_stacks(props: dict, config: dict, app_settings: dict | None, expected: tuple) -> None:
    st = runtime.stack(props, config, app_settings)
    assert st is not None and (st.language, st.version, st.image) == expected


def test_windows_stack_needs_settings() -> None:
    assert runtime.stack({}, {"netFrameworkVersion": "v8.0"}, None) is None


@pytest.mark.parametrize(
    ("language", "version", "host", "deprecated_on"),
    [
        ("dotnet", "6.0", "~4", date(2024, 11, 12)),  # in-process
        ("dotnet-isolated", "8.0", "~4", date(2026, 11, 10)),
        ("python", "3.12", "~2", date(2022, 12, 13)),  # host ~2 ended first
        ("java", "17", "~4", None),  # no published date in the data
    ],
)
def test_end_of_support(language: str, version: str, host: str, deprecated_on: date | None) -> None:
    facts = runtime.runtime_facts(runtime.Stack(language, version), host, is_flex=False)
    assert facts.deprecated_on == deprecated_on


def test_image_registry() -> None:
    assert runtime.image_registry("myacr.azurecr.io/team/app:1") == "myacr.azurecr.io"
    assert runtime.image_registry("library/nginx:1") == "docker.io"
    assert runtime.image_registry("nginx") == "docker.io"
    assert runtime.image_registry("localhost:5000/app") == "localhost:5000"


@pytest.mark.parametrize(
    ("app_settings", "expected"),
    [
        ({"AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc=="}, "account_key"),
        ({"AzureWebJobsStorage": "@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/s/)"}, "account_key"),
        ({"AzureWebJobsStorage__accountName": "a"}, "identity"),
        ({"AzureWebJobsStorage__blobServiceUri": "https://a.blob.core.windows.net"}, "identity"),
        ({"OTHER": "x"}, "none"),
    ],
)
def test_storage_connection(app_settings: dict, expected: str) -> None:
    assert settings.storage_connection(app_settings) == expected


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("functionapp", True),
        ("functionapp,linux", True),
        ("functionapp,linux,container", True),
        ("functionapp,workflowapp", False),
        ("app", False),
        ("app,linux", False),
        (None, False),
    ],
)
def test_function_app_kinds(kind: str | None, expected: bool) -> None:
    assert is_function_app(kind) is expected


def test_stacks_index_matches_linux_windows_and_flex_spellings() -> None:
    from providers.azure import lifecycle
    from scanner.demo.azure.builders import function_app_stacks

    idx = lifecycle.index(function_app_stacks(today="2026-11-28"))
    assert idx[lifecycle.normalize("python", "3.9")] == lifecycle.LiveStack(True, date(2025, 10, 31))
    assert idx[lifecycle.normalize("node", "~20")].end_of_life == date(2026, 4, 30)  # Windows "~20"
    assert idx[lifecycle.normalize("node", "20")].end_of_life == date(2026, 4, 30)  # Flex "20"
    assert idx[lifecycle.normalize("dotnet-isolated", "v8.0")].end_of_life == date(2026, 11, 10)
    assert idx[lifecycle.normalize("dotnet", "6.0")].deprecated is True
    assert lifecycle.normalize("powershell", "7.4.1") == ("powershell", "7.4")
