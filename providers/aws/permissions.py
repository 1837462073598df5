"""Summarise an execution role's effective permissions into identity facts.

Inputs come from one ``iam.get_account_authorization_details`` per account (and the SCPs, when the
scan identity can read them). Judged from the effective grants (evaluation/effective.py: Allow minus
Deny, capped by the permissions boundary and SCPs), never from policy names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from providers.aws.action_catalog import WRITE_LEVELS, all_actions, by_name
from providers.aws.evaluation.arns import overlap
from providers.aws.evaluation.document import decode
from providers.aws.evaluation.effective import Effective, Scps, Statement, effective, statements
from scanner.inventory import Grant

# Combinations that let a holder raise its own privileges (Rhino Security Labs' catalogue of
# IAM privilege-escalation methods). All actions of a set must be held.
ESCALATION_PATHS: tuple[tuple[frozenset[str], str], ...] = tuple(
    (frozenset(actions.split()), why)
    for actions, why in [
        ("iam:createpolicyversion", "can rewrite a managed policy it is attached to"),
        ("iam:setdefaultpolicyversion", "can switch a managed policy to a more permissive version"),
        ("iam:attachrolepolicy", "can attach any managed policy to a role"),
        ("iam:attachuserpolicy", "can attach any managed policy to a user"),
        ("iam:attachgrouppolicy", "can attach any managed policy to a group"),
        ("iam:putrolepolicy", "can write inline policies on a role"),
        ("iam:putuserpolicy", "can write inline policies on a user"),
        ("iam:putgrouppolicy", "can write inline policies on a group"),
        ("iam:createaccesskey", "can mint access keys for other users"),
        ("iam:createloginprofile", "can set console passwords for other users"),
        ("iam:updateloginprofile", "can reset console passwords of other users"),
        ("iam:addusertogroup", "can add users to more privileged groups"),
        ("iam:updateassumerolepolicy sts:assumerole", "can rewrite a role's trust policy and assume it"),
        ("iam:passrole lambda:createfunction", "can create a function running as a more privileged role"),
        ("iam:passrole lambda:updatefunctionconfiguration", "can give a function a more privileged role"),
        ("iam:passrole ec2:runinstances", "can start an instance with a more privileged role"),
        ("iam:passrole cloudformation:createstack", "can deploy a stack as a more privileged role"),
        ("iam:passrole glue:createdevendpoint", "can create a Glue endpoint with a more privileged role"),
        ("glue:updatedevendpoint", "can take over a Glue endpoint's role"),
        ("iam:passrole datapipeline:createpipeline", "can run a pipeline as a more privileged role"),
        ("iam:passrole sagemaker:createnotebookinstance", "can start a notebook with a more privileged role"),
        ("iam:passrole codebuild:createproject", "can run a build as a more privileged role"),
        ("iam:passrole ecs:runtask", "can run a task with a more privileged role"),
    ]
)

# Changing another function's code, configuration or resource policy is lateral movement:
# the holder gains that function's identity and triggers.
MODIFY_FUNCTION_ACTIONS = frozenset({
    "lambda:updatefunctioncode", "lambda:updatefunctionconfiguration", "lambda:addpermission",
    "lambda:createfunctionurlconfig", "lambda:updatefunctionurlconfig", "lambda:createfunction",
    "lambda:publishlayerversion", "lambda:updatealias", "lambda:deletefunction",
})
# Full control: every IAM permissions-management action on every resource, and nearly every action
# (a Deny of a handful of actions leaves an administrator; a Deny of IAM does not).
_ADMIN_SHARE = 0.95


@dataclass
class RoleFacts:
    admin: list[Grant] = field(default_factory=list)
    wildcard: list[Grant] = field(default_factory=list)
    privilege_escalation: list[Grant] = field(default_factory=list)
    modify_grants: list[tuple[Grant, list[str]]] = field(default_factory=list)


def _why(reason: str, result: Effective) -> str:
    return "; ".join([reason, *result.notes])


def _grant(st: Statement, reason: str, result: Effective, actions: Iterable[str] | None = None,
           resources: Iterable[str] | None = None) -> Grant:
    return Grant(source=st.source, statement=st.sid, actions=sorted(actions) if actions else list(st.patterns),
                 resources=list(resources) if resources is not None else list(st.resources),
                 reason=_why(reason, result))


def _is_admin(grants: dict[str, list[str]]) -> bool:
    everywhere = {name for name, patterns in grants.items() if "*" in patterns}
    catalog = all_actions()
    iam_admin = {a.name for a in catalog if a.name.startswith("iam:") and a.access_level == "permissions management"}
    return iam_admin <= everywhere and len(everywhere) >= _ADMIN_SHARE * len(catalog)


def _surviving(st: Statement, result: Effective) -> set[str]:
    """The statement's actions that are still allowed on some resource it names."""
    resources = ("*",) if st.not_resource else st.resources
    return {name for name in st.actions if name in result.grants
            and any(overlap(r, e) for r in resources for e in result.grants[name])}


def facts(identity: list[Statement], result: Effective) -> RoleFacts:
    out = RoleFacts()
    allows = [st for st in identity if st.effect == "Allow"]
    catalog = by_name()
    if _is_admin(result.grants):
        broadest = max((st for st in allows if "*" in st.resources or st.not_resource), key=lambda s: len(s.actions))
        out.admin.append(_grant(broadest, "all actions on all resources", result))
    for st in allows:
        survivors = _surviving(st, result)
        writes = {n for n in survivors if catalog[n].access_level in WRITE_LEVELS}
        wild = [p for p in st.patterns if "*" in p or p.startswith("NotAction")]
        # What a permissions boundary enumerates one by one is the role's deliberate least privilege.
        everywhere = sorted(n for n in writes - result.enumerated
                            if not catalog[n].wildcard_only and "*" in result.grants[n])
        if wild and writes - result.enumerated:
            out.wildcard.append(_grant(st, f"wildcard actions cover {len(writes)} write/permissions actions", result))
        elif everywhere:
            out.wildcard.append(_grant(st, "write actions on every resource", result, everywhere[:20]))
        modify = sorted(survivors & MODIFY_FUNCTION_ACTIONS)
        if modify:
            reach = sorted({r for n in modify for r in result.grants[n]})
            out.modify_grants.append((_grant(st, "can change functions' code or configuration", result, modify,
                                             reach), reach))
    for needed, why in ESCALATION_PATHS:
        if needed <= result.grants.keys():
            holders = [st for st in allows if needed & st.actions]
            first = next(st for st in holders if min(needed) in st.actions) if holders else None
            out.privilege_escalation.append(Grant(
                source=", ".join(sorted({st.source for st in holders})), statement=first.sid if first else None,
                actions=sorted(needed), resources=sorted({r for n in needed for r in result.grants[n]}),
                reason=_why(why, result),
            ))
    return out


def other_function_grants(role: RoleFacts, own_arn: str) -> list[Grant]:
    """Grants that reach functions other than the one itself (its own ARN, versions and aliases)."""
    own = {own_arn, f"{own_arn}:*"}
    return [grant for grant, resources in role.modify_grants if any(r not in own for r in resources)]


def evaluate(role: dict[str, Any], managed: dict[str, Any], scps: Scps, account: str) -> RoleFacts:
    """The facts of one role from the authorization details: inline and attached policies, its
    permissions boundary, and the SCPs that apply to the account."""
    identity: list[Statement] = []
    for inline in role.get("RolePolicyList", []):
        identity += statements(f"{role['RoleName']} inline {inline['PolicyName']}", decode(inline["PolicyDocument"]))
    for attached in role.get("AttachedManagedPolicies", []):
        identity += statements(attached["PolicyArn"], decode(_managed(managed, attached["PolicyArn"])))
    boundary_arn = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    boundary = None
    if boundary_arn:
        boundary = (boundary_arn, statements(f"boundary {boundary_arn}", decode(_managed(managed, boundary_arn))))
    context = {"aws:principalarn": role["Arn"], "aws:principalaccount": account, "aws:principaltype": "AssumedRole"}
    return facts(identity, effective(identity, boundary, scps, context))


def _managed(managed: dict[str, Any], arn: str) -> Any:
    if arn not in managed:
        raise KeyError(f"managed policy {arn} missing from authorization details")
    return managed[arn]


def default_versions(policies: list[dict[str, Any]]) -> dict[str, Any]:
    """Managed policy ARN -> the document of its default version."""
    found = {}
    for policy in policies:
        for version in policy.get("PolicyVersionList", []):
            if version.get("IsDefaultVersion"):
                found[policy["Arn"]] = version["Document"]
    return found
