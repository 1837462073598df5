"""What a managed identity may do, from its Azure RBAC role assignments: the actions of the role,
weighed by the scope of the assignment.

Scope rule (https://learn.microsoft.com/azure/role-based-access-control/scope-overview): an
assignment applies to its scope and everything below it. At the root, a management group or a
subscription it reaches every function app there; at a resource group or a resource it reaches
function apps only when the scope holds one (the app itself, or the resource group that holds
it). Contributor on one unrelated storage account is a grant on that one resource: not admin, not
"can change function apps", not an escalation beyond that resource."""

from __future__ import annotations

import re
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


def _covers(scope: str, resource_id: str) -> bool:
    s = scope.rstrip("/").lower()
    return resource_id == s or resource_id.startswith(s + "/")


def subscription_of(scope: str) -> str:
    parts = [p for p in scope.lower().split("/") if p]
    return parts[1] if len(parts) > 1 and parts[0] == "subscriptions" else ""


def classify(
    assignments: list[Assignment], app_ids: frozenset[str] = frozenset(), scanned: frozenset[str] | None = None
) -> IdentityGrants:
    """Grants by kind. ``app_ids``: the (lower-cased) ids of the function apps found in the
    ``scanned`` subscriptions; a scope in a subscription that was not scanned may hold function
    apps nobody listed, so it is taken to hold some (None: every subscription was scanned)."""
    out = IdentityGrants([], [], [], [])
    for a in assignments:
        level = scope_level(a.scope)
        actions = [act for perm in a.role.permissions for act in perm.actions]
        source = f"{a.role.name} ({a.role.id})"
        everywhere = level in ("root", "management group", "subscription")
        apps = sorted(i for i in app_ids if _covers(a.scope, i))
        unlisted = scanned is not None and subscription_of(a.scope) not in scanned
        reach = ""
        if not everywhere:
            reach = " (in a subscription not scanned)" if unlisted else f" (holds {len(apps)} scanned function app(s))"
        apps = apps or (["?"] if unlisted else [])

        def grant(acts: list[str], reason: str, a: Assignment = a, source: str = source) -> Grant:
            return Grant(source=source, statement=a.id, actions=sorted(set(acts)), resources=[a.scope], reason=reason)

        if level != "resource" and (a.role.name.lower() in ADMIN_ROLES or "*" in actions):
            out.admin.append(
                grant(
                    [x for x in actions if x == "*"] or actions[:5],
                    f"{a.role.name} at {level} scope: full control of everything in it",
                )
            )
        wild = [x for x in actions if _is_wildcard(x)]
        if wild:
            where = f"{level} scope" if level != "resource" else "one resource"
            out.wildcard.append(grant(wild, f"wildcard actions at {where}"))
        # Beyond one resource, or on a function app: granting roles or changing code there reaches functions.
        if not (everywhere or level == "resource group" or apps):
            continue
        esc = sorted({p for act in ESCALATION_ACTIONS for p in granted(a.role, act)})
        if esc:
            out.privilege_escalation.append(
                grant(esc, f"can write role assignments at {level} scope{reach}: may grant itself any role there")
            )
        mod = sorted({p for act in MODIFY_ACTIONS for p in granted(a.role, act)})
        if mod and (everywhere or apps):
            out.modify_functions.append(
                grant(mod, f"can change function apps' code or settings at {level} scope{reach}")
            )
    return out
