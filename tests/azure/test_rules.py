"""The provider's decision rules on their own: RBAC action matching, access restrictions,
stacks and storage connections (pure functions over ARM JSON)."""

from __future__ import annotations

from datetime import date

import pytest

from providers.azure import api_management, easy_auth, network, roles, runtime, settings
from providers.azure.listing import is_function_app
from scanner.demo.azure.auth import easy_auth as easy_auth_settings
from scanner.demo.azure.auth import entra, published_example, social
from scanner.demo.azure.fixtures import BUILTIN_ROLES


def _role(name: str, actions: list[str], not_actions: list[str] | None = None) -> roles.RoleDef:
    return roles.RoleDef(
        id=f"/x/{name}", name=name, permissions=(roles.Permission(tuple(actions), tuple(not_actions or ())),)
    )


def _builtin(name: str) -> roles.RoleDef:
    spec = next(s for s in BUILTIN_ROLES.values() if s["roleName"] == name)
    return _role(name, spec["actions"], spec["notActions"])


SUB = "/subscriptions/11111111-1111-4111-8111-111111111111"
APP = SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/app"
STORAGE = SUB + "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s"


@pytest.mark.parametrize(
    ("role", "scope", "admin", "wildcard", "escalation", "modify"),
    [
        ("Owner", SUB, True, True, True, True),
        ("Contributor", SUB, True, True, False, True),
        ("Contributor", SUB + "/resourceGroups/rg", True, True, False, True),  # the group holding the app
        ("Contributor", SUB + "/resourceGroups/other", True, True, False, False),  # no function app there
        ("Contributor", STORAGE, False, True, False, False),  # one unrelated resource
        ("Owner", STORAGE, False, True, False, False),
        ("Contributor", APP, False, True, False, True),  # the app itself
        ("User Access Administrator", SUB, True, True, True, False),
        ("User Access Administrator", SUB + "/resourceGroups/other", True, True, True, False),
        ("Reader", SUB, False, True, False, False),
        ("Website Contributor", SUB + "/resourceGroups/rg", False, False, False, True),
        ("Website Contributor", SUB + "/resourceGroups/other", False, False, False, False),
        ("Storage Blob Data Contributor", SUB, False, False, False, False),
        ("Owner", "/providers/Microsoft.Management/managementGroups/root", True, True, True, True),
    ],
)
def test_builtin_roles_weighed_by_scope(
    role: str, scope: str, admin: bool, wildcard: bool, escalation: bool, modify: bool
) -> None:
    """Scope decides: https://learn.microsoft.com/azure/role-based-access-control/scope-overview"""
    g = roles.classify([roles.Assignment(id="ra", scope=scope, role=_builtin(role))], frozenset({APP.lower()}))
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


ON = {"enabled": True}


def _glob(require: bool | None, action: str | None = None) -> dict:
    glob = {} if require is None else {"requireAuthentication": require}
    return {"platform": ON, "globalValidation": glob | ({"unauthenticatedClientAction": action} if action else {})}


@pytest.mark.parametrize(
    ("auth", "enforced"),
    [
        (_glob(True), True),  # the action defaults to RedirectToLoginPage
        (_glob(True, "Return403"), True),
        # requireAuthentication false lets unauthenticated requests through whatever the action says.
        (_glob(False, "Return401"), False),
        (_glob(True, "AllowAnonymous"), False),
        # The v1 form has no requireAuthentication: the action alone decides.
        (_glob(None, "RedirectToLoginPage"), True),
        (_glob(None, "AllowAnonymous"), False),
        (_glob(None), False),
        ({"platform": {"enabled": False}, "globalValidation": {"requireAuthentication": True}}, False),
        ({}, False),
    ],
)
def test_easy_auth_enforcement(auth: dict, enforced: bool) -> None:
    """https://learn.microsoft.com/rest/api/appservice/web-apps/get-auth-settings-v2-without-secrets
    (GlobalValidation.requireAuthentication, unauthenticatedClientAction)"""
    assert easy_auth.gate(auth, {}).enforced is enforced


@pytest.mark.parametrize(
    ("route", "excluded"),
    [
        ("/api/public/{id}", "/api/public/*"),
        ("/api/public", "/api/public/*"),
        ("/api/PUBLIC/x", "/api/public/*"),
        ("/api/health", "/api/health"),
        ("/api/orders", None),
        ("/api/publicity", None),
    ],
)
def test_excluded_paths_match_routes(route: str, excluded: str | None) -> None:
    g = easy_auth.gate({"platform": ON, "globalValidation": {"requireAuthentication": True,
                                                             "excludedPaths": ["/api/public/*", "/api/health"]}}, {})
    assert g.excludes(route) == excluded


def test_config_file_makes_easy_auth_unknown() -> None:
    """https://learn.microsoft.com/azure/app-service/configure-authentication-file-based: with
    platform.configFilePath the settings come from a file in the app's content, not from ARM."""
    g = easy_auth.gate(published_example(), {})
    assert not g.enforced and g.unknown and "/auth/config.json" in g.unknown


def _entra_gate(issuer: str | None, settings: dict | None = None, **policy: list[str]) -> easy_auth.Gate:
    auth = easy_auth_settings(providers={"azureActiveDirectory": entra(issuer, **policy)})
    return easy_auth.gate(auth, {} if settings is None else settings)


@pytest.mark.parametrize(
    ("issuer", "settings", "policy", "kind"),
    [
        ("72f988bf-86f1-41af-91ab-2d7cd011db47", {}, {}, "organization"),
        ("contoso.onmicrosoft.com", {}, {}, "organization"),
        # /common/: every Entra tenant and personal Microsoft accounts; /organizations/: every Entra
        # tenant (work and school accounts only). Both are multi-tenant:
        # https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
        ("common", {}, {}, "any_authenticated"),
        ("organizations", {}, {}, "any_authenticated"),
        # The built-in authorization policy and the allowed-tenants setting narrow a multi-tenant issuer:
        # https://learn.microsoft.com/azure/app-service/configure-authentication-provider-aad#use-a-built-in-authorization-policy
        ("organizations", {"WEBSITE_AUTH_AAD_ALLOWED_TENANTS": "11111111-2222-4333-8444-555555555555"}, {},
         "organization"),
        ("common", {}, {"allowed_applications": ["6f2d4e1a-0b3c-4d5e-8f90-a1b2c3d4e5f6"]}, "organization"),
        ("common", {}, {"allowed_identities": ["0b1c2d3e-0000-4000-8000-000000000001"]}, "organization"),
        ("common", {"WEBSITE_AUTH_AAD_ALLOWED_TENANTS": " "}, {}, "any_authenticated"),
    ],
)
def test_entra_issuer_decides_who_signs_in(issuer: str, settings: dict, policy: dict, kind: str) -> None:
    g = _entra_gate(issuer, settings, **policy)
    assert g.enforced and g.principal_kind == kind, g.evidence


@pytest.mark.parametrize("issuer", ["https://contoso.b2clogin.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/",
                                    "https://contoso.ciamlogin.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0"])
def test_a_customer_directory_admits_whoever_signs_up(issuer: str) -> None:
    """Azure AD B2C and External ID tenants serve self-service sign-up for the public:
    https://learn.microsoft.com/azure/active-directory-b2c/add-sign-up-and-sign-in-policy and
    https://learn.microsoft.com/entra/external-id/customers/overview-customers-ciam"""
    provider = entra(None)
    provider["registration"]["openIdIssuer"] = issuer
    gate = easy_auth.gate(easy_auth_settings(providers={"azureActiveDirectory": provider}), {})
    assert gate.principal_kind == "any_authenticated" and "signs up" in gate.evidence
    provider = entra(None, allowed_identities=["0b1c2d3e-0000-4000-8000-000000000001"])
    provider["registration"]["openIdIssuer"] = issuer
    gate = easy_auth.gate(easy_auth_settings(providers={"azureActiveDirectory": provider}), {})
    assert gate.principal_kind == "organization"


def test_entra_tenants_unknown_without_issuer_or_settings() -> None:
    assert _entra_gate(None).unknown == "Entra ID sign-in without an openIdIssuer: the admitted tenants are not in ARM"
    assert "WEBSITE_AUTH_AAD_ALLOWED_TENANTS" in (easy_auth.gate(
        easy_auth_settings(providers={"azureActiveDirectory": entra("common")}), None).unknown or "")
    # The built-in policy narrows without the app setting; a single-tenant issuer needs none either.
    narrowed = entra("common", allowed_applications=["6f2d4e1a-0b3c-4d5e-8f90-a1b2c3d4e5f6"])
    assert easy_auth.gate(easy_auth_settings(providers={"azureActiveDirectory": narrowed}), None).principal_kind == (
        "organization"
    )
    assert easy_auth.gate(easy_auth_settings(), None).principal_kind == "organization"


def test_social_login_is_any_authenticated() -> None:
    g = easy_auth.gate(easy_auth_settings(providers={"azureActiveDirectory": entra(), **social()}), {})
    [path] = network.invocation_paths(g, [], True, [], "Enabled")
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
        # Identity-based host storage:
        # https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity
        (
            {
                "AzureWebJobsStorage__credential": "managedidentity",
                "AzureWebJobsStorage__clientId": "5b0e0f3a-1111-4222-8333-944455556666",
                "AzureWebJobsStorage__queueServiceUri": "https://a.queue.core.windows.net",
            },
            "identity",
        ),
        ({"AzureWebJobsStorage__serviceUri": "https://a.blob.core.windows.net"}, "identity"),
        # The content share of Windows / Elastic Premium apps holds a key too:
        # https://learn.microsoft.com/azure/azure-functions/functions-app-settings#website_contentazurefileconnectionstring
        (
            {
                "AzureWebJobsStorage__accountName": "a",
                "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING": "AccountName=a;AccountKey=k==",
            },
            "account_key",
        ),
        ({"WEBSITE_CONTENTAZUREFILECONNECTIONSTRING": "@Microsoft.KeyVault(SecretUri=https://v/secrets/s/)"},
         "account_key"),
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


def test_scope_in_a_subscription_not_scanned_may_hold_function_apps() -> None:
    other = "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/rg"
    role = _builtin("Website Contributor")
    scanned = frozenset({SUB.split("/")[-1]})
    g = roles.classify([roles.Assignment(id="ra", scope=other, role=role)], frozenset({APP.lower()}), scanned)
    assert g.modify_functions[0].reason.endswith("(in a subscription not scanned)")
    g = roles.classify([roles.Assignment(id="ra", scope=SUB + "/resourceGroups/other", role=role)],
                       frozenset({APP.lower()}), scanned)
    assert g.modify_functions == []


@pytest.mark.parametrize(("issuer", "kind"), [
    ("https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/.well-known/openid-configuration",
     "organization"),
    ("https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration", "any_authenticated"),
    # Any Google account holds a Google-issued token; B2C directories exist for self-service sign-up.
    ("https://accounts.google.com/.well-known/openid-configuration", "any_authenticated"),
    ("https://contoso.b2clogin.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration",
     "any_authenticated"),
])
def test_validate_jwt_admits_whoever_its_issuer_admits(issuer: str, kind: str) -> None:
    """validate-jwt accepts tokens of the configured OpenID provider:
    https://learn.microsoft.com/azure/api-management/validate-jwt-policy"""
    xml = (f'<policies><inbound><validate-jwt header-name="Authorization"><openid-config url="{issuer}" />'
           "</validate-jwt></inbound></policies>")
    policy = api_management._Policy(xml)
    assert policy.jwt is not None
    assert api_management._jwt_principal(policy.jwt, policy)[1] == kind
