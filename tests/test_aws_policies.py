"""Resource-policy shapes moto cannot store, read by the AWS provider's policy reader."""

from __future__ import annotations

import json

from providers.aws.policies import invocation_paths, trust_principals

OWN = "123456789012"


def _policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_aws_star_principal_is_any_authenticated_and_plain_star_anonymous() -> None:
    paths = invocation_paths(_policy(
        {"Sid": "any", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "lambda:InvokeFunction"},
        {"Sid": "all", "Effect": "Allow", "Principal": "*", "Action": "lambda:*", "Resource": "*"},
    ), OWN)
    assert [(p.principal_kind, p.narrowed) for p in paths] == [("any_authenticated", False), ("anonymous", False)]


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
    ), OWN)
    assert [p.narrowed for p in paths] == [False, False, False, False]


def test_positive_source_conditions_narrow() -> None:
    paths = invocation_paths(_policy(
        {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction",
         "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}}},
        {"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
         "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}},
        {"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunctionUrl",
         "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "AWS_IAM"}}},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "lambda:InvokeFunction"},
    ), OWN)
    assert [p.narrowed for p in paths] == [True, True, True, False]
    assert paths[3].cross_account is True and paths[3].principal_kind == "account"


def test_deny_and_non_invoke_statements_are_not_invocation_paths() -> None:
    paths = invocation_paths(_policy(
        {"Effect": "Deny", "Principal": "*", "Action": "lambda:InvokeFunction"},
        {"Effect": "Allow", "Principal": "*", "Action": "lambda:GetFunction"},
    ), OWN)
    assert paths == []


def test_trust_policy_marks_the_function_service_and_unconditioned_others() -> None:
    trust = trust_principals(_policy(
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"sts:ExternalId": "shared-secret-id"}}},
    ))
    assert [(t.is_function_service, t.narrowed) for t in trust] == [(True, False), (False, True)]
