"""A full CLI scan of the test estate: every fact the provider maps, present and absent."""

from __future__ import annotations

from tests.conftest import shared_with
from tests.gcp.conftest import Run
from tests.gcp.estate import (
    ALPHA,
    ALPHA_NUM,
    BETA,
    BETA_SA,
    CLOSED_SA,
    DELTA,
    GAMMA,
    HARDENED_SA,
    HOSTILE,
    KEY_BAD,
    KEY_OK,
    SECRET_VALUES,
    fid,
)


def test_exit_code_and_document(full_scan: Run) -> None:
    assert full_scan.code == 0, full_scan.stderr
    doc = full_scan.doc
    assert doc is not None
    keys = {"schema_version", "tool", "scan", "targets", "checks", "identity_groups", "functions", "summary"}
    assert keys <= set(doc)
    assert doc["schema_version"].startswith("2.") and "findings" not in doc
    assert doc["scan"]["providers"] == ["gcp"]


def test_targets_one_per_active_project(full_scan: Run) -> None:
    targets = {t["account"]: t for t in full_scan.doc["targets"]}
    assert set(targets) == {ALPHA, BETA, DELTA}  # GAMMA is DELETE_REQUESTED: not in an ACTIVE search
    assert targets[ALPHA] == {
        "provider": "gcp",
        "account": ALPHA,
        "region": None,
        "status": "complete",
        "functions": 6,
        "error": None,
    }
    assert targets[BETA]["status"] == "complete" and targets[BETA]["functions"] == 2
    assert targets[DELTA]["status"] == "complete" and targets[DELTA]["functions"] == 7
    assert GAMMA not in full_scan.raw


def test_every_function_once_across_pages_and_generations(full_scan: Run) -> None:
    ids = sorted(f["id"] for f in full_scan.doc["functions"] if f["account"] != DELTA)
    assert len(ids) == len(set(ids)) == 8  # page_size 2: v2 lists GEN_1 too, yet no duplicates
    kinds = {f["name"]: f["kind"] for f in full_scan.doc["functions"] if f["account"] != DELTA}
    assert kinds == {
        "open-v1": "cloud_function_v1",
        "closed-v1": "cloud_function_v1",
        "event-v1": "cloud_function_v1",
        "hardened-v2": "cloud_function_v2",
        "authn-v2": "cloud_function_v2",
        "directvpc-v2": "cloud_function_v2",
        "norun-v2": "cloud_function_v2",
        "plain-v2": "cloud_function_v2",
    }
    fn = full_scan.fn("open-v1")
    assert (fn["provider"], fn["account"], fn["account_name"], fn["region"], fn["id"]) == (
        "gcp",
        ALPHA,
        "Alpha Prod",
        "us-central1",
        fid(ALPHA, "us-central1", "open-v1"),
    )


def test_identity_default_and_admin(full_scan: Run) -> None:
    ident = full_scan.fn("open-v1")["identity"]
    assert ident["kind"] == "gcp_service_account"
    assert ident["principal"] == f"{ALPHA}@appspot.gserviceaccount.com"
    assert ident["is_default"] is True and "App Engine default" in ident["default_reason"]
    assert [g["source"] for g in ident["admin"]] == [f"projects/{ALPHA} binding roles/editor"]
    assert ident["admin"][0]["resources"] == [f"projects/{ALPHA}"]
    assert ident["trust"] is None
    v2 = full_scan.fn("authn-v2")["identity"]
    assert v2["principal"] == f"{ALPHA_NUM}-compute@developer.gserviceaccount.com" and v2["is_default"] is True
    assert [g["source"] for g in v2["modify_functions"]] == [f"projects/{ALPHA} binding roles/editor"]
    assert [g["reason"] for g in v2["wildcard"]] == ["write access in 31 services"]


def test_identity_escalation_and_least_privilege(full_scan: Run) -> None:
    closed = full_scan.fn("closed-v1")["identity"]
    assert closed["principal"] == CLOSED_SA and closed["is_default"] is False and closed["admin"] == []
    # Neither role escalates alone: deploying (run.developer) plus actAs (serviceAccountUser) does.
    [escalation] = closed["privilege_escalation"]
    assert escalation["source"] == f"projects/{ALPHA} binding roles/run.developer"
    assert "iam.serviceAccounts.actAs" in escalation["actions"] and "run.services.create" in escalation["actions"]
    assert "roles/iam.serviceAccountUser" in escalation["reason"]
    assert [g["source"] for g in closed["modify_functions"]] == [f"projects/{ALPHA} binding roles/run.developer"]
    hardened = full_scan.fn("hardened-v2")["identity"]
    assert hardened["principal"] == HARDENED_SA
    assert hardened["admin"] == hardened["privilege_escalation"] == hardened["modify_functions"] == []
    assert hardened["wildcard"] == []
    # Sharing is found across the inventory: two functions run as HARDENED_SA (one identity group).
    assert shared_with(full_scan.doc, full_scan.fn("hardened-v2")["id"]) == [fid(ALPHA, "us-east1", "directvpc-v2")]
    assert "shared_with" not in hardened  # schema 2.0 writes identity_groups instead
    beta = full_scan.fn("plain-v2")["identity"]  # roles/viewer: read-only, so nothing to report
    assert beta["principal"] == BETA_SA and beta["wildcard"] == beta["admin"] == beta["modify_functions"] == []


def test_invocation_paths(full_scan: Run) -> None:
    open_v1 = full_scan.fn("open-v1")["network"]
    assert open_v1["anonymous_invoke"] is True
    own = [p for p in open_v1["invocation"] if p["evidence"].startswith(fid(ALPHA, "us-central1", "open-v1"))]
    assert own == [
        {
            "via": "iam_binding",
            "principal": "allUsers",
            "principal_kind": "anonymous",
            "cross_account": False,
            "conditions": [],
            "narrowed": False,
            "auth": "none",
            "evidence": f"{fid(ALPHA, 'us-central1', 'open-v1')} binding roles/cloudfunctions.invoker",
            "qualifier": None,
            "front_door": None,
            "route": None,
        }
    ]
    # Project Editors hold cloudfunctions.functions.invoke and run.routes.invoke: inherited invokers.
    inherited = {p["principal"]: p["evidence"] for p in open_v1["invocation"] if p not in own}
    assert inherited == {
        f"serviceAccount:{ALPHA}@appspot.gserviceaccount.com": f"projects/{ALPHA} binding roles/editor",
        f"serviceAccount:{ALPHA_NUM}-compute@developer.gserviceaccount.com": f"projects/{ALPHA} binding roles/editor",
    }
    authn = full_scan.fn("authn-v2")["network"]
    kinds = {
        p["principal"]: (p["principal_kind"], p["cross_account"])
        for p in authn["invocation"]
        if not p["evidence"].startswith(f"projects/{ALPHA} ")
    }
    assert kinds == {
        "allAuthenticatedUsers": ("any_authenticated", False),
        f"serviceAccount:{BETA_SA}": ("identity", True),
    }
    assert authn["anonymous_invoke"] is False and authn["cross_account_invoke"] is True
    dvpc = {
        p["principal"]: p["principal_kind"]
        for p in full_scan.fn("directvpc-v2")["network"]["invocation"]
        if not p["evidence"].startswith(f"projects/{ALPHA} ")
    }
    assert dvpc == {"domain:acme.example": "organization", "group:ops@acme.example": "identity"}
    norun = full_scan.fn("norun-v2")["network"]
    assert norun["invocation"][0]["via"] == "http_trigger" and norun["anonymous_invoke"] is True
    # A condition on allUsers is not one IAM enforces, and request.time limits when, not who:
    # https://cloud.google.com/iam/docs/conditions-overview#limitations
    event = full_scan.fn("event-v1")["network"]
    assert event["invocation"][0]["narrowed"] is False
    assert event["invocation"][0]["conditions"] == ["only-before-2027"]
    assert event["anonymous_invoke"] is True
    assert full_scan.fn("hardened-v2")["network"]["invocation"][0]["cross_account"] is False


def test_ingress_and_private_network(full_scan: Run) -> None:
    net = full_scan.fn("open-v1")["network"]
    assert (net["ingress"], net["public_ingress"]) == ("ALLOW_ALL", True)
    assert net["endpoint_url"] == f"https://us-central1-{ALPHA}.cloudfunctions.net/open-v1"
    assert net["private_network"]["attached"] is False
    assert net["cors"] is None and net["platform_auth"] is None and net["management"] is None
    hard = full_scan.fn("hardened-v2")["network"]
    assert (hard["ingress"], hard["public_ingress"]) == ("ALLOW_INTERNAL_ONLY", False)
    assert hard["private_network"]["attached"] is True and hard["private_network"]["egress_via_private"] is True
    assert hard["private_network"]["network_id"].endswith("/connectors/c2")
    assert hard["endpoint_url"].startswith("https://hardened-v2-")
    closed = full_scan.fn("closed-v1")["network"]["private_network"]
    assert closed["attached"] is True and closed["egress_via_private"] is False  # PRIVATE_RANGES_ONLY
    dvpc = full_scan.fn("directvpc-v2")["network"]["private_network"]
    assert dvpc["attached"] is True and dvpc["egress_via_private"] is True
    assert dvpc["network_id"] == f"projects/{ALPHA}/global/networks/prod"
    assert dvpc["subnets"] == [f"projects/{ALPHA}/regions/us-east1/subnetworks/s1"]
    norun = full_scan.fn("norun-v2")["network"]
    assert (norun["ingress"], norun["public_ingress"]) == ("ALLOW_INTERNAL_AND_GCLB", False)
    assert full_scan.fn("event-v1")["network"]["endpoint_url"] is None


def test_secrets_classified_never_stored(full_scan: Run) -> None:
    settings = {(s["source"], s["name"]): s for s in full_scan.fn("open-v1")["secrets"]["settings"]}
    assert settings[("environment", "DB_PASSWORD")]["classification"] == "plaintext_secret"
    assert settings[("environment", "LOG_LEVEL")]["classification"] == "ordinary"
    assert settings[("build_environment", "GITHUB_TOKEN")]["classification"] == "plaintext_secret"
    assert settings[("build_environment", "PIP_INDEX_URL")]["classification"] == "plaintext_secret"
    assert full_scan.fn("open-v1")["secrets"]["store_references"] == []
    aws = full_scan.fn("authn-v2")["secrets"]["settings"]
    assert aws[0]["name"] == "AWS_ACCESS_KEY_ID" and aws[0]["classification"] == "plaintext_secret"
    hard = full_scan.fn("hardened-v2")["secrets"]
    assert hard["store_references"] == [
        f"projects/{ALPHA}/secrets/db-password/versions/latest",
        f"projects/{ALPHA}/secrets/tls-key/versions/1",
    ]
    assert [s["classification"] for s in hard["settings"]] == ["ordinary"]
    assert hard["storage_connection"] is None
    assert full_scan.fn("closed-v1")["secrets"]["store_references"] == [
        f"projects/{ALPHA}/secrets/closed-api-key/versions/2"
    ]


def test_no_secret_value_anywhere(full_scan: Run) -> None:
    html = "".join(p.read_text(encoding="utf-8") for p in full_scan.out.glob("*.html"))
    assert html, "the html report was written"
    for value in SECRET_VALUES:
        for surface in (full_scan.stdout, full_scan.stderr, full_scan.raw, html):
            assert value not in surface
            assert value[6:] not in surface  # not even a long tail of it


def test_hostile_label_kept_as_data_and_escaped_in_html(full_scan: Run) -> None:
    assert full_scan.fn("open-v1")["tags"] == {"owner": HOSTILE}
    html = "".join(p.read_text(encoding="utf-8") for p in full_scan.out.glob("*.html"))
    assert html and HOSTILE not in html  # never rendered raw


def test_encryption(full_scan: Run) -> None:
    open_enc = full_scan.fn("open-v1")["encryption"]
    assert open_enc["https_only"] is False and open_enc["cmk"] is None and open_enc["cmk_supported"] is True
    assert open_enc["min_tls_version"] is None
    closed = full_scan.fn("closed-v1")["encryption"]
    assert closed["https_only"] is True
    assert closed["cmk"] == {"key_id": KEY_OK, "state": "enabled", "customer_managed": True, "rotation_enabled": True}
    bad = full_scan.fn("hardened-v2")["encryption"]["cmk"]
    assert bad == {"key_id": KEY_BAD, "state": "disabled", "customer_managed": True, "rotation_enabled": False}
    assert open_enc["cmk_covers_code"] is True
    assert full_scan.fn("hardened-v2")["encryption"]["https_only"] is True
    assert full_scan.fn("event-v1")["encryption"]["https_only"] is None  # no HTTP trigger


def test_runtime_lifecycle_live_and_fallback(full_scan: Run) -> None:
    old = full_scan.fn("open-v1")["runtime"]
    assert (old["name"], old["language"], old["version"]) == ("python39", "python", "3.9")
    assert (old["deprecated_on"], old["lifecycle_source"]) == ("2025-10-05", "gcp list_runtimes")
    ga = full_scan.fn("hardened-v2")["runtime"]
    assert (ga["version"], ga["deprecated_on"], ga["lifecycle_source"]) == ("3.12", None, "gcp list_runtimes")
    node = full_scan.fn("authn-v2")["runtime"]
    assert (node["language"], node["version"], node["deprecated_on"]) == ("nodejs", "22", "2027-04-30")
    ruby = full_scan.fn("closed-v1")["runtime"]  # not in the live list: bundled data
    assert (ruby["version"], ruby["deprecated_on"]) == ("3.2", "2026-03-31")
    assert ruby["lifecycle_source"].startswith("ztscan runtime data")
    assert full_scan.fn("event-v1")["runtime"]["version"] == "1.25"


def test_supply_chain_and_monitoring(full_scan: Run) -> None:
    sc = full_scan.fn("open-v1")["supply_chain"]
    assert sc["image_registry"] == "container_registry" and sc["deprecated_registry"] is True
    assert sc["code_signing"] is None and sc["layers"] is None
    hard = full_scan.fn("hardened-v2")["supply_chain"]
    assert hard["image_registry"] == "artifact_registry" and hard["deprecated_registry"] is False
    assert full_scan.fn("closed-v1")["supply_chain"]["build_identity"] == f"builder@{ALPHA}.iam.gserviceaccount.com"
    mon = full_scan.fn("open-v1")["monitoring"]
    assert mon == {
        "tracing": None,
        "log_retention_days": None,
        "failure_destination": None,
        "failure_destination_supported": False,
        "app_insights": None,
    }


def test_findings_reflect_the_facts(full_scan: Run) -> None:
    open_v1 = full_scan.findings("open-v1")
    hard = full_scan.findings("hardened-v2")
    assert open_v1["ZT-NET-001"] == "FAIL" and hard["ZT-NET-001"] == "PASS"
    assert open_v1["ZT-SEC-001"] == "FAIL" and hard["ZT-SEC-001"] == "PASS"
    assert open_v1["ZT-IAM-001"] == "FAIL" and hard["ZT-IAM-001"] == "PASS"
    assert open_v1["ZT-RUN-001"] == "FAIL" and hard["ZT-RUN-001"] == "PASS"
    assert full_scan.findings("norun-v2")["ZT-NET-001"] == "FAIL"
    assert full_scan.findings("event-v1")["ZT-NET-001"] == "FAIL"  # time-limited allUsers is still public
    # Keys are read from Cloud KMS: one enabled and rotating, one disabled and never rotated.
    closed = full_scan.findings("closed-v1")
    assert (closed["ZT-ENC-001"], closed["ZT-ENC-002"], closed["ZT-ENC-003"]) == ("PASS", "PASS", "PASS")
    assert (hard["ZT-ENC-001"], hard["ZT-ENC-002"], hard["ZT-ENC-003"]) == ("PASS", "FAIL", "FAIL")
    # A CMEK protects source and image too: no environment variables is still something to encrypt.
    assert full_scan.fn("plain-v2")["secrets"]["settings"] == []
    assert full_scan.findings("plain-v2")["ZT-ENC-001"] == "FAIL"
    unassessed = [(f["name"], check) for f in full_scan.doc["functions"]
                  for check, status in full_scan.findings(f["name"]).items() if status == "NOT_ASSESSED"]
    assert unassessed == []
