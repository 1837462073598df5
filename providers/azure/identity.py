"""The managed identity of a function app and what its Azure RBAC role assignments let it do.

Assignments are read in every subscription the credential can see, not only the scanned ones: a
managed identity (system- or user-assigned) can hold roles in any subscription of its tenant. Each
subscription's assignments are listed once per process (no filter, so one paged read covers every
principal) and indexed by principal; role definitions are fetched once per role. One index serves
every shard (subscription) a process runs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from azure.core.exceptions import AzureError

from providers.azure import roles
from providers.azure.arm import Arm, Failed, http_reason
from scanner.inventory import IdentityFacts, ServerlessFunction
from scanner.once import Once

NEEDS = "Microsoft.Authorization/roleAssignments/read and roleDefinitions/read"
IDENTITY_PATHS = (
    "identity.admin",
    "identity.wildcard",
    "identity.privilege_escalation",
    "identity.modify_functions",
)


class AssignmentIndex:
    """Role assignments of the visible subscriptions by principal, each subscription listed once."""

    def __init__(self, arm: Arm, subscriptions: list[str], scanned: list[str],
                 app_ids: Callable[[str], frozenset[str]]) -> None:
        self.arm = arm
        self.subscriptions = subscriptions
        self.scanned = frozenset(s.lower() for s in scanned)
        self._app_ids = app_ids  # a scanned subscription -> its function app ids, lower-cased
        self._lists: Once[dict[str, list[Any]]] = Once()
        self._definitions: Once[roles.RoleDef] = Once()

    def app_ids(self, assignments: list[roles.Assignment]) -> frozenset[str]:
        """The scanned function apps that the assignments' scopes could hold: a resource-group or
        resource scope holds apps of its own subscription only, so only those subscriptions are asked."""
        subs = {roles.subscription_of(a.scope) for a in assignments} & self.scanned
        return frozenset().union(*(self._app_ids(s) for s in sorted(subs)))

    def _by_principal(self, sub: str) -> dict[str, list[Any]]:
        def load() -> dict[str, list[Any]]:
            try:
                listed = list(self.arm.authorization(sub).role_assignments.list_for_subscription())
            except AzureError as exc:
                raise Failed(f"role assignments of subscription {sub}: {http_reason(exc, NEEDS)}") from exc
            out: dict[str, list[Any]] = defaultdict(list)
            for ra in listed:
                out[str(ra.principal_id or "").lower()].append(ra)
            return out

        return self._lists.get(sub.lower(), load)

    def prefetch(self, sub: str) -> None:
        """List one subscription's assignments now, so the apps' workers do not wait on them in turn;
        a failure is kept and raised for every app that needs the list."""
        try:
            self._by_principal(sub)
        except Failed:
            return

    def _definition(self, sub: str, def_id: str) -> roles.RoleDef:
        def load() -> roles.RoleDef:
            try:
                rd = self.arm.authorization(sub).role_definitions.get_by_id(def_id)
            except AzureError as exc:
                raise Failed(http_reason(exc, NEEDS)) from exc
            perms = tuple(
                roles.Permission(tuple(p.actions or ()), tuple(p.not_actions or ())) for p in rd.permissions or []
            )
            return roles.RoleDef(id=def_id, name=rd.role_name or def_id.rsplit("/", 1)[-1], permissions=perms)

        guid = def_id.rstrip("/").rsplit("/", 1)[-1].lower()  # built-in ids differ only by the scope prefix
        return self._definitions.get(guid, load)

    def assignments(self, principal: str) -> list[roles.Assignment]:
        """Every assignment on ``principal`` across the visible subscriptions; raises Failed."""
        seen: dict[str, roles.Assignment] = {}
        for sub in self.subscriptions:
            for ra in self._by_principal(sub).get(principal.lower(), []):
                if ra.id.lower() not in seen:  # management-group assignments show in every subscription
                    role = self._definition(sub, ra.role_definition_id)
                    scope = ra.scope or f"/subscriptions/{sub}"
                    seen[ra.id.lower()] = roles.Assignment(id=ra.id, scope=scope, role=role)
        return list(seen.values())


def identity_facts(ident: dict[str, Any], fn: ServerlessFunction, index: AssignmentIndex) -> IdentityFacts:
    kind = str(ident.get("type") or "None")
    principals: list[tuple[str, str]] = []
    if "systemassigned" in kind.lower().replace(" ", "") and ident.get("principalId"):
        principals.append((ident["principalId"], fn.name))
    for uid, detail in (ident.get("userAssignedIdentities") or {}).items():
        if (detail or {}).get("principalId"):
            principals.append((detail["principalId"], uid.rstrip("/").split("/")[-1]))
    if not principals:
        return IdentityFacts(kind="none", principal=None, name=None, is_default=True,
                             default_reason="no managed identity", admin=[], wildcard=[], privilege_escalation=[],
                             modify_functions=[], trust=None)
    facts = IdentityFacts(kind="azure_managed_identity", principal=principals[0][0], name=principals[0][1],
                          is_default=False, default_reason=None, trust=None)
    try:
        assignments = [a for pid, _ in principals for a in index.assignments(pid)]
    except Failed as exc:
        for path in IDENTITY_PATHS:
            fn.mark_unknown(path, exc.reason)
        return facts
    grants = roles.classify(assignments, index.app_ids(assignments), index.scanned)
    facts.admin, facts.wildcard = grants.admin, grants.wildcard
    facts.privilege_escalation, facts.modify_functions = grants.privilege_escalation, grants.modify_functions
    return facts
