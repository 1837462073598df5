"""Attack paths: risks that only show when findings on one function are read together.

Built from the findings (never by evaluating facts again), so a path exists only where each joined
check FAILED, and it cites the evidence of each. A path that starts with anonymous invocation also
names each chain from the internet, through the front door if there is one, to what the function's
identity can reach, from the function's invocation paths as collected.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from scanner.document import AttackPath
from scanner.findings import Finding, Severity, Status
from scanner.inventory import ServerlessFunction


@dataclass(frozen=True)
class PathRule:
    kind: str
    title: str
    severity: Severity
    entry: tuple[str, ...]  # one of these must fail...
    impact: tuple[str, ...]  # ...together with one of these
    superseded_by: str | None = None  # a wider path on the same function that already says it all


ANONYMOUS_INVOKE = ("ZT-NET-001",)
RULES = (
    PathRule("anonymous-invoke-to-privileged-identity",
             "Anyone can invoke a function whose identity is administrator or can escalate privileges",
             Severity.critical, ANONYMOUS_INVOKE, ("ZT-IAM-001", "ZT-IAM-003")),
    PathRule("anonymous-invoke-to-secrets",
             "Anyone can invoke a function that holds plaintext secrets",
             Severity.critical, ANONYMOUS_INVOKE, ("ZT-SEC-001",)),
    PathRule("anonymous-invoke-to-lateral-movement",
             "Anyone can invoke a function whose identity can rewrite other functions",
             Severity.critical, ANONYMOUS_INVOKE, ("ZT-IAM-006",)),
    PathRule("lateral-movement",
             "The function's identity can change other functions' code or configuration",
             Severity.high, ("ZT-IAM-006",), (), superseded_by="anonymous-invoke-to-lateral-movement"),
)
_RANK = {rule.kind: i for i, rule in enumerate(RULES)}


def _path_id(kind: str, function_id: str) -> str:
    return hashlib.sha256(f"{kind}\x00{function_id}".encode()).hexdigest()[:20]


def _facts(finding: Finding, most: int = 3) -> list[str]:
    """A finding's evidence as path facts; an admin policy can list dozens, three make the point."""
    shown = [f"{finding.title}: {e}" for e in (finding.evidence or [""])[:most]]
    if len(finding.evidence) > most:
        shown.append(f"{finding.title}: and {len(finding.evidence) - most} more")
    return shown


def _chains(fn: ServerlessFunction | None, impact: list[Finding]) -> list[str]:
    """``internet -> API orders-api prod GET /orders (no authorizer) -> orders-api -> orders-admin (Function
    identity has administrator access)``: one per anonymous way in that nothing narrows."""
    if fn is None:
        return []
    who = fn.identity.name or fn.identity.principal or "its identity"
    identity = [f.title for f in impact if f.check_id.startswith("ZT-IAM")]
    reaches = (f" -> {who} ({'; '.join(identity)})" if identity else "") + "".join(
        f" -> {f.title}" for f in impact if not f.check_id.startswith("ZT-IAM"))
    doors = sorted({p.evidence if p.front_door else p.via.replace("_", " ")
                    for p in fn.network.invocation if p.principal_kind == "anonymous" and not p.narrowed})
    return [f"internet -> {door} -> {fn.name}{reaches}" for door in doors]


def function_paths(fn: ServerlessFunction, findings: list[Finding]) -> list[AttackPath]:
    """The paths on one function, from its own findings (a path never joins two functions)."""
    by_check = {f.check_id: f for f in findings if f.status == Status.FAIL}
    paths: list[AttackPath] = []
    found: set[str] = set()
    for rule in RULES:
        entry = [by_check[c] for c in rule.entry if c in by_check]
        impact = [by_check[c] for c in rule.impact if c in by_check]
        if not entry or (rule.impact and not impact) or rule.superseded_by in found:
            continue
        found.add(rule.kind)
        joined = entry + impact
        first = joined[0]
        paths.append(AttackPath(
            id=_path_id(rule.kind, fn.id), kind=rule.kind, title=rule.title, severity=rule.severity,
            function_id=fn.id, function_name=first.resource_name, provider=first.provider,
            account=first.account, region=first.region,
            facts=(_chains(fn, impact) if rule.entry == ANONYMOUS_INVOKE else [])
            + [fact for f in joined for fact in _facts(f)],
            finding_ids=[f.id for f in joined], waived=all(f.waived for f in joined),
        ))
    return paths


def ranked(paths: list[AttackPath]) -> list[AttackPath]:
    """Worst first; a stable sort, so equal paths keep the order their functions were scanned in."""
    return sorted(paths, key=lambda p: (-p.severity.rank, _RANK[p.kind], p.function_name))
