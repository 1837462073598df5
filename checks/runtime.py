"""Runtime and supply-chain checks."""

from __future__ import annotations

from checks.remediation import fix
from scanner.findings import Pillar, Severity, Verdict
from scanner.inventory import ServerlessFunction
from scanner.registry import ScanContext, check


@check(
    id="ZT-RUN-001",
    title="Function runs on a runtime past its end of support",
    pillar=Pillar.runtime,
    severity=Severity.high,
    rationale="An unsupported runtime no longer receives security patches from the cloud or the language.",
    risk="Known vulnerabilities in the language runtime and OS image stay exploitable; the cloud may block "
    "updates to the function.",
    remediation=fix(
        aws=("Upgrade the function to a supported runtime and redeploy.",
             "aws lambda update-function-configuration --function-name FN --runtime python3.13",
             'resource "aws_lambda_function" "fn" { runtime = "python3.13" }'),
        azure=("Move the app to a supported language version and Functions host ~4.",
               "az functionapp config set -g RG -n APP --linux-fx-version 'PYTHON|3.12'",
               'site_config { application_stack { python_version = "3.12" } }'),
        gcp=("Redeploy the function on a supported runtime.",
             "gcloud functions deploy FN --runtime python312",
             'build_config { runtime = "python312" }'),
    ),
    references=["https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
                "https://learn.microsoft.com/azure/azure-functions/language-support-policy",
                "https://cloud.google.com/functions/docs/runtime-support"],
    compliance={"CIS-AWS-Compute": ["4.10"], "AWS-FSBP": ["Lambda.2"], "NIST-800-53": ["SI-2", "SA-22"],
                "OWASP-Serverless": ["SAS-6"]},
)
def deprecated_runtime(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    rt = fn.runtime
    if rt.name is None:
        return Verdict.not_applicable(f"no managed runtime (package type {rt.package_type or 'unknown'})")
    past = rt.deprecated_on is not None and rt.deprecated_on <= ctx.scan_date
    return Verdict.fail_if(
        [f"{rt.name} reached end of support on {rt.deprecated_on} (source: {rt.lifecycle_source})"] if past else [],
        passed=f"{rt.name} is supported" + (f" until {rt.deprecated_on}" if rt.deprecated_on else ""),
    )
