"""Summarise an execution role's effective Allow statements into identity facts.

Inputs come from one ``iam.get_account_authorization_details`` per account. Judged from the
policies' statements (expanded through the action catalogue), never from policy names.
"""

from __future__ import annotations

import fnmatch
import json
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from providers.aws.action_catalog import WRITE_LEVELS, Action, all_actions, by_name, expand
from providers.aws.policies import as_list, parse_document
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
MODIFY_FUNCTION_ACTIONS = frozenset(
    {
        "lambda:updatefunctioncode",
        "lambda:updatefunctionconfiguration",
        "lambda:addpermission",
        "lambda:createfunctionurlconfig",
        "lambda:updatefunctionurlconfig",
        "lambda:createfunction",
        "lambda:publishlayerversion",
        "lambda:updatealias",
        "lambda:deletefunction",
    }
)


@dataclass
class Statement:
    source: str
    sid: str
    patterns: list[str]
    resources: list[str]
    actions: frozenset[str]
    has_condition: bool


@dataclass
class RoleFacts:
    admin: list[Grant] = field(default_factory=list)
    wildcard: list[Grant] = field(default_factory=list)
    privilege_escalation: list[Grant] = field(default_factory=list)
    modify_grants: list[tuple[Grant, list[str]]] = field(default_factory=list)


def decode(document: Any) -> Any:
    """Documents arrive decoded, or as (URL-encoded) JSON text from some endpoints."""
    if isinstance(document, str):
        text = urllib.parse.unquote(document) if document.lstrip().startswith("%7B") else document
        return json.loads(text)
    return document


def _expand_statement(raw: dict[str, Any]) -> frozenset[str]:
    if "NotAction" in raw:
        excluded = [str(p).lower() for p in as_list(raw["NotAction"])]
        return frozenset(a.name for a in all_actions() if not any(fnmatch.fnmatchcase(a.name, p) for p in excluded))
    return frozenset(a.name for p in as_list(raw.get("Action")) for a in expand(str(p)))


def allow_statements(source: str, document: Any) -> list[Statement]:
    found = []
    for index, raw in enumerate(parse_document(decode(document))):
        if raw.get("Effect") != "Allow":
            continue
        resources = [str(r) for r in as_list(raw.get("Resource"))] or (["*"] if "NotResource" in raw else [])
        patterns = [str(p) for p in as_list(raw.get("Action"))] or [
            f"NotAction {p}" for p in as_list(raw.get("NotAction"))
        ]
        found.append(
            Statement(
                source=source,
                sid=str(raw.get("Sid") or f"statement {index}"),
                patterns=patterns,
                resources=resources,
                actions=_expand_statement(raw),
                has_condition=bool(raw.get("Condition")),
            )
        )
    return found


def _levels(actions: Iterable[str]) -> dict[str, Action]:
    catalog = by_name()
    return {name: catalog[name] for name in actions if name in catalog}


def _grant(st: Statement, reason: str, actions: Iterable[str] | None = None) -> Grant:
    return Grant(
        source=st.source,
        statement=st.sid,
        actions=sorted(actions) if actions else st.patterns,
        resources=st.resources,
        reason=reason,
    )


def evaluate(statements: list[Statement]) -> RoleFacts:
    facts = RoleFacts()
    held: dict[str, Statement] = {}
    for st in statements:
        everything = any(p == "*" or p == "*:*" for p in st.patterns)
        on_all = "*" in st.resources
        if everything and on_all and not st.has_condition:
            facts.admin.append(_grant(st, "all actions on all resources"))
        wild = [p for p in st.patterns if "*" in p or p.startswith("NotAction")]
        writes = {n: a for n, a in _levels(st.actions).items() if a.access_level in WRITE_LEVELS}
        if wild and writes:
            facts.wildcard.append(_grant(st, f"wildcard actions cover {len(writes)} write/permissions actions"))
        elif on_all and any(not a.wildcard_only for a in writes.values()):
            scoped = sorted(n for n, a in writes.items() if not a.wildcard_only)
            facts.wildcard.append(_grant(st, "write actions on every resource", scoped[:20]))
        for action in st.actions:
            held.setdefault(action, st)
        modify = sorted(st.actions & MODIFY_FUNCTION_ACTIONS)
        if modify:
            facts.modify_grants.append(
                (_grant(st, "can change functions' code or configuration", modify), st.resources)
            )
    for needed, why in ESCALATION_PATHS:
        if needed <= held.keys():
            sources = {held[a].source for a in needed}
            first = held[min(needed)]
            facts.privilege_escalation.append(
                Grant(
                    source=", ".join(sorted(sources)),
                    statement=first.sid,
                    actions=sorted(needed),
                    resources=first.resources,
                    reason=why,
                )
            )
    return facts


def other_function_grants(facts: RoleFacts, own_arn: str) -> list[Grant]:
    """Grants that reach functions other than the one itself (its own ARN, versions and aliases)."""
    own = {own_arn, f"{own_arn}:*"}
    return [grant for grant, resources in facts.modify_grants if any(r not in own for r in resources)]


def role_statements(role: dict[str, Any], managed: dict[str, Any]) -> list[Statement]:
    """Inline and attached managed policies of one role from the authorization details."""
    statements: list[Statement] = []
    for inline in role.get("RolePolicyList", []):
        statements += allow_statements(f"{role['RoleName']} inline {inline['PolicyName']}", inline["PolicyDocument"])
    for attached in role.get("AttachedManagedPolicies", []):
        policy = managed.get(attached["PolicyArn"])
        if policy is None:
            raise KeyError(f"managed policy {attached['PolicyArn']} missing from authorization details")
        statements += allow_statements(attached["PolicyArn"], policy)
    return statements


def default_versions(policies: list[dict[str, Any]]) -> dict[str, Any]:
    """Managed policy ARN -> the document of its default version."""
    found = {}
    for policy in policies:
        for version in policy.get("PolicyVersionList", []):
            if version.get("IsDefaultVersion"):
                found[policy["Arn"]] = version["Document"]
    return found
