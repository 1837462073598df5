"""Encryption checks: keys the customer controls, and their health."""

from __future__ import annotations

from scanner.findings import Status, Verdict
from scanner.inventory import ServerlessFunction
from scanner.registry import ScanContext, check


@check("ZT-ENC-001", "Function configuration is not encrypted with a customer-managed key")
def no_customer_managed_key(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    if not fn.encryption.cmk_supported:
        return Verdict.not_applicable("the cloud offers no customer-managed key for this configuration")
    code = fn.encryption.cmk_covers_code
    if not code and not fn.secrets.settings and not fn.secrets.store_references:
        return Verdict.not_applicable("the function has no configuration to encrypt")
    key = fn.encryption.cmk
    if key:
        return Verdict.fail_if([], passed=f"customer-managed key {key.key_id}")
    count = len(fn.secrets.settings) + len(fn.secrets.store_references)
    what = f"{count} setting(s)/secret reference(s)" + (" and the function's source and image" if code else "")
    return Verdict.fail_if([f"{what} encrypted only with a provider-owned key"])


@check("ZT-ENC-002", "Customer-managed key is disabled, pending deletion or unavailable")
def key_unusable(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    key = fn.encryption.cmk
    if key is None:
        return Verdict.not_applicable("no customer-managed key")
    if key.state is None:
        return Verdict(Status.NOT_ASSESSED, (f"state of key {key.key_id} was not read",))
    if key.state == "other":
        return Verdict(Status.NOT_ASSESSED, (f"key {key.key_id} is in a state ztscan does not recognise",))
    return Verdict.fail_if([f"key {key.key_id} is {key.state.replace('_', ' ')}"] if key.state != "enabled" else [],
                           passed=f"key {key.key_id} is enabled")


@check("ZT-ENC-003", "Customer-managed key is not rotated")
def key_not_rotated(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    key = fn.encryption.cmk
    if key is None:
        return Verdict.not_applicable("no customer-managed key")
    if key.rotation_enabled is None:
        return Verdict(Status.NOT_ASSESSED, (f"rotation status of key {key.key_id} was not read",))
    return Verdict.fail_if([f"automatic rotation is off for key {key.key_id}"] if not key.rotation_enabled else [],
                           passed=f"key {key.key_id} rotates automatically")
