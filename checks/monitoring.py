"""Monitoring and resilience checks: would anyone notice, and is a failed event kept?"""

from __future__ import annotations

from scanner.findings import Verdict
from scanner.inventory import ServerlessFunction
from scanner.registry import ScanContext, check


@check("ZT-MON-001", "Active tracing is off")
def tracing_off(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    tracing = fn.monitoring.tracing
    if tracing is None:
        return Verdict.not_applicable("tracing is not a setting of this function")
    return Verdict.fail_if([] if tracing else ["tracing mode PassThrough (not active)"], passed="active tracing on")


@check("ZT-MON-002", "No failure destination or dead-letter queue")
def no_failure_destination(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    if not fn.monitoring.failure_destination_supported:
        return Verdict.not_applicable("the platform has no failure destination for this function")
    target = fn.monitoring.failure_destination
    return Verdict.fail_if([] if target else ["no dead-letter queue and no on-failure destination"],
                           passed=f"failures go to {target}")


@check("ZT-MON-003", "Function logs have no retention period")
def no_log_retention(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    days = fn.monitoring.log_retention_days
    if days is None:
        return Verdict.not_applicable("log retention is not a setting of this function")
    return Verdict.fail_if(["log group never expires (no retention set)"] if days == 0 else [],
                           passed=f"logs kept {days} days")


@check("ZT-MON-004", "Application Insights is not connected")
def no_app_insights(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    connected = fn.monitoring.app_insights
    if connected is None:
        return Verdict.not_applicable("Application Insights does not apply to this function")
    return Verdict.fail_if([] if connected else ["no APPLICATIONINSIGHTS_CONNECTION_STRING or instrumentation key"],
                           passed="Application Insights connected")
