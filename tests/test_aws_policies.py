"""Resource-policy shapes moto cannot store, read by the AWS provider's policy reader.

Principal semantics: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
("*" and {"AWS": "*"} are the same); function URLs: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html.
"""

from __future__ import annotations

import json

from providers.aws.policies import invocation_paths, trust_principals

OWN = "123456789012"
NONE_URL = {"FunctionUrl": "https://abc.lambda-url.us-east-1.on.aws/", "AuthType": "NONE"}
IAM_URL = {"FunctionUrl": "https://abc.lambda-url.us-east-1.on.aws/", "AuthType": "AWS_IAM"}


def _policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_aws_star_and_plain_star_are_both_every_aws_principal_for_invoke() -> None:
    """Invoke needs SigV4, so neither form lets an unsigned caller in."""
    paths = invocation_paths(_policy(
        {"Sid": "any", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "lambda:InvokeFunction"},
        {"Sid": "all", "Effect": "Allow", "Principal": "*", "Action": "lambda:*", "Resource": "*"},
    ), None, OWN)
    assert [(p.principal_kind, p.narrowed, p.auth) for p in paths] == [("any_authenticated", False, "iam")] * 2


def test_if_exists_negated_and_wildcard_conditions_do_not_narrow() -> None:
    paths = invocation_paths(_policy(
        {"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
         "Condition": {"StringEqualsIfExists": {"aws:SourceAccount": OWN}}},
        {"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
         "Condition": {"StringNotEquals": {"aws:SourceAccount": "999999999999"}}},
        {"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
         "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}}},
        {"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunctionUrl",
         "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}},
    ), NONE_URL, OWN)
    assert [(p.via, p.principal_kind, p.narrowed) for p in paths] == [
        ("resource_policy", "any_authenticated", False)] * 3 + [("function_url", "anonymous", False)]


def test_positive_source_conditions_narrow_and_url_auth_type_does_not() -> None:
    paths = invocation_paths(_policy(
        {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction",
         "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}}},
        {"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
         "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc1234567"}}},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "lambda:InvokeFunction"},
        {"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunctionUrl",
         "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}},
    ), IAM_URL, OWN)
    assert [(p.via, p.narrowed) for p in paths] == [
        ("resource_policy", True), ("resource_policy", True), ("resource_policy", False),
        ("function_url", False), ("function_url", False)]
    assert paths[2].cross_account is True and paths[2].principal_kind == "account"
    assert (paths[4].principal_kind, paths[4].auth) == ("any_authenticated", "iam")


def test_deny_and_non_invoke_statements_are_not_invocation_paths() -> None:
    paths = invocation_paths(_policy(
        {"Effect": "Deny", "Principal": "*", "Action": "lambda:InvokeFunction"},
        {"Effect": "Allow", "Principal": "*", "Action": "lambda:GetFunction"},
    ), None, OWN)
    assert paths == []


def test_trust_policy_marks_the_function_service_and_unconditioned_others() -> None:
    trust = trust_principals(_policy(
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"sts:ExternalId": "shared-secret-id"}}},
    ))
    assert [(t.is_function_service, t.narrowed) for t in trust] == [(True, False), (False, True)]
