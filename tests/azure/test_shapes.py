"""Issue 10's Azure shapes end to end through ``ztscan scan azure`` on the ARM emulator, each with
its counterpart: App Service Authentication, unsynced triggers, identity-based storage, the
content share key, role-assignment scope across subscriptions, the SCM site, odd TLS strings."""

from __future__ import annotations

from pathlib import Path

from scanner.demo.azure.server import serve
from tests.azure.conftest import Run, ztscan
from tests.azure.estate import PID, SUB_A, SUB_B, SUB_C, estate


def _paths(scan: Run, name: str) -> list[tuple[str, str]]:
    return [(p["principal_kind"], p["auth"]) for p in scan.fn(name)["network"]["invocation"]]


def test_require_authentication_false_lets_requests_through(scan: Run) -> None:
    """requireAuthentication false + Return401: unauthenticated requests still reach the code
    (https://learn.microsoft.com/rest/api/appservice/web-apps/get-auth-settings-v2-without-secrets,
    GlobalValidation.requireAuthentication)."""
    fn = scan.fn("c-auth-optional")
    assert fn["network"]["platform_auth"] == {
        "enabled": True,
        "require_authentication": False,
        "unauthenticated_action": "Return401",
    }
    assert _paths(scan, "c-auth-optional") == [("anonymous", "none")]
    assert scan.findings("c-auth-optional")["ZT-NET-001"] == "FAIL"
    # The closed counterpart: requireAuthentication true gates the same anonymous trigger.
    assert _paths(scan, "a-hardened") == [("organization", "platform")]
    assert scan.findings("a-hardened")["ZT-NET-001"] == "PASS"
    # v1 form (no requireAuthentication): RedirectToLoginPage gates.
    assert _paths(scan, "c-auth-v1") == [("organization", "platform")]


def test_config_file_auth_is_unknown_never_pass(scan: Run) -> None:
    """Microsoft's published GetAuthSettingsV2WithoutSecrets example carries platform.configFilePath:
    the settings live in a file ARM cannot show
    (https://learn.microsoft.com/azure/app-service/configure-authentication-file-based)."""
    fn = scan.fn("c-auth-file")
    assert "/auth/config.json" in fn["unknown"]["network.invocation"]
    findings = scan.findings("c-auth-file")
    assert findings["ZT-NET-001"] == findings["ZT-NET-002"] == "NOT_ASSESSED"


def test_excluded_paths_open_the_routes_they_match(scan: Run) -> None:
    """globalValidation.excludedPaths are served without authentication: matched against the HTTP routes."""
    paths = {p["evidence"]: p for p in scan.fn("c-auth-excluded")["network"]["invocation"]}
    public = next(p for e, p in paths.items() if e.startswith("function Public"))
    assert (public["principal_kind"], public["auth"], public["route"]) == ("anonymous", "none", "/api/public/{id}")
    assert "excludedPaths /api/public/*" in public["evidence"]
    assert not any(e.startswith("function Orders") for e in paths)  # gated by the platform
    assert scan.findings("c-auth-excluded")["ZT-NET-001"] == "FAIL"
    # Microsoft's example excludes /nosecrets/Path, which no route of this app matches.
    assert _paths(scan, "c-auth-published") == [("any_authenticated", "platform")]
    assert scan.findings("c-auth-published")["ZT-NET-001"] == "PASS"
    assert scan.findings("c-auth-published")["ZT-NET-002"] == "FAIL"  # Google: anyone with an account


def test_entra_issuer_and_allowed_tenants_decide_organization(scan: Run) -> None:
    """/common/ admits every Entra tenant and personal Microsoft accounts, /organizations/ every Entra
    tenant (https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri);
    the built-in authorization policy and WEBSITE_AUTH_AAD_ALLOWED_TENANTS narrow them
    (https://learn.microsoft.com/azure/app-service/configure-authentication-provider-aad#use-a-built-in-authorization-policy)."""
    expected = {
        "c-entra-common": ("any_authenticated", "FAIL"),
        "c-entra-organizations": ("any_authenticated", "FAIL"),
        "c-entra-orgs-tenants": ("organization", "PASS"),
        "c-entra-common-apps": ("organization", "PASS"),
        "a-hardened": ("organization", "PASS"),  # one tenant in the issuer
    }
    for name, (kind, status) in expected.items():
        [path] = scan.fn(name)["network"]["invocation"]
        assert path["principal_kind"] == kind, (name, path["evidence"])
        assert scan.findings(name)["ZT-NET-002"] == status, name
    common = scan.fn("c-entra-common")["network"]["invocation"][0]["evidence"]
    assert "personal Microsoft accounts" in common
    assert "WEBSITE_AUTH_AAD_ALLOWED_TENANTS 11111111" in scan.fn("c-entra-orgs-tenants")["network"]["invocation"][0][
        "evidence"
    ]
    no_issuer = scan.fn("c-entra-no-issuer")
    assert "openIdIssuer" in no_issuer["unknown"]["network.invocation"]
    assert scan.findings("c-entra-no-issuer")["ZT-NET-002"] == "NOT_ASSESSED"


def test_empty_functions_list_is_unknown_not_no_paths(scan: Run) -> None:
    fn = scan.fn("c-unsynced")
    assert fn["unknown"]["network.invocation"] == "ARM lists no functions for the app (triggers not synced)"
    assert scan.findings("c-unsynced")["ZT-NET-001"] == "NOT_ASSESSED"
    # A listed function without an HTTP trigger is read, and has no HTTP path.
    assert scan.fn("b-flex")["network"]["invocation"] == [] and "network.invocation" not in scan.fn("b-flex")["unknown"]


def test_identity_based_storage_and_content_share_key(scan: Run) -> None:
    identity = scan.fn("c-storage-identity")
    assert identity["secrets"]["storage_connection"] == "identity"
    assert scan.findings("c-storage-identity")["ZT-SEC-003"] == "PASS"
    share = scan.fn("c-content-share-key")
    assert share["secrets"]["storage_connection"] == "account_key"
    assert scan.findings("c-content-share-key")["ZT-SEC-003"] == "FAIL"


def test_contributor_on_one_unrelated_storage_account(scan: Run) -> None:
    ident = scan.fn("c-storage-identity")["identity"]
    assert ident["admin"] == ident["modify_functions"] == ident["privilege_escalation"] == []
    [wild] = ident["wildcard"]
    assert wild["reason"] == "wildcard actions at one resource"
    findings = scan.findings("c-storage-identity")
    assert (findings["ZT-IAM-001"], findings["ZT-IAM-006"]) == ("PASS", "PASS")


def test_assignments_in_other_subscriptions_are_read_once_each(arm, scan: Run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The Windows app of subscription A holds Website Contributor on a resource group of B."""
    grants = scan.fn("a-win-dotnet")["identity"]["modify_functions"]
    assert any(g["resources"] == [f"/subscriptions/{SUB_B}/resourceGroups/rg-b"] for g in grants)
    assert scan.findings("a-win-dotnet")["ZT-IAM-006"] == "FAIL"
    # Scanning only A still sees B's assignment: every visible subscription is read, once.
    before = arm.requests_matching("/roleAssignments")
    only_a = ztscan(["--azure-endpoint", arm.base_url, "--subscription", SUB_A], arm.env, tmp_path)
    grants = only_a.fn("a-win-dotnet")["identity"]["modify_functions"]
    assert any(g["resources"] == [f"/subscriptions/{SUB_B}/resourceGroups/rg-b"] for g in grants)
    listed = arm.requests_matching("/roleAssignments") - before
    assert listed <= 4 * 3  # three visible subscriptions, a few pages each: never one list per app


def test_unreadable_assignments_in_another_subscription_make_grants_unknown(tmp_path: Path) -> None:
    data = estate()
    data["faults"] = {"forbidden": [f"/subscriptions/{SUB_C}/providers/Microsoft.Authorization/roleAssignments"]}
    with serve(data) as emulator:
        result = ztscan(["--azure-endpoint", emulator.base_url, "--subscription", SUB_B], emulator.env, tmp_path)
    fn = result.fn("b-flex")
    assert fn["identity"]["principal"] == PID["flex"]
    reason = fn["unknown"]["identity.admin"]
    assert reason.startswith(f"role assignments of subscription {SUB_C}: AuthorizationFailed: needs")
    assert result.findings("b-flex")["ZT-IAM-001"] == "NOT_ASSESSED"
    assert result.code == 3


def test_scm_site_reachability_is_its_own_low_check(scan: Run) -> None:
    """ZT-NET-011 keeps basic-auth publishing, FTP and remote debugging; ZT-NET-014 the open SCM site."""
    optional = scan.findings("c-auth-optional")  # basic auth off, FTP off, SCM open
    assert (optional["ZT-NET-011"], optional["ZT-NET-014"]) == ("PASS", "FAIL")
    anon = scan.findings("a-anon-py39")
    assert (anon["ZT-NET-011"], anon["ZT-NET-014"]) == ("FAIL", "FAIL")
    slotted = scan.findings("b-slotted")  # SCM with its own allow rule
    assert slotted["ZT-NET-014"] == "PASS"
    check = next(c for c in scan.doc["checks"] if c["id"] == "ZT-NET-014")
    assert check["severity"] == "low"


def test_unparseable_tls_version_is_not_assessed(scan: Run) -> None:
    fn = scan.fn("c-tls-odd")
    assert fn["unknown"]["encryption.min_tls_version"] == "minTlsVersion 'TLS1_2' is not a TLS version"
    assert scan.findings("c-tls-odd")["ZT-NET-010"] == "NOT_ASSESSED"
    assert scan.findings("a-anon-py39")["ZT-NET-010"] == "FAIL"
    assert scan.findings("a-hardened")["ZT-NET-010"] == "PASS"
