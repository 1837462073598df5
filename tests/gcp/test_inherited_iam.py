"""Grants from above the project and from custom roles, judged by permissions, through the CLI.

Inheritance organization -> folders -> project -> resource:
https://cloud.google.com/iam/docs/resource-hierarchy-access-control
Conditions narrow only through resource attributes:
https://cloud.google.com/iam/docs/conditions-attribute-reference
"""

from __future__ import annotations

from tests.conftest import findings_of
from tests.gcp.conftest import Run
from tests.gcp.estate import COND_DEV_SA, DELTA, ORG, PARTNER_SA, TIMED_SA


def sources(run: Run, name: str, fact: str) -> list[str]:
    return [g["source"] for g in run.fn(name)["identity"][fact]]


def test_folder_editor_is_admin_escalation_and_lateral_movement(full_scan: Run) -> None:
    source = "folders/700 binding roles/editor"
    for fact in ("admin", "wildcard", "privilege_escalation", "modify_functions"):
        assert source in sources(full_scan, "inherit-editor", fact), fact
    assert full_scan.fn("inherit-editor")["identity"]["admin"][0]["resources"] == ["folders/700"]
    found = full_scan.findings("inherit-editor")
    assert [found[c] for c in ("ZT-IAM-001", "ZT-IAM-003", "ZT-IAM-006")] == ["FAIL"] * 3
    evidence = next(f["evidence"] for f in findings_of(full_scan.doc)
                    if f["resource_name"] == "inherit-editor" and f["check_id"] == "ZT-IAM-001")
    assert any(e.startswith(source) for e in evidence)


def test_organization_token_creator_escalates_but_is_not_admin(full_scan: Run) -> None:
    assert sources(full_scan, "inherit-token", "privilege_escalation") == [
        f"{ORG} binding roles/iam.serviceAccountTokenCreator"
    ]
    assert "iam.serviceAccounts.getAccessToken" in full_scan.fn("inherit-token")["identity"][
        "privilege_escalation"][0]["actions"]
    found = full_scan.findings("inherit-token")
    assert (found["ZT-IAM-001"], found["ZT-IAM-003"], found["ZT-IAM-006"]) == ("PASS", "FAIL", "PASS")


def test_organization_custom_role_with_act_as_and_create_escalates(full_scan: Run) -> None:
    source = f"projects/{DELTA} binding {ORG}/roles/fnDeployer"
    [grant] = full_scan.fn("custom-deploy")["identity"]["privilege_escalation"]
    assert grant["source"] == source
    assert grant["actions"] == ["cloudfunctions.functions.create", "iam.serviceAccounts.actAs"]
    assert sources(full_scan, "custom-deploy", "modify_functions") == [source]
    found = full_scan.findings("custom-deploy")
    assert (found["ZT-IAM-001"], found["ZT-IAM-003"], found["ZT-IAM-006"]) == ("PASS", "FAIL", "FAIL")


def test_harmless_and_deleted_project_custom_roles_grant_nothing_notable(full_scan: Run) -> None:
    ident = full_scan.fn("custom-harmless")["identity"]
    # projects/zt-delta/roles/oldAdmin carries setIamPolicy but is deleted: it grants nothing.
    assert ident["admin"] == ident["privilege_escalation"] == ident["modify_functions"] == ident["wildcard"] == []
    found = full_scan.findings("custom-harmless")
    assert [found[c] for c in ("ZT-IAM-001", "ZT-IAM-002", "ZT-IAM-003", "ZT-IAM-006")] == ["PASS"] * 4


def test_resource_condition_decides_which_functions_an_identity_can_change(full_scan: Run) -> None:
    [grant] = full_scan.fn("cond-dev")["identity"]["modify_functions"]
    assert grant["source"] == "folders/700 binding roles/cloudfunctions.developer"
    assert grant["reason"].endswith("(only where: cond-functions-only)")
    assert full_scan.findings("cond-dev")["ZT-IAM-006"] == "FAIL"
    # harmless@ holds run.developer on folders/700 only for another project's resources.
    assert full_scan.fn("custom-harmless")["identity"]["modify_functions"] == []
    assert full_scan.findings("custom-harmless")["ZT-IAM-006"] == "PASS"
    assert f"serviceAccount:{COND_DEV_SA}" in invokers(full_scan, "cond-v1")
    assert f"serviceAccount:{COND_DEV_SA}" not in invokers(full_scan, "other-v1")


def invokers(run: Run, name: str) -> dict[str, dict[str, object]]:
    return {p["principal"]: p for p in run.fn(name)["network"]["invocation"]}


def test_custom_invoker_role_on_a_folder_reaches_2nd_gen_only(full_scan: Run) -> None:
    partner = f"serviceAccount:{PARTNER_SA}"
    path = invokers(full_scan, "custom-harmless")[partner]
    assert path["evidence"] == f"folders/710 binding {ORG}/roles/routeCaller"
    assert path["cross_account"] is True and path["narrowed"] is False
    assert full_scan.findings("custom-harmless")["ZT-NET-003"] == "FAIL"
    # routeCaller carries run.routes.invoke, which 1st gen functions do not check.
    assert partner not in invokers(full_scan, "other-v1")
    assert full_scan.findings("other-v1")["ZT-NET-003"] == "PASS"


def test_resource_condition_is_evaluated_per_function(full_scan: Run) -> None:
    partner = f"serviceAccount:{PARTNER_SA}"
    path = invokers(full_scan, "cond-v1")[partner]
    assert path["evidence"] == "folders/710 binding roles/cloudfunctions.invoker"
    assert path["conditions"] == ["cond-functions-only"]
    assert full_scan.findings("cond-v1")["ZT-NET-003"] == "FAIL"
    assert partner not in invokers(full_scan, "other-v1")  # the condition's prefix does not match


def test_request_time_condition_does_not_narrow(full_scan: Run) -> None:
    path = invokers(full_scan, "inherit-token")[f"serviceAccount:{TIMED_SA}"]
    assert path["conditions"] == ["until-2027"] and path["narrowed"] is False
    assert path["evidence"] == f"projects/{DELTA} binding roles/run.invoker"
