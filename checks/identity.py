"""Identity checks: what the function runs as, and what that identity may do.

Privilege is judged from the effective grants the provider computed for the function's own
identity (``identity.admin/wildcard/privilege_escalation/modify_functions``), never from names.
"""

from __future__ import annotations

from scanner.findings import Verdict
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


@check("ZT-IAM-001", "Function identity has administrator access")
def admin_identity(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    return _no_identity(fn) or Verdict.fail_if(_evidence(fn.identity.admin),
                                               passed="no grant amounts to full control")


@check("ZT-IAM-002", "Function identity has wildcard actions or resources")
def wildcard_identity(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    return _no_identity(fn) or Verdict.fail_if(_evidence(fn.identity.wildcard),
                                               passed="no grant uses wildcard actions or resources for writes")


@check("ZT-IAM-003", "Function identity can escalate its own privileges")
def privilege_escalation(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    return _no_identity(fn) or Verdict.fail_if(_evidence(fn.identity.privilege_escalation),
                                               passed="no privilege-escalation permission is held")


@check("ZT-IAM-004", "Function identity is shared with other functions")
def shared_identity(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    if fn.identity.principal is None:
        return Verdict.not_applicable("the function has no identity of its own")
    others = fn.identity.shared_with
    evidence = [f"{fn.identity.principal} is also the identity of {len(others)} other function(s): "
                f"{', '.join(others[:5])}" + (" ..." if len(others) > 5 else "")] if others else []
    return Verdict.fail_if(evidence, passed=f"{fn.identity.principal} is used by this function only")


@check("ZT-IAM-005", "Function runs as a default identity or without a dedicated identity")
def default_identity(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    ident = fn.identity
    evidence = [f"{ident.principal or 'no identity'}: {ident.default_reason or 'default identity'}"] \
        if ident.is_default else []
    return Verdict.fail_if(evidence, passed=f"dedicated identity {ident.principal}")


@check("ZT-IAM-006", "Function identity can modify other functions (lateral movement)")
def modify_functions(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    return _no_identity(fn) or Verdict.fail_if(_evidence(fn.identity.modify_functions),
                                               passed="cannot change other functions")


@check("ZT-IAM-007", "Execution identity can be assumed by principals other than the function service")
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
