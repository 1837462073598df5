"""A role's effective permissions: identity Allows minus explicit Denies, capped by its permissions
boundary and by every level of service control policies
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).

Allows are read without their conditions: the role can always meet a condition of its own grants
(it chooses region, transport, tags), so a condition never makes a grant smaller. A Deny subtracts
only when it applies to every request of the role: unconditional, or with conditions decided by the
role's own fixed keys (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from providers.aws.action_catalog import all_actions, by_name, expand
from providers.aws.evaluation import conditions as cond
from providers.aws.evaluation.arns import applies, covers, overlap
from providers.aws.evaluation.document import as_list, parse_document, sid

Grants = dict[str, list[str]]  # action -> resource patterns it is allowed on


@dataclass(frozen=True)
class Statement:
    source: str
    sid: str
    effect: str
    patterns: tuple[str, ...]  # Action as written, or "NotAction x" for each excluded pattern
    actions: frozenset[str]
    resources: tuple[str, ...]
    not_resource: bool
    conditions: tuple[cond.Condition, ...]

    @property
    def label(self) -> str:
        return f"{self.sid} of {self.source}"


@dataclass(frozen=True)
class Scps:
    """The SCP levels from the root down to the account, or why they do not apply or were not read."""

    levels: tuple[tuple[str, tuple[Statement, ...]], ...] = ()  # (target, statements)
    note: str = ""


@dataclass
class Effective:
    grants: Grants
    notes: list[str] = field(default_factory=list)  # what a boundary, Deny or SCP removed, or was not applied
    # Actions the permissions boundary names one by one: a wildcard grant capped to them is no wildcard.
    enumerated: frozenset[str] = frozenset()


def _expand(raw: dict[str, Any]) -> frozenset[str]:
    if "NotAction" in raw:
        excluded = [str(p).lower() for p in as_list(raw["NotAction"])]
        return frozenset(a.name for a in all_actions() if not any(fnmatch.fnmatchcase(a.name, p) for p in excluded))
    return frozenset(a.name for p in as_list(raw.get("Action")) for a in expand(str(p)))


def statements(source: str, document: Any) -> list[Statement]:
    found = []
    for index, raw in enumerate(parse_document(document)):
        not_resource = "NotResource" in raw
        found.append(Statement(
            source=source, sid=sid(raw, index), effect=str(raw["Effect"]),
            patterns=tuple(str(p) for p in as_list(raw.get("Action")))
            or tuple(f"NotAction {p}" for p in as_list(raw.get("NotAction"))),
            actions=_expand(raw),
            resources=tuple(str(r) for r in as_list(raw.get("NotResource" if not_resource else "Resource"))),
            not_resource=not_resource, conditions=tuple(cond.parse(raw)),
        ))
    return found


def allowed(stmts: Iterable[Statement]) -> Grants:
    """What the Allow statements grant, each action only on resources of its own types."""
    catalog = by_name()
    grants: Grants = {}
    for st in stmts:
        if st.effect != "Allow":
            continue
        # NotResource allows everything but a few resources: read as "*" (the safe side).
        resources = ("*",) if st.not_resource else st.resources
        if resources == ("*",):  # the common case, kept cheap: every action fits "*"
            for name in st.actions:
                patterns = grants.setdefault(name, [])
                if "*" not in patterns:
                    patterns.append("*")
            continue
        for name in st.actions:
            fitting = [r for r in resources if applies(catalog[name], r)]
            if fitting:
                patterns = grants.setdefault(name, [])
                patterns += [r for r in fitting if r not in patterns]
    return grants


def _deny_one(patterns: list[str], st: Statement) -> list[str]:
    if not st.not_resource:
        return [p for p in patterns if not any(covers(d, p) for d in st.resources)]
    kept: list[str] = []
    for p in patterns:  # denied everywhere except st.resources: what stays is their intersection
        inside = [p] if any(covers(e, p) for e in st.resources) else [e for e in st.resources if covers(p, e)]
        kept += [r for r in inside if r not in kept]
    return kept


def _deny(grants: Grants, st: Statement, context: dict[str, str]) -> tuple[Grants, str | None]:
    """Apply one Deny; returns the grants and evidence of what it removed (None when nothing)."""
    if st.conditions and not cond.role_context_holds(list(st.conditions), context):
        hit = any(name in grants for name in st.actions)
        return grants, (f"conditional Deny {st.label} not counted: its condition does not hold in every request"
                        if hit else None)
    out, removed = dict(grants), 0
    for name in st.actions & grants.keys():
        left = _deny_one(grants[name], st)
        if left != grants[name]:
            removed += 1
        if left:
            out[name] = left
        else:
            del out[name]
    return out, (f"Deny {st.label} removes or narrows {removed} action(s)" if removed else None)


def _cap(grants: Grants, limit: Grants) -> tuple[Grants, int]:
    """Keep only what the limit (a boundary or one SCP level) also allows."""
    out: Grants = {}
    for name, patterns in grants.items():
        bounds = limit.get(name)
        if not bounds:
            continue
        if "*" in bounds:
            out[name] = patterns
            continue
        kept = [p for p in patterns if any(covers(b, p) for b in bounds)]
        kept += [b for b in bounds if b not in kept and any(covers(p, b) for p in patterns)]
        # Partly overlapping patterns: keep the grant (never pass on what the cap may not remove).
        kept = kept or [p for p in patterns if any(overlap(b, p) for b in bounds)]
        if kept:
            out[name] = kept
    changed = sum(1 for name in grants if out.get(name) != grants[name])
    return out, changed


def _apply_denies(grants: Grants, stmts: Iterable[Statement], context: dict[str, str],
                  notes: list[str]) -> Grants:
    for st in stmts:
        if st.effect == "Deny":
            grants, note = _deny(grants, st, context)
            if note:
                notes.append(note)
    return grants


def effective(identity: list[Statement], boundary: tuple[str, list[Statement]] | None, scps: Scps,
              context: dict[str, str]) -> Effective:
    notes: list[str] = []
    enumerated: frozenset[str] = frozenset()
    grants = _apply_denies(allowed(identity), identity, context, notes)
    if boundary is not None:
        name, stmts = boundary
        enumerated = frozenset(p.lower() for st in stmts if st.effect == "Allow" for p in st.patterns
                               if not any(c in p for c in "*?") and not p.startswith("NotAction"))
        grants, changed = _cap(grants, allowed(stmts))
        notes.append(f"permissions boundary {name} " + (f"removes or narrows {changed} action(s)" if changed
                                                         else "allows all of them"))
        grants = _apply_denies(grants, stmts, context, notes)
    for target, stmts in scps.levels:
        grants, changed = _cap(grants, allowed(stmts))
        if changed:
            notes.append(f"SCPs at {target} remove or narrow {changed} action(s)")
        grants = _apply_denies(grants, stmts, context, notes)
    if scps.note:
        notes.append(scps.note)
    return Effective(grants, notes, enumerated)
