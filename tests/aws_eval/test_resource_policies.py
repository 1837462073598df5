"""Lambda resource policies, function URLs and trust policies: who can call, and what pins them.

Principals: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
Condition operators (IfExists, negated, missing keys): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
ForAllValues on a missing key: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
Function URLs: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
Confused deputy keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
"""

from __future__ import annotations

import pytest

from providers.aws.policies import PolicyError, invocation_paths, trust_principals
from tests.aws_eval.helpers import OWN, doc

PARTNER = "210987654321"
NONE_URL = {"FunctionUrl": "https://u.lambda-url.us-east-1.on.aws/", "AuthType": "NONE"}
IAM_URL = {"FunctionUrl": "https://u.lambda-url.us-east-1.on.aws/", "AuthType": "AWS_IAM"}


def _invoke(principal: object, condition: dict | None = None, action: str = "lambda:InvokeFunction",
            effect: str = "Allow") -> dict:
    st = {"Sid": "s", "Effect": effect, "Principal": principal, "Action": action}
    return {**st, "Condition": condition} if condition else st


def _one(*statements: dict, url: dict | None = None) -> list[tuple[str, str, bool]]:
    return [(p.via, p.principal_kind, p.narrowed) for p in invocation_paths(doc(*statements), url, OWN)]


@pytest.mark.parametrize("condition", [
    {"ArnLike": {"aws:SourceArn": f"arn:aws:execute-api:us-east-1:{OWN}:abc123/*"}},
    {"StringEquals": {"aws:SourceAccount": OWN}},
    {"StringEquals": {"aws:SourceOwner": OWN}},
    {"StringEquals": {"aws:PrincipalOrgID": "o-abcdef1234"}},
    {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-abcdef1234/r-ab12/*"}},
    {"StringEquals": {"aws:SourceOrgID": "o-abcdef1234"}},
    {"StringEquals": {"aws:PrincipalAccount": PARTNER}},
    {"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{PARTNER}:role/caller"}},
    {"StringEquals": {"aws:SourceVpce": "vpce-0abc1234"}},
    {"StringEquals": {"aws:SourceVpc": "vpc-0abc1234"}},
    {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
    {"StringEquals": {"lambda:EventSourceToken": "amzn1.ask.skill.1234"}},
])
def test_conditions_that_pin_the_caller_narrow(condition: dict) -> None:
    assert _one(_invoke("*", condition)) == [("resource_policy", "any_authenticated", True)]


@pytest.mark.parametrize("condition", [
    {"Bool": {"aws:SecureTransport": "true"}},
    {"StringEquals": {"aws:RequestedRegion": "us-east-1"}},
    {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}},
    {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    {"StringEquals": {"aws:PrincipalTag/team": "web"}},
    {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-abcdef1234"}},
    {"StringEqualsIfExists": {"aws:SourceAccount": OWN}},
    {"StringNotEquals": {"aws:SourceAccount": PARTNER}},
    {"ArnLike": {"aws:SourceArn": "arn:aws:execute-api:us-east-1:*:*"}},
    {"StringLike": {"aws:SourceAccount": "*"}},
    {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
    {"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}},
    {"StringEquals": {"sts:ExternalId": "anyone-can-send-this"}},
    {"Null": {"aws:SourceArn": "false"}},
])
def test_conditions_that_do_not_pin_the_caller_leave_it_open(condition: dict) -> None:
    assert _one(_invoke("*", condition)) == [("resource_policy", "any_authenticated", False)]


def test_a_service_principal_with_a_wildcard_account_source_arn_is_a_confused_deputy() -> None:
    apigw = {"Service": "apigateway.amazonaws.com"}
    wild = invocation_paths(doc(_invoke(apigw, {"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:us-east-1:*:*"}})),
                            None, OWN)
    assert (wild[0].principal_kind, wild[0].narrowed) == ("service", False)
    assert "do not pin" in wild[0].evidence
    pinned = invocation_paths(doc(_invoke(apigw, {"ArnLike": {
        "AWS:SourceArn": f"arn:aws:execute-api:us-east-1:{OWN}:a1b2c3/*/POST/orders"}})), None, OWN)
    assert pinned[0].narrowed and "narrowed by ArnLike AWS:SourceArn" in pinned[0].evidence


def test_principal_forms() -> None:
    paths = invocation_paths(doc(
        _invoke("*"), _invoke({"AWS": "*"}), _invoke(PARTNER), _invoke({"AWS": f"arn:aws:iam::{PARTNER}:root"}),
        _invoke({"AWS": f"arn:aws:iam::{PARTNER}:role/caller"}), _invoke({"AWS": OWN}),
        _invoke({"Service": "sns.amazonaws.com"}), _invoke({"Federated": "cognito-identity.amazonaws.com"}),
    ), None, OWN)
    assert [(p.principal_kind, p.cross_account) for p in paths] == [
        ("any_authenticated", False), ("any_authenticated", False), ("account", True), ("account", True),
        ("identity", True), ("account", False), ("service", False), ("identity", False)]


def test_not_principal_in_an_allow_is_everyone_except() -> None:
    paths = invocation_paths(doc({"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
                                  "Action": "lambda:InvokeFunction"}), None, OWN)
    assert (paths[0].principal_kind, paths[0].narrowed) == ("any_authenticated", False)
    assert paths[0].principal.startswith("everyone except")


def test_a_deny_outside_a_pin_narrows_and_other_denies_do_not() -> None:
    org_deny = _invoke("*", {"StringNotEquals": {"aws:PrincipalOrgID": "o-abcdef1234"}}, effect="Deny")
    assert _one(_invoke("*"), org_deny) == [("resource_policy", "any_authenticated", True)]
    ip_deny = _invoke("*", {"NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"}}, effect="Deny")
    assert _one(_invoke("*"), ip_deny) == [("resource_policy", "any_authenticated", True)]
    tls_deny = _invoke("*", {"Bool": {"aws:SecureTransport": "false"}}, effect="Deny")
    assert _one(_invoke("*"), tls_deny) == [("resource_policy", "any_authenticated", False)]
    mixed = _invoke("*", {"StringNotEquals": {"aws:PrincipalOrgID": "o-abcdef1234"},
                          "Bool": {"aws:SecureTransport": "false"}}, effect="Deny")
    assert _one(_invoke("*"), mixed) == [("resource_policy", "any_authenticated", False)]
    assert _one(_invoke("*"), _invoke("*", effect="Deny")) == []
    assert _one(_invoke(PARTNER), _invoke(PARTNER, effect="Deny"), _invoke("*")) == [
        ("resource_policy", "any_authenticated", False)]


def test_a_none_url_is_anonymous_only_when_the_policy_admits_everyone() -> None:
    public = _invoke("*", {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}, "lambda:InvokeFunctionUrl")
    assert _one(public, url=NONE_URL) == [("function_url", "anonymous", False)]
    assert _one(url=NONE_URL) == [], "without a public statement the URL answers 403 to everyone"
    assert _one(_invoke(PARTNER, action="lambda:InvokeFunctionUrl"), url=NONE_URL) == []
    ip = _invoke("*", {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, "lambda:InvokeFunctionUrl")
    assert _one(ip, url=NONE_URL) == [("function_url", "anonymous", True)]


def test_an_iam_url_with_a_star_policy_admits_every_aws_account() -> None:
    star = _invoke("*", {"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}, "lambda:InvokeFunctionUrl")
    paths = invocation_paths(doc(star), IAM_URL, OWN)
    assert [(p.principal_kind, p.auth, p.narrowed) for p in paths] == [
        ("identity", "iam", False), ("any_authenticated", "iam", False)]
    assert _one(url=IAM_URL) == [("function_url", "identity", False)]
    none_only = _invoke("*", {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}, "lambda:InvokeFunctionUrl")
    assert _one(none_only, url=IAM_URL) == [("function_url", "identity", False)], "a NONE statement is not for it"


def test_invoked_via_function_url_statements_are_url_only() -> None:
    url_statement = _invoke("*", {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}})
    public = _invoke("*", {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}, "lambda:InvokeFunctionUrl")
    assert _one(public, url_statement, url=NONE_URL) == [("function_url", "anonymous", False)]
    assert _one(url_statement) == [], "no direct-invoke path for its principal"
    auth_type = _invoke("*", {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}})
    assert _one(auth_type) == [], "direct Invoke requests carry no lambda:FunctionUrlAuthType"
    if_exists = _invoke("*", {"StringEqualsIfExists": {"lambda:FunctionUrlAuthType": "NONE"}})
    assert _one(if_exists) == [("resource_policy", "any_authenticated", False)]


def test_paths_carry_the_qualifier() -> None:
    paths = invocation_paths(doc(_invoke("*")), NONE_URL, OWN, qualifier="prod")
    assert [p.qualifier for p in paths] == ["prod"] and "qualifier prod" in paths[0].evidence
    assert invocation_paths(None, None, OWN) == []


@pytest.mark.parametrize("policy", ['{"Statement": "oops', "[]", '{"Statement": [{"Effect": "Maybe"}]}',
                                    '{"Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction"}]}'])
def test_malformed_policies_raise_policy_error(policy: str) -> None:
    with pytest.raises(PolicyError):
        invocation_paths(policy, None, OWN)


def test_trust_policy_pins() -> None:
    assume = "sts:AssumeRole"
    github = {"Federated": f"arn:aws:iam::{OWN}:oidc-provider/token.actions.githubusercontent.com"}
    trust = trust_principals(doc(
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": assume},
        {"Effect": "Allow", "Principal": {"AWS": PARTNER}, "Action": assume,
         "Condition": {"StringEquals": {"sts:ExternalId": "x1"}}},
        {"Effect": "Allow", "Principal": "*", "Action": assume,
         "Condition": {"StringEquals": {"sts:ExternalId": "x1"}}},
        {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": assume,
         "Condition": {"StringEquals": {"aws:SourceAccount": OWN}}},
        {"Effect": "Allow", "Principal": github,
         "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}},
        {"Effect": "Allow", "Principal": github,
         "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}}},
    ))
    assert [(t.kind, t.is_function_service, t.narrowed) for t in trust] == [
        ("service", True, False), ("account", False, True), ("any_authenticated", False, False),
        ("service", False, True), ("identity", False, False), ("identity", False, True)]
