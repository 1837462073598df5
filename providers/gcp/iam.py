"""Reading IAM policies: what a function's service account may do in its project, and who may
invoke a function. Pure functions over ``google.iam.v1`` policies, so they are easy to test."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from scanner.inventory import Grant, InvocationPath, PrincipalKind

ADMIN_ROLES = {
    "roles/owner": "project Owner: full control",
    "roles/editor": "project Editor: write to almost all",
}
# Roles that let the holder act as, mint tokens or keys for, or re-grant IAM to other identities.
ESCALATION_ROLES = {
    "roles/owner": "can grant itself any role",
    "roles/editor": "can act as other service accounts and deploy code that runs as them",
    "roles/iam.serviceAccountTokenCreator": "can mint access tokens for other service accounts",
    "roles/iam.serviceAccountUser": "can act as (attach) other service accounts",
    "roles/iam.serviceAccountKeyAdmin": "can create keys for other service accounts",
    "roles/iam.serviceAccountAdmin": "can change other service accounts' IAM policies",
    "roles/iam.workloadIdentityUser": "can impersonate service accounts from workloads",
    "roles/resourcemanager.projectIamAdmin": "can grant any role on the project",
    "roles/iam.securityAdmin": "can grant any role on the project",
    "roles/iam.roleAdmin": "can create roles with any permission",
}
# Deploying code is escalation only together with acting as another service account.
DEPLOY_ROLES = {
    "roles/cloudfunctions.admin",
    "roles/cloudfunctions.developer",
    "roles/run.admin",
    "roles/run.developer",
}
ACT_AS_ROLES = {"roles/iam.serviceAccountUser", "roles/owner", "roles/editor"}
MODIFY_ROLES = DEPLOY_ROLES | {"roles/owner", "roles/editor"}
PRIMITIVE_ROLES = {"roles/owner", "roles/editor", "roles/viewer"}

_SA_PROJECT = re.compile(r"^[^@]+@(?P<project>[a-z][a-z0-9-]+)\.iam\.gserviceaccount\.com$")
_APPSPOT = re.compile(r"^(?P<project>[a-z][a-z0-9-]+)@appspot\.gserviceaccount\.com$")
_NUMBERED = re.compile(r"^(?:service-)?(?P<number>\d+)(?:-compute)?@[a-z0-9.-]*gserviceaccount\.com$")


@dataclass
class IdentityGrants:
    admin: list[Grant] = field(default_factory=list)
    wildcard: list[Grant] = field(default_factory=list)
    privilege_escalation: list[Grant] = field(default_factory=list)
    modify_functions: list[Grant] = field(default_factory=list)


def _condition_note(binding: object) -> str:
    condition = getattr(binding, "condition", None)
    title = condition.title or condition.expression if condition is not None else ""
    return f" (only when: {title})" if title else ""


def roles_of(policy: object, member: str) -> list[tuple[str, str]]:
    """(role, condition note) for every binding that names ``member``."""
    return [(b.role, _condition_note(b)) for b in policy.bindings if member in b.members]  # type: ignore[attr-defined]


def identity_grants(policy: object, email: str, project_id: str) -> IdentityGrants:
    """Classify the project-level roles bound to ``serviceAccount:<email>``."""
    out = IdentityGrants()
    scope = [f"projects/{project_id}"]
    roles = roles_of(policy, f"serviceAccount:{email}")
    names = {r for r, _ in roles}
    can_act_as = bool(names & ACT_AS_ROLES)
    for role, note in roles:

        def grant(reason: str, role: str = role, note: str = note) -> Grant:
            return Grant(source=role, resources=scope, reason=reason + note)

        if role in ADMIN_ROLES:
            out.admin.append(grant(ADMIN_ROLES[role]))
        if role in ESCALATION_ROLES:
            out.privilege_escalation.append(grant(ESCALATION_ROLES[role]))
        elif role in DEPLOY_ROLES and can_act_as:
            out.privilege_escalation.append(grant("can deploy code that runs as another service account"))
        if role in MODIFY_ROLES:
            out.modify_functions.append(grant("can change functions' code or configuration"))
        if role in PRIMITIVE_ROLES or role.endswith(".admin") or role.endswith("Admin"):
            out.wildcard.append(grant("broad predefined role"))
    return out


def _member_project(email: str, project_number: str) -> tuple[str | None, bool]:
    """(owning project id or number, is a Google-managed service agent)."""
    # Numbered accounts first: service agents live in gcp-sa-* domains that look like project ids.
    if m := _NUMBERED.match(email):
        return m["number"], email.startswith("service-")
    if m := _SA_PROJECT.match(email):
        return m["project"], False
    if m := _APPSPOT.match(email):
        return m["project"], False
    return None, False


def invocation_paths(
    policy: object, roles: Iterable[str], project_id: str, project_number: str, evidence: str
) -> list[InvocationPath]:
    """One path per member of an invoker binding."""
    paths: list[InvocationPath] = []
    wanted = set(roles)
    for binding in policy.bindings:  # type: ignore[attr-defined]
        if binding.role not in wanted:
            continue
        condition = getattr(binding, "condition", None)
        conditions = [c for c in ((condition.title or condition.expression),) if c] if condition else []
        for member in binding.members:
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
                owner, agent = _member_project(member.split(":", 1)[1], project_number)
                kind = "service" if agent else "identity"
                cross = owner is not None and owner not in (project_id, project_number)
            else:  # user:, group:, principal://, principalSet://, deleted:...
                kind = "identity"
            paths.append(
                InvocationPath(
                    via="iam_binding",
                    principal=member,
                    principal_kind=kind,
                    cross_account=cross,
                    conditions=conditions,
                    narrowed=bool(conditions),
                    auth=auth,  # type: ignore[arg-type]
                    evidence=f"{binding.role} on {evidence}",
                )
            )
    return paths
