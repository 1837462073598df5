"""Effective IAM for one function: the bindings of every node above it (organization, folders,
project) plus its own resource policy, each role resolved to permissions, each condition evaluated
against the function. Pure functions over plain data, so they are easy to test.

Grants inherit down organization -> folders -> project -> resource:
https://cloud.google.com/iam/docs/resource-hierarchy-access-control
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from providers.gcp import conditions, permissions
from providers.gcp.roles import RolePermissions
from scanner.inventory import Grant, InvocationPath, PrincipalKind

# Basic roles cannot carry conditions, nor can allUsers / allAuthenticatedUsers: a condition
# written on them is not one IAM enforces, so it narrows nothing.
# https://cloud.google.com/iam/docs/conditions-overview#limitations
BASIC_ROLES = {"roles/owner", "roles/editor", "roles/viewer"}
PUBLIC_MEMBERS = {"allUsers", "allAuthenticatedUsers"}

_SA_PROJECT = re.compile(r"^[^@]+@(?P<project>[a-z][a-z0-9-]+)\.iam\.gserviceaccount\.com$")
_APPSPOT = re.compile(r"^(?P<project>[a-z][a-z0-9-]+)@appspot\.gserviceaccount\.com$")
_NUMBERED = re.compile(r"^(?:service-)?(?P<number>\d+)(?:-compute)?@[a-z0-9.-]*gserviceaccount\.com$")

Resource = Mapping[str, str]  # resource.name / resource.type / resource.service -> value


@dataclass(frozen=True)
class Binding:
    node: str  # where the policy is attached: organizations/O, folders/F, projects/P or a resource
    role: str
    members: tuple[str, ...]
    condition: str = ""  # the CEL expression; "" when unconditional
    title: str = ""

    @property
    def source(self) -> str:
        return f"{self.node} binding {self.role}"

    @property
    def narrows(self) -> bool:
        """Whether IAM enforces the condition at all."""
        return bool(self.condition) and self.role not in BASIC_ROLES and not PUBLIC_MEMBERS & set(self.members)

    def reaches(self, resources: Iterable[Resource]) -> bool:
        """Whether the binding grants its role on any of ``resources``; raises ``Unparseable``."""
        if not self.narrows:
            return True
        return any(conditions.reaches(self.condition, r) for r in resources)


class FunctionReach:
    """Which scanned functions a binding reaches: the functions below its node, each conditional
    binding evaluated once per process however many identities and shards ask."""

    def __init__(self, below: Callable[[str], list[Resource]]) -> None:
        self._below = below  # a node -> the scanned functions and services under it
        self._memo: dict[Binding, bool | conditions.Unparseable] = {}

    def __call__(self, b: Binding) -> bool:
        if b not in self._memo:
            try:
                self._memo[b] = b.reaches(self._below(b.node)) if b.narrows else True
            except conditions.Unparseable as exc:
                self._memo[b] = exc
        found = self._memo[b]
        if isinstance(found, conditions.Unparseable):
            raise found
        return found


def bindings(policy: object, node: str) -> list[Binding]:
    """The bindings of a ``google.iam.v1`` Policy read with requestedPolicyVersion 3."""
    out = []
    for b in policy.bindings:  # type: ignore[attr-defined]
        cond = b.condition if "condition" in b else None
        out.append(
            Binding(
                node=node,
                role=b.role,
                members=tuple(b.members),
                condition=cond.expression if cond is not None else "",
                title=(cond.title or cond.expression) if cond is not None else "",
            )
        )
    return out


@dataclass
class IdentityGrants:
    admin: list[Grant] = field(default_factory=list)
    wildcard: list[Grant] = field(default_factory=list)
    privilege_escalation: list[Grant] = field(default_factory=list)
    modify_functions: list[Grant] = field(default_factory=list)
    # Why a fact could not be decided: a role not resolved, a condition not parsed.
    gaps: list[str] = field(default_factory=list)


def _note(b: Binding) -> str:
    return f" (only where: {b.title})" if b.narrows else ""


def identity_grants(
    chain: Iterable[Binding], email: str, book: Mapping[str, RolePermissions], reach: FunctionReach
) -> IdentityGrants:
    """Classify what ``serviceAccount:<email>`` may do, from the permissions its roles carry.
    ``reach`` says whether a binding reaches any scanned function (for modify-functions)."""
    out = IdentityGrants()
    member = f"serviceAccount:{email}"
    act_as: list[Binding] = []
    deploy: list[tuple[Binding, list[str]]] = []
    for b in chain:
        if member not in b.members:
            continue
        resolved = book.get(b.role)
        if resolved is None or resolved.permissions is None:
            out.gaps.append(f"{b.source}: {resolved.error if resolved else 'role not read'}")
            continue
        perms = resolved.permissions
        try:
            on_functions = reach(b)
        except conditions.Unparseable as exc:
            out.gaps.append(f"{b.source}: condition {b.title!r} not evaluated ({exc})")
            continue
        note = _note(b) + ("" if resolved.source.startswith("IAM API") else f" [permissions: {resolved.source}]")

        def grant(reason: str, actions: list[str], b: Binding = b, note: str = note) -> Grant:
            return Grant(source=b.source, actions=actions, resources=[b.node], reason=reason + note)

        if reason := permissions.admin_reason(perms):
            out.admin.append(grant(reason, []))
        if permissions.is_broad(perms):
            services = len(permissions.write_services(perms))
            out.wildcard.append(grant(f"write access in {services} services", []))
        if found := permissions.escalation_reasons(perms):
            out.privilege_escalation.append(grant("; ".join(dict.fromkeys(r for _, r in found)), [p for p, _ in found]))
        if permissions.ACT_AS in perms:
            act_as.append(b)
        if found := permissions.deploys(perms):
            deploy.append((b, found))
        if on_functions and (found := permissions.modifies_functions(perms)):
            out.modify_functions.append(grant("can change functions' code, configuration or invoker policy", found))
    if act_as and deploy:
        # actAs and a deploy permission may come from different bindings: together they let the
        # holder run code as any service account it can act as.
        for b, found in deploy:
            sa = ", ".join(sorted({a.source for a in act_as}))
            out.privilege_escalation.append(
                Grant(
                    source=b.source,
                    actions=[*found, permissions.ACT_AS],
                    resources=[b.node],
                    reason=f"can deploy code that runs as another service account (actAs from {sa}){_note(b)}",
                )
            )
    return out


def _member_project(email: str) -> tuple[str | None, bool]:
    """(owning project id or number, is a Google-managed service agent)."""
    # Numbered accounts first: service agents live in gcp-sa-* domains that look like project ids.
    if m := _NUMBERED.match(email):
        return m["number"], email.startswith("service-")
    if m := _SA_PROJECT.match(email):
        return m["project"], False
    if m := _APPSPOT.match(email):
        return m["project"], False
    return None, False


def _path(b: Binding, member: str, project_id: str, project_number: str) -> InvocationPath:
    kind: PrincipalKind
    cross = False
    auth = "iam"
    if member == "allUsers":
        kind, auth = "anonymous", "none"
    elif member == "allAuthenticatedUsers":
        kind = "any_authenticated"
    elif member.startswith("domain:"):
        kind = "organization"
    elif member.startswith(("projectOwner:", "projectEditor:", "projectViewer:")):
        kind = "account"
        cross = member.split(":", 1)[1] not in (project_id, project_number)
    elif member.startswith("serviceAccount:"):
        owner, agent = _member_project(member.split(":", 1)[1])
        kind = "service" if agent else "identity"
        cross = owner is not None and owner not in (project_id, project_number)
    else:  # user:, group:, principal://, principalSet://, deleted:...
        kind = "identity"
    return InvocationPath(
        via="iam_binding",
        principal=member,
        principal_kind=kind,
        cross_account=cross,
        conditions=[b.title] if b.condition else [],
        # A condition that survives evaluation reaches this function: it does not limit the callers.
        narrowed=False,
        auth=auth,  # type: ignore[arg-type]
        evidence=b.source,
    )


@dataclass
class Invokers:
    paths: list[InvocationPath] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)


def invokers(
    chain: Iterable[Binding],
    permission: str,
    book: Mapping[str, RolePermissions],
    resource: list[Resource],
    project_id: str,
    project_number: str,
) -> Invokers:
    """Every member of every binding whose role carries ``permission`` and reaches ``resource``."""
    out = Invokers()
    for b in chain:
        if not b.members:
            continue
        resolved = book.get(b.role)
        if resolved is None or resolved.permissions is None:
            out.gaps.append(f"{b.source}: {resolved.error if resolved else 'role not read'}")
            continue
        if permission not in resolved.permissions:
            continue
        try:
            if not b.reaches(resource):
                continue
        except conditions.Unparseable as exc:
            out.gaps.append(f"{b.source}: condition {b.title!r} not evaluated ({exc})")
            continue
        out.paths += [_path(b, m, project_id, project_number) for m in b.members]
    return out
