"""Run every registered check over every collected function."""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from typing import overload

from scanner.facts import FactUnknown, view
from scanner.findings import Finding, Status, Verdict
from scanner.inventory import ServerlessFunction
from scanner.registry import Check, ScanContext

log = logging.getLogger(__name__)


class SharedWith(Sequence[str]):
    """The other functions on one identity, as a view of the identity's sorted group: 16,000 functions
    on one role cost one tuple of 16,000 ids, not 16,000 lists of them."""

    def __init__(self, group: tuple[str, ...], own: str) -> None:
        self._group = group
        at = bisect_left(group, own)
        self._skip = at if at < len(group) and group[at] == own else len(group)

    def __len__(self) -> int:
        return len(self._group) - (self._skip < len(self._group))

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError(index)
        return self._group[position + (position >= self._skip)]


def identity_groups(functions: Sequence[ServerlessFunction]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(provider, principal) -> the sorted ids of the functions that run as it."""
    by_principal: dict[tuple[str, str], list[str]] = defaultdict(list)
    for fn in functions:
        if fn.identity.principal:
            by_principal[(fn.provider, fn.identity.principal)].append(fn.id)
    return {key: tuple(sorted(ids)) for key, ids in by_principal.items()}


def share(fn: ServerlessFunction, groups: dict[tuple[str, str], tuple[str, ...]]) -> None:
    """Fill ``identity.shared_with``: a fact only the whole inventory can tell."""
    group = groups.get((fn.provider, fn.identity.principal or ""), ())
    fn.identity.shared_with = SharedWith(group, fn.id)  # type: ignore[assignment]  # read-only view of a list


def link_shared_identities(functions: list[ServerlessFunction]) -> None:
    groups = identity_groups(functions)
    for fn in functions:
        share(fn, groups)


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
    return [finding for fn in functions for finding in evaluate_function(fn, checks, ctx)]


def evaluate_function(fn: ServerlessFunction, checks: list[Check], ctx: ScanContext) -> list[Finding]:
    findings: list[Finding] = []
    for check in checks:
        verdict = _verdict(check, fn, ctx)
        meta = check.meta
        findings.append(Finding(
            id=Finding.stable_id(meta.id, fn.id), check_id=meta.id, title=meta.title, pillar=meta.pillar,
            severity=meta.severity, status=verdict.status, provider=fn.provider, account=fn.account,
            region=fn.region, resource_id=fn.id, resource_name=fn.name,
            evidence=[e for e in verdict.evidence if e],
        ))
    return findings
