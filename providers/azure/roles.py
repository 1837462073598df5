"""What a managed identity may do, from its Azure RBAC role assignments.

Assignments are listed once per (subscription, principal) with ``assignedTo()``, which includes
assignments inherited from management groups; role definitions are fetched once per scan.
Assignments in other subscriptions (a user-assigned identity used across subscriptions) are
only seen when those subscriptions are scanned too."""

from __future__ import annotations

import re
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from functools import cache

from scanner.inventory import Grant

ADMIN_ROLES = {"owner", "contributor", "user access administrator"}
ESCALATION_ACTIONS = (
    "Microsoft.Authorization/roleAssignments/write",
    "Microsoft.Authorization/roleDefinitions/write",
)
MODIFY_ACTIONS = (
    "Microsoft.Web/sites/write",
    "Microsoft.Web/sites/config/write",
    "Microsoft.Web/sites/slots/write",
)


@dataclass(frozen=True)
class Permission:
    actions: tuple[str, ...]
    not_actions: tuple[str, ...]


@dataclass(frozen=True)
class RoleDef:
    id: str
    name: str
    permissions: tuple[Permission, ...]


@dataclass(frozen=True)
class Assignment:
    id: str
    scope: str
    role: RoleDef


@cache
def _pattern(action: str) -> re.Pattern[str]:
    # ARM action strings are case-insensitive; "*" is the only wildcard.
    return re.compile("^" + re.escape(action).replace(r"\*", ".*") + "$", re.I)


def granted(role: RoleDef, action: str) -> list[str]:
    """The role's action patterns that grant ``action`` (notActions subtract, per permission block)."""
    hits: list[str] = []
    for perm in role.permissions:
        allowed = [a for a in perm.actions if _pattern(a).match(action)]
        if allowed and not any(_pattern(n).match(action) for n in perm.not_actions):
            hits.extend(allowed)
    return hits


# Provider-wide wildcards that built-in roles carry and that reach no workload or data
# (support tickets, health status): flagging them would mark every built-in role.
_HARMLESS_WILDCARDS = {"microsoft.support/*", "microsoft.resourcehealth/*"}


def _is_wildcard(action: str) -> bool:
    # Every action ("*"), every provider's reads ("*/read") or a whole resource provider ("Microsoft.Web/*").
    if action.lower() in _HARMLESS_WILDCARDS:
        return False
    return action == "*" or action.startswith("*/") or bool(re.fullmatch(r"[^/*]+/\*", action))


def scope_level(scope: str) -> str:
    parts = [p for p in scope.split("/") if p]
    if not parts:
        return "root"
    if parts[0].lower() == "providers" and len(parts) >= 3 and parts[1].lower() == "microsoft.management":
        return "management group"
    if len(parts) == 2 and parts[0].lower() == "subscriptions":
        return "subscription"
    if len(parts) == 4 and parts[2].lower() == "resourcegroups":
        return "resource group"
    return "resource"


@dataclass
class IdentityGrants:
    admin: list[Grant]
    wildcard: list[Grant]
    privilege_escalation: list[Grant]
    modify_functions: list[Grant]


def classify(assignments: list[Assignment]) -> IdentityGrants:
    out = IdentityGrants([], [], [], [])
    for a in assignments:
        level = scope_level(a.scope)
        actions = [act for perm in a.role.permissions for act in perm.actions]
        source = f"{a.role.name} ({a.role.id})"

        def grant(acts: list[str], reason: str, a: Assignment = a, source: str = source) -> Grant:
            return Grant(source=source, statement=a.id, actions=sorted(set(acts)), resources=[a.scope], reason=reason)

        broad = level in ("root", "management group", "subscription", "resource group")
        if broad and (a.role.name.lower() in ADMIN_ROLES or "*" in actions):
            out.admin.append(
                grant(
                    [x for x in actions if x == "*"] or actions[:5],
                    f"{a.role.name} at {level} scope: full control of everything in it",
                )
            )
        wild = [x for x in actions if _is_wildcard(x)]
        if wild:
            out.wildcard.append(grant(wild, f"wildcard actions at {level} scope"))
        esc = sorted({p for act in ESCALATION_ACTIONS for p in granted(a.role, act)})
        if esc:
            out.privilege_escalation.append(
                grant(esc, f"can write role assignments at {level} scope: may grant itself any role")
            )
        mod = sorted({p for act in MODIFY_ACTIONS for p in granted(a.role, act)})
        if mod:
            out.modify_functions.append(grant(mod, f"can change function apps' code or settings at {level} scope"))
    return out


class RoleCache:
    """Role assignments per principal and role definitions, each fetched once even under threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: dict[tuple[str, ...], Future] = {}

    def once(self, key: tuple[str, ...], load):  # type: ignore[no-untyped-def]
        with self._lock:
            future = self._futures.get(key)
            owner = future is None
            if owner:
                future = self._futures[key] = Future()
        if owner:
            try:
                future.set_result(load())
            except BaseException as exc:
                future.set_exception(exc)
        return future.result()
