"""Effective identity permissions: Allow minus Deny, capped by the boundary and SCPs.

Evaluation logic: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
Boundaries: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
NotAction with Deny: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
"""

from __future__ import annotations

from providers.aws.evaluation.effective import Scps, statements
from providers.aws.permissions import other_function_grants
from tests.aws_eval.helpers import OWN, ROLE_ARN, allow, deny, doc, role_facts

OTHER_FN = f"arn:aws:lambda:us-east-1:{OWN}:function:me"


def test_a_condition_on_the_roles_own_admin_grant_leaves_an_administrator() -> None:
    for condition in ({"Bool": {"aws:SecureTransport": "true"}},
                      {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
                      {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}):
        facts = role_facts(allow("*", Condition=condition))
        assert facts.admin, condition
    assert role_facts(allow("*")).admin


def test_a_boundary_of_two_log_actions_caps_an_administrator() -> None:
    boundary = doc(allow(["logs:CreateLogStream", "logs:PutLogEvents"],
                         f"arn:aws:logs:*:{OWN}:log-group:/aws/lambda/*"))
    facts = role_facts(allow("*"), boundary=boundary)
    assert (facts.admin, facts.wildcard, facts.privilege_escalation, facts.modify_grants) == ([], [], [], [])
    on_every_log_group = role_facts(allow("*"), boundary=doc(allow(["logs:CreateLogStream", "logs:PutLogEvents"])))
    assert (on_every_log_group.admin, on_every_log_group.wildcard) == ([], [])
    wide = role_facts(allow("*"), boundary=doc(allow("iam:*")))
    assert not wide.admin and wide.privilege_escalation
    assert "permissions boundary" in wide.privilege_escalation[0].reason


def test_a_boundary_names_only_itself_when_it_allows_everything() -> None:
    facts = role_facts(allow("*"), boundary=doc(allow("*")))
    assert facts.admin and "allows all of them" in facts.admin[0].reason


def test_deny_not_action_leaves_only_the_excepted_actions() -> None:
    facts = role_facts(allow("*"), {"Effect": "Deny", "NotAction": ["s3:GetObject", "logs:*"], "Resource": "*"})
    assert facts.admin == [] and facts.privilege_escalation == [] and facts.modify_grants == []
    assert role_facts(allow("*"), deny("s3:DeleteBucket")).admin, "one denied action leaves an administrator"
    facts = role_facts(allow("*"), deny("iam:*"))
    assert facts.admin == [] and "Deny" in facts.wildcard[0].reason


def test_deny_with_not_resource_keeps_only_the_excepted_resources() -> None:
    own_fn = f"arn:aws:lambda:us-east-1:{OWN}:function:me"
    facts = role_facts(allow("lambda:UpdateFunctionCode"),
                       {"Effect": "Deny", "Action": "lambda:*", "NotResource": own_fn})
    assert other_function_grants(facts, own_fn) == []
    assert other_function_grants(role_facts(allow("lambda:UpdateFunctionCode")), own_fn)


def test_a_conditional_deny_counts_only_when_it_holds_for_every_request_of_the_role() -> None:
    mfa = role_facts(allow("*"), deny("*", Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}))
    assert mfa.admin and "not counted" in mfa.admin[0].reason
    mine = role_facts(allow("*"), deny("iam:*", Condition={"ArnLike": {"aws:PrincipalArn": ROLE_ARN}}))
    assert not mine.admin
    assert [g.actions for g in mine.privilege_escalation] == [["glue:updatedevendpoint"]], "only the non-IAM path"
    others = role_facts(allow("*"), deny("iam:*", Condition={"ArnNotLike": {"aws:PrincipalArn": ROLE_ARN}}))
    assert others.admin, "a Deny of everyone but this role leaves it its grants"


def test_actions_count_only_on_resources_of_their_own_types() -> None:
    facts = role_facts(allow("*", "arn:aws:s3:::one-bucket/*"))
    assert facts.admin == [] and facts.privilege_escalation == [] and other_function_grants(facts, OTHER_FN) == []
    assert facts.wildcard, "s3 writes through Action * are still a wildcard grant"
    passrole = role_facts(allow(["iam:PassRole", "lambda:CreateFunction"], "arn:aws:s3:::bucket"))
    assert passrole.privilege_escalation == []
    functions = role_facts(allow("lambda:*", f"arn:aws:lambda:*:{OWN}:function:*"))
    assert other_function_grants(functions, OTHER_FN)


def test_wildcard_only_actions_need_resource_star() -> None:
    facts = role_facts(allow(["iam:CreateAccessKey"], "arn:aws:s3:::bucket"))
    assert facts.privilege_escalation == []
    assert role_facts(allow(["iam:CreateAccessKey"])).privilege_escalation


def _scp(target: str, *stmts: dict) -> tuple[str, tuple]:
    return target, tuple(statements(f"SCP at {target}", doc(*stmts)))


def test_every_scp_level_caps_and_denies() -> None:
    full = allow("*")
    denied = Scps(levels=(_scp("r-root", full), _scp("ou-a", full, deny("iam:*")), _scp(OWN, full)),
                  note="SCPs applied")
    facts = role_facts(allow("*"), scps=denied)
    assert not facts.admin and "SCP" in facts.wildcard[0].reason
    narrow = Scps(levels=(_scp("r-root", full), _scp("ou-a", allow(["s3:*", "logs:*"]))), note="SCPs applied")
    assert not role_facts(allow("*"), scps=narrow).privilege_escalation
    assert role_facts(allow("*"), scps=Scps(levels=(_scp("r-root", full),), note="SCPs applied")).admin


def test_scps_not_applied_say_so_in_the_evidence() -> None:
    facts = role_facts(allow("*"))
    assert "SCPs not applied" in facts.admin[0].reason
