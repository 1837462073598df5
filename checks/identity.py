"""Identity checks: what the function runs as, and what that identity may do.

Privilege is judged from the effective grants the provider computed for the function's own
identity (``identity.admin/wildcard/privilege_escalation/modify_functions``), never from names.
"""

from __future__ import annotations

from checks.remediation import fix
from scanner.findings import Pillar, Severity, Verdict
from scanner.inventory import Grant, ServerlessFunction
from scanner.registry import ScanContext, check


def _evidence(grants: list[Grant]) -> list[str]:
    out = []
    for g in grants:
        actions = ", ".join(g.actions[:6]) + (f" (+{len(g.actions) - 6} more)" if len(g.actions) > 6 else "")
        resources = ", ".join(g.resources[:3]) or "-"
        out.append(f"{g.source} [{g.statement or '-'}]: {g.reason}; actions {actions}; on {resources}")
    return out


def _no_identity(fn: ServerlessFunction) -> Verdict | None:
    if fn.identity.kind == "none":
        return Verdict.not_applicable("the function runs without an identity of its own, so it holds no grants")
    return None


_LEAST_PRIVILEGE = fix(
    aws=("IAM > Roles > the execution role: detach AdministratorAccess and wildcard statements and attach a "
         "policy listing only the actions and resource ARNs the code uses (IAM Access Analyzer > Generate "
         "policy builds one from CloudTrail).",
         "aws iam detach-role-policy --role-name ROLE --policy-arn arn:aws:iam::aws:policy/AdministratorAccess",
         'resource "aws_iam_role_policy" "fn" { role = aws_iam_role.fn.id\n'
         '  policy = data.aws_iam_policy_document.least_privilege.json }'),
    azure=("Function app > Identity > Azure role assignments: remove Owner, Contributor, User Access "
           "Administrator and custom '*' roles; assign a data-plane role scoped to the one resource used.",
           "az role assignment delete --assignee PRINCIPAL_ID --role Contributor --scope /subscriptions/SUB",
           'resource "azurerm_role_assignment" "fn" { scope = azurerm_storage_account.data.id\n'
           '  role_definition_name = "Storage Blob Data Reader" principal_id = PRINCIPAL_ID }'),
    gcp=("IAM & Admin > IAM: remove roles/owner, roles/editor and broad admin roles from the function's "
         "service account and grant only the predefined roles it needs, on the resources it uses.",
         "gcloud projects remove-iam-policy-binding PROJECT --member serviceAccount:SA --role roles/editor",
         'resource "google_project_iam_member" "fn" { role = "roles/datastore.user"\n'
         '  member = "serviceAccount:${google_service_account.fn.email}" }'),
)


@check(
    id="ZT-IAM-001",
    title="Function identity has administrator access",
    pillar=Pillar.identity,
    severity=Severity.critical,
    rationale="Least privilege: a function should hold only the permissions its code needs, never full "
    "control of the account, subscription or project.",
    risk="Anyone who can run code in the function (a vulnerable dependency, an injection) controls the "
    "whole account, subscription or project.",
    remediation=_LEAST_PRIVILEGE,
    references=["https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
                "https://learn.microsoft.com/azure/role-based-access-control/best-practices",
                "https://cloud.google.com/functions/docs/securing/function-identity"],
    compliance={"CIS-AWS-Compute": ["4.4", "4.9"], "NIST-800-53": ["AC-6"], "NIST-800-207": ["Tenet 6"],
                "OWASP-Serverless": ["A5:2017"]},
)
def admin_identity(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    return _no_identity(fn) or Verdict.fail_if(_evidence(fn.identity.admin),
                                               passed="no grant amounts to full control")


@check(
    id="ZT-IAM-002",
    title="Function identity has wildcard actions or resources",
    pillar=Pillar.identity,
    severity=Severity.medium,
    rationale="Wildcards grant today's and tomorrow's actions on every resource: the policy no longer says "
    "what the function is allowed to do.",
    risk="A compromised function can write to, delete or reconfigure resources far beyond the ones it uses.",
    remediation=_LEAST_PRIVILEGE,
    references=["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
                "https://cloud.google.com/iam/docs/using-iam-securely"],
    compliance={"CIS-AWS-Compute": ["4.4"], "NIST-800-53": ["AC-6"], "NIST-800-207": ["Tenet 6"],
                "OWASP-Serverless": ["A5:2017"]},
)
def wildcard_identity(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    return _no_identity(fn) or Verdict.fail_if(_evidence(fn.identity.wildcard),
                                               passed="no grant uses wildcard actions or resources for writes")


@check(
    id="ZT-IAM-003",
    title="Function identity can escalate its own privileges",
    pillar=Pillar.identity,
    severity=Severity.high,
    rationale="Permissions that rewrite policies, role assignments or pass roles are administrator access "
    "one step removed.",
    risk="Code running in the function can grant itself (or a new resource it creates) any permission.",
    remediation=fix(
        aws=("Remove iam:Put*/Attach*/CreatePolicyVersion/UpdateAssumeRolePolicy and unrestricted iam:PassRole "
             "from the execution role; scope iam:PassRole to named roles with an iam:PassedToService condition.",
             "aws iam delete-role-policy --role-name ROLE --policy-name POLICY",
             'statement { actions = ["iam:PassRole"] resources = [aws_iam_role.worker.arn]\n'
             '  condition { test = "StringEquals" variable = "iam:PassedToService" values = ["lambda.amazonaws.com"] } }'),
        azure=("Remove roles carrying Microsoft.Authorization/roleAssignments/write or roleDefinitions/write "
               "(Owner, User Access Administrator, custom roles) from the managed identity.",
               "az role assignment delete --assignee PRINCIPAL_ID --role 'User Access Administrator'",
               None),
        gcp=("Remove roles/iam.securityAdmin, roles/resourcemanager.projectIamAdmin, "
             "roles/iam.serviceAccountTokenCreator/User and similar from the function's service account.",
             "gcloud projects remove-iam-policy-binding PROJECT --member serviceAccount:SA "
             "--role roles/resourcemanager.projectIamAdmin",
             None),
    ),
    references=["https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
                "https://cloud.google.com/iam/docs/service-account-overview#service-account-permissions"],
    compliance={"CIS-AWS-Compute": ["4.4"], "NIST-800-53": ["AC-6", "AC-2"], "NIST-800-207": ["Tenet 6"],
                "OWASP-Serverless": ["A5:2017"]},
)
def privilege_escalation(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    return _no_identity(fn) or Verdict.fail_if(_evidence(fn.identity.privilege_escalation),
                                               passed="no privilege-escalation permission is held")


@check(
    id="ZT-IAM-004",
    title="Function identity is shared with other functions",
    pillar=Pillar.identity,
    severity=Severity.medium,
    rationale="One identity per function keeps each function's permissions to what that function needs, and "
    "keeps audit trails attributable.",
    risk="A compromise of any one function yields the union of permissions every sharing function needs; "
    "logs cannot tell the functions apart.",
    remediation=fix(
        aws=("Create one execution role per function with only that function's permissions.",
             "aws lambda update-function-configuration --function-name FN --role arn:aws:iam::ACCOUNT:role/FN-role",
             'resource "aws_lambda_function" "fn" { role = aws_iam_role.fn_own.arn }'),
        azure=("Give each function app its own system-assigned identity instead of a shared user-assigned one.",
               "az functionapp identity assign -g RG -n APP",
               'identity { type = "SystemAssigned" }'),
        gcp=("Create a dedicated service account per function and deploy the function with it.",
             "gcloud functions deploy FN --service-account FN-sa@PROJECT.iam.gserviceaccount.com",
             'service_config { service_account_email = google_service_account.fn.email }'),
    ),
    references=["https://docs.aws.amazon.com/lambda/latest/operatorguide/one-function-one-role.html",
                "https://cloud.google.com/functions/docs/securing/function-identity#individual"],
    compliance={"CIS-AWS-Compute": ["4.5"], "NIST-800-53": ["AC-6", "IA-9"], "NIST-800-207": ["Tenet 1"],
                "OWASP-Serverless": ["A5:2017"]},
)
def shared_identity(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    if fn.identity.principal is None:
        return Verdict.not_applicable("the function has no identity of its own")
    others = fn.identity.shared_with
    evidence = [f"{fn.identity.principal} is also the identity of {len(others)} other function(s): "
                f"{', '.join(others[:5])}" + (" ..." if len(others) > 5 else "")] if others else []
    return Verdict.fail_if(evidence, passed=f"{fn.identity.principal} is used by this function only")


@check(
    id="ZT-IAM-005",
    title="Function runs as a default identity or without a dedicated identity",
    pillar=Pillar.identity,
    severity=Severity.medium,
    rationale="Default identities are shared platform-wide and usually over-privileged (the GCP default "
    "service accounts hold Editor); without a managed identity an Azure app falls back to keys and "
    "connection strings.",
    risk="The function inherits broad project permissions, or must carry long-lived credentials in its "
    "settings to reach anything.",
    remediation=fix(
        azure=("Function app > Identity > System assigned: On, then grant that identity the roles it needs "
               "and replace connection strings with identity-based connections.",
               "az functionapp identity assign -g RG -n APP",
               'identity { type = "SystemAssigned" }'),
        gcp=("Create a dedicated, least-privileged service account and redeploy the function with "
             "--service-account instead of the App Engine or Compute Engine default account.",
             "gcloud functions deploy FN --service-account FN-sa@PROJECT.iam.gserviceaccount.com",
             'service_config { service_account_email = google_service_account.fn.email }'),
    ),
    references=["https://cloud.google.com/functions/docs/securing/function-identity",
                "https://learn.microsoft.com/azure/app-service/overview-managed-identity"],
    compliance={"CIS-Azure": ["9.5"], "NIST-800-53": ["IA-9", "AC-6"], "NIST-800-207": ["Tenet 6"],
                "OWASP-Serverless": ["A5:2017"]},
    providers=["azure", "gcp"],
)
def default_identity(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    ident = fn.identity
    evidence = [f"{ident.principal or 'no identity'}: {ident.default_reason or 'default identity'}"] \
        if ident.is_default else []
    return Verdict.fail_if(evidence, passed=f"dedicated identity {ident.principal}")


@check(
    id="ZT-IAM-006",
    title="Function identity can modify other functions (lateral movement)",
    pillar=Pillar.identity,
    severity=Severity.high,
    rationale="Changing another function's code, configuration or invoke policy means taking over that "
    "function's identity and triggers.",
    risk="A compromise of this function spreads to every function it can redeploy or reconfigure.",
    remediation=fix(
        aws=("Remove lambda:UpdateFunctionCode/UpdateFunctionConfiguration/AddPermission/CreateFunction from "
             "runtime roles; keep them on the deployment pipeline's role only.",
             "aws iam delete-role-policy --role-name ROLE --policy-name POLICY",
             None),
        azure=("Remove Microsoft.Web/sites/write and sites/config/write (Website Contributor, Contributor) "
               "from the function app's identity.",
               "az role assignment delete --assignee PRINCIPAL_ID --role 'Website Contributor'",
               None),
        gcp=("Remove roles/cloudfunctions.developer/admin and roles/run.developer/admin from the function's "
             "service account.",
             "gcloud projects remove-iam-policy-binding PROJECT --member serviceAccount:SA "
             "--role roles/cloudfunctions.developer",
             None),
    ),
    references=["https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html"],
    compliance={"NIST-800-53": ["AC-6", "CM-7"], "NIST-800-207": ["Tenet 6"], "OWASP-Serverless": ["A5:2017"],
                "CIS-AWS-Compute": ["4.4"]},
)
def modify_functions(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    return _no_identity(fn) or Verdict.fail_if(_evidence(fn.identity.modify_functions),
                                               passed="cannot change other functions")


@check(
    id="ZT-IAM-007",
    title="Execution identity can be assumed by principals other than the function service",
    pillar=Pillar.identity,
    severity=Severity.high,
    rationale="Only the function service should be able to act as the function's identity; any other "
    "trusted principal must be pinned to a known source (confused deputy).",
    risk="Another account, user or service obtains the function's credentials and all its permissions.",
    remediation=fix(
        aws=("IAM > Roles > the execution role > Trust relationships: keep only lambda.amazonaws.com, or add "
             "aws:SourceAccount / aws:SourceArn / sts:ExternalId conditions to any other principal.",
             "aws iam update-assume-role-policy --role-name ROLE --policy-document file://lambda-only-trust.json",
             'assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",\n'
             '  Principal = { Service = "lambda.amazonaws.com" } }] })'),
    ),
    references=["https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
                "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html"],
    compliance={"NIST-800-53": ["AC-3", "IA-9"], "NIST-800-207": ["Tenet 6"], "OWASP-Serverless": ["A5:2017"]},
    providers=["aws"],
)
def open_trust(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    trust = fn.identity.trust
    if trust is None:
        return Verdict.not_applicable("no trust policy for this identity")
    evidence = []
    for p in trust:
        if p.is_function_service:
            continue
        if p.kind in ("anonymous", "any_authenticated") and not p.narrowed:
            evidence.append(f"trust policy allows {p.principal} ({p.kind}) to assume the role")
        elif not p.narrowed:
            conds = f" (conditions {', '.join(p.conditions)} do not pin the source)" if p.conditions else \
                " without a source condition"
            evidence.append(f"trust policy allows {p.kind} principal {p.principal} to assume the role{conds}")
    narrowed = [p.principal for p in trust if not p.is_function_service and p.narrowed]
    passed = "only the function service may assume the role" + (
        f"; {', '.join(narrowed)} pinned by conditions" if narrowed else "")
    return Verdict.fail_if(evidence, passed=passed)
