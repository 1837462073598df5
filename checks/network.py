"""Invocation and network checks: who can call the function, and from where."""

from __future__ import annotations

from checks.remediation import fix
from scanner.findings import Pillar, Severity, Verdict
from scanner.inventory import ServerlessFunction
from scanner.registry import ScanContext, check


@check(
    id="ZT-NET-001",
    title="Function can be invoked anonymously",
    pillar=Pillar.network,
    severity=Severity.critical,
    rationale="Never trust, always verify: every call should carry an identity the platform checks.",
    risk="Anyone on the internet can run the function, spend its budget and reach whatever its identity can.",
    remediation=fix(
        aws=("Set the function URL auth type to AWS_IAM and remove resource-policy statements whose "
             "Principal is '*' or add an aws:SourceArn/aws:SourceAccount condition.",
             "aws lambda update-function-url-config --function-name FN --auth-type AWS_IAM",
             'resource "aws_lambda_function_url" "fn" { authorization_type = "AWS_IAM" }'),
        azure=("Enable App Service Authentication with 'Require authentication', or set the HTTP trigger's "
               "authLevel to function and restrict public network access.",
               "az webapp auth update -g RG -n APP --enabled true --action Return401",
               'auth_settings_v2 { auth_enabled = true; require_authentication = true }'),
        gcp=("Remove allUsers from the invoker role and require authenticated calls.",
             "gcloud functions remove-invoker-policy-binding FN --member=allUsers --region=REGION",
             'resource "google_cloudfunctions2_function_iam_member" "x" { member = "serviceAccount:CALLER" }'),
    ),
    references=["https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html",
                "https://cloud.google.com/functions/docs/securing/managing-access-iam"],
    compliance={"CIS-AWS-Compute": ["4.6", "4.7"], "AWS-FSBP": ["Lambda.1"], "NIST-800-53": ["AC-3", "IA-2"],
                "NIST-800-207": ["Tenet 3", "Tenet 6"], "OWASP-Serverless": ["SAS-2"]},
)
def anonymous_invoke(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    open_paths = [p for p in fn.network.invocation if p.principal_kind == "anonymous" and not p.narrowed]
    return Verdict.fail_if([f"{p.via}: {p.principal} ({p.evidence})" for p in open_paths],
                           passed=f"{len(fn.network.invocation)} invocation path(s), none anonymous")
