"""Run every registered check over every collected function."""

from __future__ import annotations

import logging
from collections import defaultdict

from scanner.facts import FactUnknown, view
from scanner.findings import Finding, Status, Verdict
from scanner.inventory import ServerlessFunction
from scanner.registry import Check, ScanContext

log = logging.getLogger(__name__)


def link_shared_identities(functions: list[ServerlessFunction]) -> None:
    """Fill ``identity.shared_with``: a fact only the whole inventory can tell."""
    by_principal: dict[tuple[str, str], list[ServerlessFunction]] = defaultdict(list)
    for fn in functions:
        fn.identity.shared_with = []
        if fn.identity.principal:
            by_principal[(fn.provider, fn.identity.principal)].append(fn)
    for group in by_principal.values():
        for fn in group:
            fn.identity.shared_with = sorted(other.id for other in group if other is not fn)


def _verdict(check: Check, fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    allowed = check.meta.providers
    if allowed is not None and fn.provider not in allowed:
        return Verdict.not_applicable(f"the concept does not exist on {fn.provider}")
    try:
        return check.evaluate(view(fn), ctx)
    except FactUnknown as gap:
        return Verdict(Status.NOT_ASSESSED, (f"{gap.path} could not be read: {gap.reason}",))
    except Exception as exc:  # one broken check or odd datum must not lose the other results
        log.warning("check %s failed on %s: %s", check.meta.id, fn.id, exc)
        return Verdict(Status.NOT_ASSESSED, (f"check error: {type(exc).__name__}: {exc}",))


def evaluate(functions: list[ServerlessFunction], checks: list[Check], ctx: ScanContext) -> list[Finding]:
    findings: list[Finding] = []
    for fn in functions:
        for check in checks:
            verdict = _verdict(check, fn, ctx)
            meta = check.meta
            findings.append(
                Finding(
                    id=Finding.stable_id(meta.id, fn.id),
                    check_id=meta.id,
                    title=meta.title,
                    pillar=meta.pillar,
                    severity=meta.severity,
                    status=verdict.status,
                    provider=fn.provider,
                    account=fn.account,
                    region=fn.region,
                    resource_id=fn.id,
                    resource_name=fn.name,
                    evidence=[e for e in verdict.evidence if e],
                )
            )
    return findings
