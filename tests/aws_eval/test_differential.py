"""Differential test: ztscan's evaluator against evaluators no one here wrote.

- cloudsplaining (privilege escalation, on policy_sentry's action and ARN database) for seeded
  identity policies, compared on the escalation methods both catalogue;
- policyuniverse (``is_internet_accessible``) for seeded Lambda resource policies.

Every disagreement must be explained by one of the documented differences below: the input is
rewritten into what that difference means under AWS's documented semantics, and the other evaluator
must then agree. A disagreement no rewrite explains fails the test.
"""

from __future__ import annotations

import copy
import json
import random
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from cloudsplaining.scan.policy_document import PolicyDocument
from cloudsplaining.shared.constants import PRIVILEGE_ESCALATION_METHODS
from policy_sentry.analysis.expand import determine_actions_to_expand
from policy_sentry.querying.actions import get_actions_matching_arn
from policyuniverse.policy import Policy

from providers.aws.permissions import ESCALATION_PATHS
from providers.aws.policies import invocation_paths
from tests.aws_eval.helpers import OWN, role_facts

Doc = dict[str, Any]
IDENTITY_POLICIES = 200
RESOURCE_POLICIES = 320  # 520 policies in all

# Deliberate differences, each with the AWS documentation that decides it.
IDENTITY_DIFFERENCES: dict[str, str] = {
    # cloudsplaining skips conditioned Allows; the role meets conditions on its own grants (it picks
    # region, transport, time), so ztscan never lets them shrink a grant.
    "allow-condition": "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html",
    # cloudsplaining subtracts a conditioned Deny always; it denies only the requests it matches.
    "conditional-deny": "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
    # cloudsplaining computes nothing for Deny + NotAction; it denies every action but those listed.
    "deny-not-action": "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html",
    # cloudsplaining (default) ignores grants on specific ARNs; an action is granted on the ARNs of its
    # own resource types (iam:PassRole on a role ARN is held, anything on an S3 ARN is no IAM action).
    "resource-arn-allow": "https://docs.aws.amazon.com/service-authorization/latest/reference/"
                          "reference_policies_actions-resources-contextkeys.html",
}
RESOURCE_DIFFERENCES: dict[str, str] = {
    # policyuniverse counts these as restricting; a request without the key satisfies both.
    "for-all-values": "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                      "reference_policies_condition-single-vs-multi-valued-context-keys.html",
    "if-exists": "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"
                 "#Conditions_IfExists",
    # policyuniverse ignores Deny; a Deny of everyone outside an organization admits only the organization.
    "deny-outside-pin": "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
    # policyuniverse opens a statement when any one condition entry is open; AWS requires all of them.
    "conditions-and": "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html",
}

ACTIONS = ["iam:*", "iam:PassRole", "lambda:CreateFunction", "lambda:*", "iam:Put*", "iam:CreatePolicyVersion",
           "iam:AttachRolePolicy", "ec2:RunInstances", "glue:UpdateDevEndpoint", "s3:*", "iam:CreateAccessKey",
           "cloudformation:CreateStack", "iam:UpdateLoginProfile", "logs:*", "iam:Get*"]
RESOURCES = ["*", "*", "arn:aws:s3:::bucket/*", f"arn:aws:iam::{OWN}:role/*", f"arn:aws:lambda:*:{OWN}:function:*",
             f"arn:aws:iam::{OWN}:user/*"]
ALLOW_CONDITIONS = [None, None, None, {"Bool": {"aws:SecureTransport": "true"}},
                    {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}]
KEPT_SERVICES = ["s3", "logs", "iam", "lambda"]


def _identity_policy(rng: random.Random) -> Doc:
    statements: list[Doc] = []
    for _ in range(rng.randint(1, 3)):
        # "*" is rarer than the rest: cloudsplaining takes about 0.2 s to expand it.
        actions = ["*"] if rng.random() < 0.06 else rng.sample(ACTIONS, rng.randint(1, 3))
        st: Doc = {"Effect": "Allow", "Action": actions, "Resource": rng.choice(RESOURCES)}
        condition = rng.choice(ALLOW_CONDITIONS)
        statements.append({**st, "Condition": condition} if condition else st)
    if rng.random() < 0.4:
        deny: Doc = {"Effect": "Deny", "Resource": "*"}
        if rng.random() < 0.3:
            deny["NotAction"] = [f"{rng.choice(KEPT_SERVICES)}:*"]
        else:
            deny["Action"] = rng.sample(ACTIONS, rng.randint(1, 2))
        if rng.random() < 0.3:
            deny["Condition"] = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
        statements.append(deny)
    return {"Version": "2012-10-17", "Statement": statements}


def _drop_allow_conditions(doc: Doc) -> bool:
    hit = [st for st in doc["Statement"] if st["Effect"] == "Allow" and "Condition" in st]
    for st in hit:
        del st["Condition"]
    return bool(hit)


def _drop_conditional_denies(doc: Doc) -> bool:
    kept = [st for st in doc["Statement"] if not (st["Effect"] == "Deny" and "Condition" in st)]
    changed = len(kept) != len(doc["Statement"])
    doc["Statement"] = kept
    return changed


def _spell_out_not_action_denies(doc: Doc) -> bool:
    hit = [st for st in doc["Statement"] if st["Effect"] == "Deny" and "NotAction" in st]
    for st in hit:  # only the services of the compared methods matter, which keeps cloudsplaining fast
        kept = {p.split(":")[0] for p in st.pop("NotAction")}
        st["Action"] = sorted({f"{a.split(':')[0]}:*" for m in COMMON for a in m} - {f"{k}:*" for k in kept})
    return bool(hit)


def _scope_arn_allows(doc: Doc) -> bool:
    hit = [st for st in doc["Statement"] if st["Effect"] == "Allow" and st["Resource"] != "*"]
    for st in hit:
        matching = {a.lower() for a in get_actions_matching_arn(st["Resource"])}
        st["Action"] = sorted({a for a in determine_actions_to_expand(st["Action"]) if a.lower() in matching}) or [
            "none:nothing"]
        st["Resource"] = "*"
    return bool(hit)


IDENTITY_REWRITES: dict[str, Callable[[Doc], bool]] = {
    "allow-condition": _drop_allow_conditions,
    "conditional-deny": _drop_conditional_denies,
    "deny-not-action": _spell_out_not_action_denies,
    "resource-arn-allow": _scope_arn_allows,
}
COMMON = {frozenset(a) for a, _ in ESCALATION_PATHS} & {frozenset(a) for a in PRIVILEGE_ESCALATION_METHODS.values()}


def _theirs(doc: Doc) -> set[frozenset[str]]:
    return {frozenset(m["actions"]) for m in PolicyDocument(doc).allows_privilege_escalation} & COMMON


def _ours(doc: Doc) -> set[frozenset[str]]:
    return {frozenset(g.actions) for g in role_facts(*doc["Statement"]).privilege_escalation} & COMMON


def test_privilege_escalation_agrees_with_cloudsplaining_up_to_documented_differences() -> None:
    assert len(COMMON) >= 15, "both catalogue most of Rhino Security Labs' methods"
    rng = random.Random(20261201)
    explained: Counter[str] = Counter()
    for _ in range(IDENTITY_POLICIES):
        doc = _identity_policy(rng)
        ours = _ours(doc)
        if _theirs(doc) == ours:
            continue
        rewritten = copy.deepcopy(doc)
        used = [name for name, rewrite in IDENTITY_REWRITES.items() if rewrite(rewritten)]
        assert _theirs(rewritten) == ours, f"unexplained disagreement on {json.dumps(doc)}"
        explained.update(used)
    assert set(explained) == set(IDENTITY_DIFFERENCES), f"every documented difference is exercised: {explained}"


PRINCIPALS: list[Any] = ["*", {"AWS": "*"}, {"AWS": "210987654321"}, {"AWS": "arn:aws:iam::210987654321:root"},
                         {"Service": "s3.amazonaws.com"}, {"AWS": "arn:aws:iam::210987654321:role/caller"}]
RESOURCE_CONDITIONS: list[Doc | None] = [
    None, {"StringEquals": {"aws:SourceAccount": OWN}}, {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::bucket"}},
    {"ArnLike": {"aws:SourceArn": "arn:aws:execute-api:us-east-1:*:*"}},
    {"StringEquals": {"aws:PrincipalOrgID": "o-abcdef1234"}}, {"Bool": {"aws:SecureTransport": "true"}},
    {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-abcdef1234"}},
    {"StringEqualsIfExists": {"aws:SourceAccount": OWN}}, {"StringNotEquals": {"aws:SourceAccount": OWN}},
    {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
    {"StringEquals": {"aws:SourceVpce": "vpce-0abc1234"}}, {"StringLike": {"aws:SourceAccount": "*"}},
    {"StringEquals": {"aws:PrincipalAccount": "210987654321"}},
    {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
]
ORG_FENCE = {"StringNotEquals": {"aws:PrincipalOrgID": "o-abcdef1234"}}


def _resource_policy(rng: random.Random) -> Doc:
    fn = f"arn:aws:lambda:us-east-1:{OWN}:function:f"
    statements: list[Doc] = []
    for index in range(rng.randint(1, 2)):
        st: Doc = {"Sid": f"s{index}", "Effect": "Allow", "Principal": rng.choice(PRINCIPALS),
                   "Action": rng.choice(["lambda:InvokeFunction", "lambda:*", "*"]), "Resource": fn}
        condition = rng.choice(RESOURCE_CONDITIONS)
        statements.append({**st, "Condition": condition} if condition else st)
    if rng.random() < 0.15:
        statements.append({"Sid": "fence", "Effect": "Deny", "Principal": "*", "Action": "lambda:*", "Resource": fn,
                           "Condition": ORG_FENCE})
    return {"Version": "2012-10-17", "Statement": statements}


def _drop_operators(doc: Doc, unpinning: Callable[[str], bool]) -> bool:
    hit = False
    for st in doc["Statement"]:
        block = st.get("Condition") or {}
        for operator in [op for op in block if unpinning(op)]:
            del block[operator]
            hit = True
        if "Condition" in st and not block:
            del st["Condition"]
    return hit


def _fold_denies(doc: Doc) -> bool:
    """A Deny of everyone outside the organization is the same as the organization pin on every Allow."""
    fences = [st for st in doc["Statement"] if st["Effect"] == "Deny"]
    doc["Statement"] = [st for st in doc["Statement"] if st["Effect"] == "Allow"]
    for st in doc["Statement"] if fences else []:
        st.setdefault("Condition", {}).setdefault("StringEquals", {})["aws:PrincipalOrgID"] = "o-abcdef1234"
    return bool(fences)


def _entries(st: Doc) -> list[Doc]:
    return [{operator: {key: value}} for operator, pairs in (st.get("Condition") or {}).items()
            for key, value in pairs.items()]


def _and_conditions(doc: Doc) -> bool:
    """Keep one condition entry that policyuniverse itself finds closed: all entries must hold."""
    hit = False
    for st in doc["Statement"]:
        entries = _entries(st)
        closed = [e for e in entries if not Policy({"Statement": [{**st, "Condition": e}]}).is_internet_accessible()]
        if len(entries) > 1 and closed:
            st["Condition"] = closed[0]
            hit = True
    return hit


RESOURCE_REWRITES: dict[str, Callable[[Doc], bool]] = {
    "for-all-values": lambda doc: _drop_operators(doc, lambda op: op.startswith("ForAllValues:")),
    "if-exists": lambda doc: _drop_operators(doc, lambda op: op.endswith("IfExists")),
    "deny-outside-pin": _fold_denies,
    "conditions-and": _and_conditions,
}


def _open(doc: Doc) -> bool:
    return any(p.principal_kind in ("anonymous", "any_authenticated") and not p.narrowed
               for p in invocation_paths(doc, None, OWN))


def test_internet_access_agrees_with_policyuniverse_up_to_documented_differences() -> None:
    rng = random.Random(9)
    explained: Counter[str] = Counter()
    agreed = 0
    for _ in range(RESOURCE_POLICIES):
        doc = _resource_policy(rng)
        ours = _open(doc)
        if Policy(copy.deepcopy(doc)).is_internet_accessible() == ours:
            agreed += 1
            continue
        rewritten = copy.deepcopy(doc)
        used = [name for name, rewrite in RESOURCE_REWRITES.items() if rewrite(rewritten)]
        assert Policy(rewritten).is_internet_accessible() == ours, f"unexplained disagreement on {json.dumps(doc)}"
        explained.update(used)
    assert agreed > RESOURCE_POLICIES // 2
    assert set(explained) == set(RESOURCE_DIFFERENCES), f"every documented difference is exercised: {explained}"


@pytest.mark.parametrize("differences", [IDENTITY_DIFFERENCES, RESOURCE_DIFFERENCES])
def test_every_difference_names_the_aws_documentation_that_decides_it(differences: dict[str, str]) -> None:
    assert all(url.startswith("https://docs.aws.amazon.com/") for url in differences.values())
