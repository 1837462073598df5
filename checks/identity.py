"""Identity checks: what the function runs as, and what that identity may do."""

from __future__ import annotations

from checks.remediation import fix
from scanner.findings import Pillar, Severity, Verdict
from scanner.inventory import Grant, ServerlessFunction
from scanner.registry import ScanContext, check


def _evidence(grants: list[Grant]) -> list[str]:
    return [f"{g.source} [{g.statement or '-'}]: {g.reason} ({', '.join(g.actions[:6])})" for g in grants]


@check(
    id="ZT-IAM-001",
    title="Function identity has administrator access",
    pillar=Pillar.identity,
    severity=Severity.critical,
    rationale="Least privilege: a function should hold only the permissions its code needs.",
    risk="Anyone who can run code in the function (a vulnerable dependency, an injection) controls the "
    "whole account, subscription or project.",
    remediation=fix(
        aws=("Replace AdministratorAccess or Action '*' statements on the execution role with a policy "
             "scoped to the actions and resources the function uses (IAM Access Analyzer can generate one).",
             "aws iam detach-role-policy --role-name ROLE --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
             'resource "aws_iam_role_policy" "fn" { policy = data.aws_iam_policy_document.least_privilege.json }'),
        azure=("Remove the Owner/Contributor/User Access Administrator assignment from the managed identity "
               "and assign a narrowly scoped role on the resources the function uses.",
               "az role assignment delete --assignee PRINCIPAL_ID --role Owner --scope /subscriptions/SUB",
               'resource "azurerm_role_assignment" "fn" { role_definition_name = "Storage Blob Data Reader" }'),
        gcp=("Remove roles/owner and roles/editor from the function's service account and grant only the "
             "predefined roles it needs.",
             "gcloud projects remove-iam-policy-binding PROJECT --member serviceAccount:SA --role roles/editor",
             'resource "google_project_iam_member" "fn" { role = "roles/datastore.user" }'),
    ),
    references=["https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
                "https://cloud.google.com/functions/docs/securing/function-identity"],
    compliance={"CIS-AWS-Compute": ["4.8"], "NIST-800-53": ["AC-6"], "NIST-800-207": ["Tenet 6"],
                "OWASP-Serverless": ["SAS-5"]},
)
def admin_identity(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    return Verdict.fail_if(_evidence(fn.identity.admin), passed="no grant amounts to full control")
