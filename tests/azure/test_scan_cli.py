"""The Azure provider end to end: the real CLI, the real azure-identity credential chain (App Service
managed identity endpoint) and the real SDKs against the local ARM emulator."""

from __future__ import annotations

import json

from tests.azure.conftest import Run
from tests.azure.estate import HOSTILE_APP, SECRETS, SUB_A, SUB_B, SUB_C, SUB_DISABLED, XSS, shapes_c

SHAPES_C = {site["name"] for site in shapes_c(SUB_C)}

FUNCTION_APPS = {
    "a-anon-py39",
    "a-hardened",
    "a-win-dotnet",
    "a-forbidden",
    HOSTILE_APP,
    "b-container",
    "b-flex",
    "b-slotted",
    "b-slotted/staging",
    "c-node-win",
    "c-ps-win",
    "c-odd",
    *SHAPES_C,
}


def test_exit_code_3_when_something_was_not_assessed(scan: Run) -> None:
    assert scan.code == 3, scan.stderr
    assert set(scan.doc) >= {"schema_version", "tool", "scan", "targets", "checks", "identity_groups", "functions",
                             "summary"}


def test_every_function_app_and_slot_across_pages_and_subscriptions(scan: Run) -> None:
    names = [f["name"] for f in scan.doc["functions"]]
    assert sorted(names) == sorted(FUNCTION_APPS)  # no web app, no Logic App, no duplicates
    staging = scan.fn("b-slotted/staging")
    assert staging["kind"] == "function_app_slot"
    assert staging["id"].endswith("/providers/Microsoft.Web/sites/b-slotted/slots/staging")
    assert scan.fn("b-slotted")["kind"] == "function_app"
    assert {f["account_name"] for f in scan.doc["functions"]} == {"Alpha <Prod>", "Beta", "Gamma"}
    assert scan.fn("b-flex")["region"] == "eastus"


def test_pages_were_followed(arm, scan: Run) -> None:  # type: ignore[no-untyped-def]
    # pageSize 2: subscriptions (4), sites of A (7) and role assignments all span several pages.
    assert arm.requests_matching("/providers/Microsoft.Web/sites?") >= 3
    assert arm.requests_matching("skiptoken") >= 4


def test_targets_per_subscription(scan: Run) -> None:
    a, b, c = scan.target(SUB_A), scan.target(SUB_B), scan.target(SUB_C)
    assert (a["status"], a["functions"]) == ("partial", 5)
    assert "AuthorizationFailed: needs Microsoft.Web/sites/config/list/action" in a["error"]
    assert (b["status"], b["functions"], b["error"]) == ("complete", 4, None)
    assert c["status"] == "partial" and "function apps not fully read" in c["error"]
    assert all(t["account"] != SUB_DISABLED for t in scan.doc["targets"])  # disabled: not scanned


def test_weak_linux_python_app(scan: Run) -> None:
    fn = scan.fn("a-anon-py39")
    ident, net = fn["identity"], fn["network"]
    assert ident["kind"] == "azure_managed_identity" and ident["principal"].endswith("000000000001")
    assert [g["source"].split(" (")[0] for g in ident["admin"]] == ["Contributor"]
    assert ident["wildcard"][0]["actions"] == ["*"]
    assert ident["modify_functions"] and not ident["privilege_escalation"]  # Contributor's notActions
    assert ident["trust"] is None
    paths = {p["evidence"]: p for p in net["invocation"]}
    open_path = paths["function Open: httpTrigger authLevel anonymous"]
    assert (open_path["principal_kind"], open_path["auth"], open_path["narrowed"]) == ("anonymous", "none", False)
    keyed = paths["function Keyed: httpTrigger authLevel function"]
    assert (keyed["principal_kind"], keyed["auth"]) == ("identity", "key")
    assert len(paths) == 2  # the queue trigger is no HTTP path
    assert net["anonymous_invoke"] is True and net["public_ingress"] is True
    assert net["cors"] == {"allowed_origins": ["*", "https://evil.example"], "allow_credentials": True}
    assert {m["kind"] for m in net["management"]} == {
        "scm_basic_auth",
        "ftp_basic_auth",
        "ftp_enabled",
        "remote_debugging",
        "scm_unrestricted",
    }
    assert net["client_certificates"] == "disabled"
    assert net["private_network"]["attached"] is False and net["private_endpoints"] == 0
    assert net["platform_auth"] == {"enabled": False, "require_authentication": False, "unauthenticated_action": None}
    assert fn["encryption"] == {
        "cmk": None,
        "cmk_supported": False,
        "cmk_covers_code": False,
        "https_only": False,
        "min_tls_version": "1.0",
        "scm_min_tls_version": "1.0",
    }
    rt = fn["runtime"]
    assert (rt["name"], rt["language"], rt["version"], rt["host_version"]) == ("python|3.9", "python", "3.9", "~3")
    assert rt["deprecated_on"] == "2022-12-13"  # host ~3 ended before Python 3.9
    assert rt["lifecycle_source"] == "azure function app stacks API (Functions host: ztscan runtime data 2026-11-01)"
    settings = {s["name"]: s for s in fn["secrets"]["settings"]}
    assert settings["STRIPE_API_KEY"]["classification"] == "plaintext_secret"
    assert settings["DB_PASSWORD"]["classification"] == "plaintext_secret"
    assert settings["ORDERS_DB_URL"]["classification"] == "plaintext_secret"
    assert settings["OrdersDb"]["source"] == "connection_string"
    assert settings["OrdersDb"]["classification"] == "plaintext_secret"
    assert settings["LOG_LEVEL"]["classification"] == "ordinary"
    assert fn["secrets"]["storage_connection"] == "account_key"
    assert fn["monitoring"]["app_insights"] is False
    assert fn["monitoring"]["failure_destination_supported"] is False
    assert fn["supply_chain"]["code_signing"] is None and fn["supply_chain"]["layers"] is None
    assert fn["tags"] == {"env": "prod", "owner": XSS}
    assert fn["unknown"] == {}
    findings = scan.findings("a-anon-py39")
    assert findings["ZT-NET-001"] == "FAIL" and findings["ZT-SEC-001"] == "FAIL"
    assert findings["ZT-IAM-001"] == "FAIL" and findings["ZT-RUN-001"] == "FAIL"


def test_hardened_app(scan: Run) -> None:
    fn = scan.fn("a-hardened")
    net = fn["network"]
    assert net["public_ingress"] is False
    assert net["ingress"] == "publicNetworkAccess=Disabled; ipSecurityRestrictionsDefaultAction=Deny"
    assert net["ingress_restrictions"] == ["afd: Allow AzureFrontDoor.Backend"]
    assert net["private_endpoints"] == 2
    assert net["private_network"]["attached"] is True
    assert net["private_network"]["network_id"].endswith("/subnets/fn")
    assert net["private_network"]["egress_via_private"] is True
    assert net["platform_auth"]["require_authentication"] is True
    [path] = net["invocation"]  # Easy Auth gates the anonymous trigger
    assert (path["principal_kind"], path["auth"], path["narrowed"]) == ("organization", "platform", True)
    assert net["anonymous_invoke"] is False
    assert net["management"] == []
    assert net["client_certificates"] == "Required"
    ident = fn["identity"]
    assert ident["admin"] == ident["wildcard"] == ident["privilege_escalation"] == ident["modify_functions"] == []
    settings = {s["name"]: s for s in fn["secrets"]["settings"]}
    assert settings["API_TOKEN"]["classification"] == "secret_reference"
    assert settings["API_TOKEN"]["reference"].startswith("@Microsoft.KeyVault(")
    assert fn["secrets"]["storage_connection"] == "identity"
    assert fn["monitoring"]["app_insights"] is True
    assert fn["encryption"]["https_only"] is True and fn["encryption"]["min_tls_version"] == "1.3"
    assert fn["runtime"]["name"] == "python|3.12" and fn["runtime"]["deprecated_on"] == "2028-10-31"
    findings = scan.findings("a-hardened")
    assert findings["ZT-NET-001"] == "PASS" and findings["ZT-IAM-001"] == "PASS"
    assert findings["ZT-RUN-001"] == "PASS" and findings["ZT-SEC-001"] == "PASS"


def test_windows_dotnet_app_with_escalation_grant(scan: Run) -> None:
    fn = scan.fn("a-win-dotnet")
    rt = fn["runtime"]
    assert (rt["name"], rt["language"], rt["version"]) == ("dotnet-isolated|8.0", "dotnet-isolated", "8.0")
    assert rt["deprecated_on"] == "2026-11-10"
    ident = fn["identity"]
    assert [g["source"].split(" (")[0] for g in ident["privilege_escalation"]] == ["Role Assigner"]
    assert ident["privilege_escalation"][0]["resources"][0].endswith("/resourceGroups/rg-win")
    assert {g["source"].split(" (")[0] for g in ident["modify_functions"]} == {"Website Contributor"}
    assert [g["actions"] for g in ident["wildcard"]] == [["*/read"]]
    assert ident["admin"] == []  # no Owner/Contributor/UAA and no "*"
    net = fn["network"]
    assert net["public_ingress"] is False and net["ingress_restrictions"] == ["office: Allow 203.0.113.0/24"]
    [path] = net["invocation"]
    assert (path["principal_kind"], path["auth"], path["narrowed"]) == ("identity", "key", True)
    assert path["conditions"] == ["office: Allow 203.0.113.0/24"]
    assert net["management"] == []  # SCM follows the main site's rules, basic auth off
    assert fn["secrets"]["storage_connection"] == "account_key"  # a Key Vault reference still holds a key


def test_app_settings_forbidden_is_not_assessed_never_pass(scan: Run) -> None:
    fn = scan.fn("a-forbidden")
    reason = "AuthorizationFailed: needs Microsoft.Web/sites/config/list/action"
    for path in ("secrets.settings", "secrets.storage_connection", "monitoring.app_insights", "runtime.host_version"):
        assert fn["unknown"][path] == reason
    assert fn["secrets"]["settings"] == []
    assert scan.findings("a-forbidden")["ZT-SEC-001"] == "NOT_ASSESSED"
    assert scan.findings("a-forbidden")["ZT-RUN-001"] == "NOT_ASSESSED"  # host version unreadable
    # Facts from other calls are still there.
    assert fn["runtime"]["name"] == "python|3.11" and fn["network"]["public_ingress"] is True


def test_role_assignments_weighed_by_scope_across_subscriptions(scan: Run) -> None:
    """Owner on the resource group holding the app is admin; a management-group Reader assignment
    is listed in the subscription as ARM does (inherited)."""
    fn = scan.fn("c-node-win")
    assert fn["unknown"] == {}
    ident = fn["identity"]
    assert [g["resources"][0].rsplit("/", 1)[-1] for g in ident["admin"]] == ["rg-c"]
    assert "/providers/Microsoft.Management/managementGroups/contoso" in [
        g["resources"][0] for g in ident["wildcard"]
    ]
    assert scan.findings("c-node-win")["ZT-IAM-001"] == "FAIL"
    assert fn["runtime"]["name"] == "node|20" and fn["runtime"]["deprecated_on"] == "2026-04-30"


def test_windows_app_with_config_unreadable(scan: Run) -> None:
    fn = scan.fn("c-ps-win")
    assert fn["identity"]["kind"] == "none" and fn["identity"]["is_default"] is True
    assert fn["identity"]["default_reason"] == "no managed identity"
    reason = "AuthorizationFailed: needs Microsoft.Web/sites/config/read"
    # Windows keeps the PowerShell version in config/web: the stack is known, its version is not.
    assert fn["runtime"]["language"] == "powershell"
    for path in (
        "runtime.name",
        "runtime.version",
        "runtime.deprecated_on",
        "network.invocation",
        "network.public_ingress",
        "network.management",
        "encryption.min_tls_version",
    ):
        assert fn["unknown"][path] == reason
    assert "secrets.settings" not in fn["unknown"] and fn["secrets"]["storage_connection"] == "none"
    findings = scan.findings("c-ps-win")
    assert findings["ZT-RUN-001"] == findings["ZT-NET-001"] == "NOT_ASSESSED"


def test_container_app(scan: Run) -> None:
    fn = scan.fn("b-container")
    assert fn["runtime"]["package_type"] == "image"
    assert fn["runtime"]["name"] is None and fn["runtime"]["language"] == "python"
    assert fn["supply_chain"]["image_registry"] == "myacr.azurecr.io"
    assert scan.findings("b-container")["ZT-RUN-001"] == "NOT_APPLICABLE"
    settings = {s["name"]: s["classification"] for s in fn["secrets"]["settings"]}
    assert settings["DOCKER_REGISTRY_SERVER_PASSWORD"] == "plaintext_secret"


def test_flex_app_user_assigned_identity_and_throttling(arm, scan: Run) -> None:  # type: ignore[no-untyped-def]
    fn = scan.fn("b-flex")
    rt = fn["runtime"]
    assert (rt["name"], rt["host_version"], rt["package_type"]) == ("python|3.11", "~4", "zip")
    ident = fn["identity"]
    assert ident["name"] == "id-flex" and ident["principal"].endswith("000000000004")
    assert [g["source"].split(" (")[0] for g in ident["admin"]] == ["User Access Administrator"]
    assert ident["privilege_escalation"][0]["actions"] == ["Microsoft.Authorization/*"]
    assert ident["modify_functions"] == []
    assert fn["network"]["invocation"] == []  # only a queue trigger
    assert fn["secrets"]["storage_connection"] == "identity"
    # The 429 with Retry-After was retried and nothing was lost.
    assert arm.statuses("/sites/b-flex/config/web") == [429, 200]
    assert fn["unknown"] == {} and fn["encryption"]["min_tls_version"] == "1.2"


def test_slot_is_scanned_on_its_own(scan: Run) -> None:
    parent, slot = scan.fn("b-slotted"), scan.fn("b-slotted/staging")
    assert parent["network"]["anonymous_invoke"] is False
    assert not any(m["kind"] == "scm_unrestricted" for m in parent["network"]["management"])
    assert slot["network"]["anonymous_invoke"] is True
    assert slot["network"]["endpoint_url"] == "https://b-slotted-staging.azurewebsites.net"
    assert [g["resources"] for g in slot["identity"]["admin"]] == []  # Owner on one storage account only
    assert slot["identity"]["wildcard"][0]["actions"] == ["*"]
    assert {s["name"]: s["classification"] for s in slot["secrets"]["settings"]}["GATEWAY_KEY"] == "plaintext_secret"
    assert scan.findings("b-slotted/staging")["ZT-NET-001"] == "FAIL"
    assert scan.findings("b-slotted")["ZT-NET-001"] == "PASS"


def test_hostile_strings_survive_and_no_secret_value_leaks(scan: Run) -> None:
    fn = scan.fn(HOSTILE_APP)
    assert fn["tags"] == {XSS: XSS}
    assert XSS in {s["name"] for s in fn["secrets"]["settings"]}
    assert fn["network"]["invocation"][0]["evidence"] == f"function {XSS}: httpTrigger authLevel function"
    json.loads(scan.text)  # still valid JSON
    for name, value in SECRETS.items():
        for where, text in (("stdout", scan.stdout), ("stderr", scan.stderr), ("json", scan.text)):
            assert value not in text, f"secret {name} leaked into {where}"


def test_malformed_app_data_costs_only_that_app(scan: Run) -> None:
    fn = scan.fn("c-odd")
    assert set(fn["unknown"]) == {
        "identity",
        "network",
        "secrets",
        "encryption",
        "runtime",
        "supply_chain",
        "monitoring",
    }
    assert fn["unknown"]["network"] == "collection error: AttributeError"
    assert set(scan.findings("c-odd").values()) <= {"NOT_ASSESSED", "NOT_APPLICABLE"}
    assert scan.fn("c-node-win")["runtime"]["name"] == "node|20"


def test_live_stacks_api_wins_over_bundled_dates(scan: Run) -> None:
    rt = scan.fn(HOSTILE_APP)["runtime"]
    # Bundled data has no date for Node 22; the estate's stacks API says 2026-05-01.
    assert (rt["name"], rt["deprecated_on"]) == ("node|22", "2026-05-01")
    assert rt["lifecycle_source"].startswith("azure function app stacks API")
    assert scan.findings(HOSTILE_APP)["ZT-RUN-001"] == "FAIL"
