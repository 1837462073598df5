"""Monitoring and resilience checks: would anyone notice, and is a failed event kept?"""

from __future__ import annotations

from checks.remediation import fix
from scanner.findings import Pillar, Severity, Verdict
from scanner.inventory import ServerlessFunction
from scanner.registry import ScanContext, check


@check(
    id="ZT-MON-001",
    title="Active tracing is off",
    pillar=Pillar.monitoring,
    severity=Severity.low,
    rationale="Zero trust collects as much information as possible about requests: traces show who called "
    "what, and where a request went next.",
    risk="An abused function's downstream calls cannot be reconstructed during an investigation.",
    remediation=fix(
        aws=("Lambda > Configuration > Monitoring and operations tools: enable AWS X-Ray active tracing.",
             "aws lambda update-function-configuration --function-name FN --tracing-config Mode=Active",
             'tracing_config { mode = "Active" }'),
    ),
    references=["https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html"],
    compliance={"AWS-FSBP": ["Lambda.7"], "NIST-800-53": ["AU-12", "SI-4"], "NIST-800-207": ["Tenet 7"],
                "OWASP-Serverless": ["A10:2017"]},
    providers=["aws"],
)
def tracing_off(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    tracing = fn.monitoring.tracing
    if tracing is None:
        return Verdict.not_applicable("tracing is not a setting of this function")
    return Verdict.fail_if([] if tracing else ["tracing mode PassThrough (not active)"], passed="active tracing on")


@check(
    id="ZT-MON-002",
    title="No failure destination or dead-letter queue",
    pillar=Pillar.monitoring,
    severity=Severity.low,
    rationale="Events that fail every retry should be kept for inspection, not silently dropped.",
    risk="Failed or maliciously malformed events vanish: no alert, no replay, no forensic record.",
    remediation=fix(
        aws=("Lambda > Configuration > Asynchronous invocation: set a dead-letter SQS queue/SNS topic or an "
             "on-failure destination; for event source mappings set an on-failure destination.",
             "aws lambda update-function-configuration --function-name FN --dead-letter-config TargetArn=QUEUE_ARN",
             'dead_letter_config { target_arn = aws_sqs_queue.dlq.arn }'),
    ),
    references=["https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html"],
    compliance={"NIST-800-53": ["AU-12", "CP-10"], "NIST-800-207": ["Tenet 7"], "OWASP-Serverless": ["A10:2017"]},
    providers=["aws"],
)
def no_failure_destination(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    if not fn.monitoring.failure_destination_supported:
        return Verdict.not_applicable("the platform has no failure destination for this function")
    target = fn.monitoring.failure_destination
    return Verdict.fail_if([] if target else ["no dead-letter queue and no on-failure destination"],
                           passed=f"failures go to {target}")


@check(
    id="ZT-MON-003",
    title="Function logs have no retention period",
    pillar=Pillar.monitoring,
    severity=Severity.low,
    rationale="A deliberate retention period keeps logs as long as investigations need them and no longer "
    "(logs hold request data and identifiers).",
    risk="Logs either grow without bound, holding personal data forever, or are deleted by hand before an "
    "investigation needs them.",
    remediation=fix(
        aws=("CloudWatch > Log groups > /aws/lambda/FN > Actions > Edit retention setting.",
             "aws logs put-retention-policy --log-group-name /aws/lambda/FN --retention-in-days 365",
             'resource "aws_cloudwatch_log_group" "fn" { name = "/aws/lambda/FN"  retention_in_days = 365 }'),
    ),
    references=["https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html"],
    compliance={"NIST-800-53": ["AU-11"], "NIST-800-207": ["Tenet 7"], "OWASP-Serverless": ["A10:2017"]},
    providers=["aws"],
)
def no_log_retention(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    days = fn.monitoring.log_retention_days
    if days is None:
        return Verdict.not_applicable("log retention is not a setting of this function")
    return Verdict.fail_if(["log group never expires (no retention set)"] if days == 0 else [],
                           passed=f"logs kept {days} days")


@check(
    id="ZT-MON-004",
    title="Application Insights is not connected",
    pillar=Pillar.monitoring,
    severity=Severity.low,
    rationale="Application Insights is where a function app's requests, failures, dependencies and traces "
    "are recorded.",
    risk="Abuse of the function (unusual callers, error bursts, new outbound dependencies) goes unseen.",
    remediation=fix(
        azure=("Function app > Application Insights: turn on and select a workspace-based resource.",
               "az functionapp config appsettings set -g RG -n APP "
               "--settings APPLICATIONINSIGHTS_CONNECTION_STRING=CONNECTION_STRING",
               'app_settings = { APPLICATIONINSIGHTS_CONNECTION_STRING = azurerm_application_insights.ai.connection_string }'),
    ),
    references=["https://learn.microsoft.com/azure/azure-functions/configure-monitoring"],
    compliance={"NIST-800-53": ["AU-12", "SI-4", "AU-6"], "NIST-800-207": ["Tenet 7"],
                "OWASP-Serverless": ["A10:2017"]},
    providers=["azure"],
)
def no_app_insights(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    connected = fn.monitoring.app_insights
    if connected is None:
        return Verdict.not_applicable("Application Insights does not apply to this function")
    return Verdict.fail_if([] if connected else ["no APPLICATIONINSIGHTS_CONNECTION_STRING or instrumentation key"],
                           passed="Application Insights connected")
