"""Runtime and supply-chain checks.

End-of-support dates come from the cloud's lifecycle API when it publishes one, else from the
bundled scanner/data/runtimes.toml; ``runtime.lifecycle_source`` says which, and the evidence
repeats it. Dates are evaluated against the scan date.
"""

from __future__ import annotations

from datetime import timedelta

from scanner.findings import Verdict
from scanner.inventory import ServerlessFunction
from scanner.registry import ScanContext, check

WARNING_DAYS = 90

def _source(fn: ServerlessFunction) -> str:
    return fn.runtime.lifecycle_source or "unknown source"


@check("ZT-RUN-001", "Function runs on a runtime past its end of support")
def deprecated_runtime(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    rt = fn.runtime
    if rt.name is None:
        return Verdict.not_applicable(f"no managed runtime (package type {rt.package_type or 'unknown'})")
    past = rt.deprecated_on is not None and rt.deprecated_on <= ctx.scan_date
    return Verdict.fail_if(
        [f"{rt.name} reached end of support on {rt.deprecated_on} (source: {_source(fn)}; "
         f"scan date {ctx.scan_date})"] if past else [],
        passed=f"{rt.name} is supported" + (f" until {rt.deprecated_on} (source: {_source(fn)})"
                                             if rt.deprecated_on else " (no end-of-support date published)"),
    )


@check("ZT-RUN-002", "Function runtime reaches end of support within 90 days")
def runtime_near_deprecation(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    rt = fn.runtime
    if rt.name is None:
        return Verdict.not_applicable(f"no managed runtime (package type {rt.package_type or 'unknown'})")
    if rt.deprecated_on is None:
        return Verdict.fail_if([], passed=f"{rt.name}: no end-of-support date published")
    if rt.deprecated_on <= ctx.scan_date:
        return Verdict.not_applicable(f"{rt.name} is already past end of support (reported by ZT-RUN-001)")
    days = (rt.deprecated_on - ctx.scan_date).days
    soon = rt.deprecated_on <= ctx.scan_date + timedelta(days=WARNING_DAYS)
    return Verdict.fail_if(
        [f"{rt.name} reaches end of support on {rt.deprecated_on}, in {days} days (source: {_source(fn)})"]
        if soon else [],
        passed=f"{rt.name} supported for {days} more days (until {rt.deprecated_on}, source: {_source(fn)})",
    )


@check("ZT-RUN-003", "Code signing is not enforced")
def code_signing(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    mode = fn.supply_chain.code_signing
    if mode is None:
        return Verdict.not_applicable("code signing does not exist for this function type")
    if fn.runtime.package_type and fn.runtime.package_type.lower() == "image":
        return Verdict.not_applicable("container-image functions are verified by image signing, not Lambda code signing")
    evidence = {"none": ["no code signing configuration"],
                "warn": ["code signing configuration only warns on untrusted artifacts"]}.get(mode, [])
    return Verdict.fail_if(evidence, passed="untrusted artifacts are rejected (Enforce)")


@check("ZT-RUN-004", "Function uses layers published by other accounts")
def external_layers(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    layers = fn.supply_chain.layers
    if layers is None:
        return Verdict.not_applicable("no layer concept for this function")
    external = [la for la in layers if la.external]
    return Verdict.fail_if([f"layer {la.id} is owned by account {la.owner}" for la in external],
                           passed=f"{len(layers)} layer(s), all from the function's own account")


@check("ZT-RUN-005", "Function image is built into a deprecated container registry")
def deprecated_registry(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    deprecated = fn.supply_chain.deprecated_registry
    if deprecated is None:
        return Verdict.not_applicable("no build registry for this function")
    return Verdict.fail_if([f"image registry {fn.supply_chain.image_registry} is deprecated"] if deprecated else [],
                           passed=f"image registry {fn.supply_chain.image_registry}")
