"""What a set of IAM permissions lets its holder do, judged from permission names only (never from
the role's name). References: https://cloud.google.com/iam/docs/permissions-reference and
https://cloud.google.com/iam/docs/service-account-overview#service-account-permissions
"""

from __future__ import annotations

from collections.abc import Iterable

# Each of these alone turns the holder into another identity or lets it widen its own grants.
ESCALATION = {
    "iam.serviceAccounts.getAccessToken": "can mint tokens for or sign as other service accounts",
    "iam.serviceAccounts.getOpenIdToken": "can mint tokens for or sign as other service accounts",
    "iam.serviceAccounts.signBlob": "can mint tokens for or sign as other service accounts",
    "iam.serviceAccounts.signJwt": "can mint tokens for or sign as other service accounts",
    "iam.serviceAccounts.implicitDelegation": "can mint tokens for or sign as other service accounts",
    "iam.serviceAccountKeys.create": "can create keys for other service accounts",
    "iam.serviceAccounts.setIamPolicy": "can grant itself roles on other service accounts",
    "iam.roles.update": "can add any permission to custom roles",
    "iam.roles.create": "can create roles with any permission",
    "resourcemanager.organizations.setIamPolicy": "can grant any role on the organization",
    "resourcemanager.folders.setIamPolicy": "can grant any role on the folder",
    "resourcemanager.projects.setIamPolicy": "can grant any role on the project",
}
ACT_AS = "iam.serviceAccounts.actAs"
# Deploying code that runs as a service account the holder may act as.
DEPLOY = {
    "cloudfunctions.functions.create",
    "cloudfunctions.functions.update",
    "run.services.create",
    "run.services.update",
    "run.jobs.create",
    "run.jobs.update",
    "compute.instances.create",
    "compute.instances.setServiceAccount",
    "cloudbuild.builds.create",
    "composer.environments.create",
    "dataflow.jobs.create",
}
MODIFY_FUNCTIONS = {
    "cloudfunctions.functions.create",
    "cloudfunctions.functions.update",
    "cloudfunctions.functions.delete",
    "cloudfunctions.functions.setIamPolicy",
    "cloudfunctions.functions.sourceCodeSet",
    "run.services.create",
    "run.services.update",
    "run.services.delete",
    "run.services.setIamPolicy",
}
INVOKE_GEN1 = "cloudfunctions.functions.invoke"
INVOKE_RUN = "run.routes.invoke"
_WRITE_VERBS = ("create", "update", "delete", "set", "patch", "write", "insert", "deploy", "attach")
# Write access to this many services is the breadth of the basic Editor/Owner roles.
BROAD_SERVICES = 20


def write_services(permissions: Iterable[str]) -> set[str]:
    """Services in which the permissions can change something (``compute.instances.create`` -> compute)."""
    out = set()
    for perm in permissions:
        service, _, rest = perm.partition(".")
        verb = rest.rsplit(".", 1)[-1]
        if verb.startswith(_WRITE_VERBS):
            out.add(service)
    return out


def is_broad(permissions: frozenset[str]) -> bool:
    return len(write_services(permissions)) >= BROAD_SERVICES


def admin_reason(permissions: frozenset[str]) -> str | None:
    """Full control: write access across the services of a project, as Owner and Editor hold.
    Granting IAM (``setIamPolicy``) is escalation, one step removed, like iam:PutRolePolicy on AWS."""
    if is_broad(permissions):
        return f"can change resources in {len(write_services(permissions))} services (basic-role breadth)"
    return None


def escalation_reasons(permissions: frozenset[str]) -> list[tuple[str, str]]:
    """(permission, reason) for each single permission that escalates."""
    return [(p, ESCALATION[p]) for p in sorted(permissions & ESCALATION.keys())]


def deploys(permissions: frozenset[str]) -> list[str]:
    return sorted(permissions & DEPLOY)


def modifies_functions(permissions: frozenset[str]) -> list[str]:
    return sorted(permissions & MODIFY_FUNCTIONS)
