"""Each policy shape of issue 9 end to end: moto (through the recording proxy) -> ``ztscan scan aws``.

Shapes moto stores differently from AWS ({"AWS": "*"}, ForAllValues, Deny statements,
lambda:InvokedViaFunctionUrl) are served as recorded GetPolicy responses in AWS's documented shape
(https://docs.aws.amazon.com/lambda/latest/api/API_GetPolicy.html: ``Policy`` is a JSON string).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest

from scanner.demo.aws import estate as aws_estate
from scanner.demo.aws import fixtures
from scanner.demo.aws.fixtures import BASIC_LOGS, DEMO_ACCOUNT, PARTNER_ACCOUNT, DemoFunction
from scanner.demo.aws.proxy import Fault, ProxyState, aws_proxy
from tests.conftest import CliResult, findings_of, run_cli

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
EVERYTHING = {"Effect": "Allow", "Action": "*", "Resource": "*"}
LOGS_ONLY = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
    "Resource": f"arn:aws:logs:*:{DEMO_ACCOUNT}:log-group:/aws/lambda/*"}]}


def _doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


ROLES = {
    "reader": {"inline": BASIC_LOGS},
    "cond-admin": {"inline": _doc({**EVERYTHING, "Condition": {"Bool": {"aws:SecureTransport": "true"},
                                                               "StringEquals": {"aws:RequestedRegion": "us-east-1"}}})},
    "bounded-admin": {"managed": [ADMIN]},
    "deny-not-action": {"inline": _doc(EVERYTHING, {"Effect": "Deny", "NotAction": ["s3:GetObject", "logs:*"],
                                                    "Resource": "*"})},
    "s3-object-star": {"inline": _doc({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::one-bucket/*"})},
    "trust-external-id": {"inline": BASIC_LOGS, "trust": _doc(
        fixtures.LAMBDA_TRUST["Statement"][0],
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER_ACCOUNT}:root"}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"sts:ExternalId": "partner-7f3a"}}})},
}


def _perm(sid: str, principal: str, **extra: str) -> dict:
    return {"StatementId": sid, "Principal": principal, **extra}


FUNCTIONS = [
    DemoFunction("id-cond-admin", "python3.12", "cond-admin"),
    DemoFunction("id-bounded-admin", "python3.12", "bounded-admin"),
    DemoFunction("id-deny-not-action", "python3.12", "deny-not-action"),
    DemoFunction("id-s3-object-star", "python3.12", "s3-object-star"),
    DemoFunction("id-trust-external-id", "python3.12", "trust-external-id"),
    DemoFunction("inv-apigw-any-account", "python3.12", "reader", permissions=[_perm(
        "apigw", "apigateway.amazonaws.com", SourceArn="arn:aws:execute-api:us-east-1:*:*")]),
    DemoFunction("inv-apigw-own-account", "python3.12", "reader", permissions=[_perm(
        "apigw", "apigateway.amazonaws.com", SourceArn=f"arn:aws:execute-api:us-east-1:{DEMO_ACCOUNT}:a1b2c3/*")]),
    DemoFunction("inv-url-iam-star", "python3.12", "reader", url_auth="AWS_IAM", permissions=[_perm(
        "url", "*", Action="lambda:InvokeFunctionUrl", FunctionUrlAuthType="AWS_IAM")]),
    DemoFunction("inv-url-none-no-grant", "python3.12", "reader", url_auth="NONE"),
    DemoFunction("inv-bare-account", "python3.12", "reader", permissions=[_perm("partner", PARTNER_ACCOUNT)]),
    DemoFunction("inv-aws-star", "python3.12", "reader"),
    DemoFunction("inv-for-all-values", "python3.12", "reader"),
    DemoFunction("inv-deny-outside-org", "python3.12", "reader"),
    DemoFunction("inv-url-via-invoke", "python3.12", "reader", url_auth="NONE"),
]
INVOKE = "lambda:InvokeFunction"


def _recorded(name: str, *statements: dict) -> Fault:
    fn = f"arn:aws:lambda:us-east-1:{DEMO_ACCOUNT}:function:{name}"
    policy = {"Version": "2012-10-17", "Id": "default",
              "Statement": [{"Resource": fn, **st} for st in statements]}
    return Fault(rf"GET /2015-03-31/functions/[^/]*{name}/policy", 200, "",
                 body=json.dumps({"Policy": json.dumps(policy), "RevisionId": "4d5e6f"}))


RECORDED = [
    _recorded("inv-aws-star", {"Sid": "any", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": INVOKE}),
    _recorded("inv-for-all-values", {
        "Sid": "org", "Effect": "Allow", "Principal": "*", "Action": INVOKE,
        "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-abcdef1234"}}}),
    _recorded("inv-deny-outside-org",
              {"Sid": "any", "Effect": "Allow", "Principal": "*", "Action": INVOKE},
              {"Sid": "org-fence", "Effect": "Deny", "Principal": "*", "Action": "lambda:*",
               "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abcdef1234"}}}),
    _recorded("inv-url-via-invoke",
              {"Sid": "FunctionURLAllowPublicAccess", "Effect": "Allow", "Principal": "*",
               "Action": "lambda:InvokeFunctionUrl",
               "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}},
              {"Sid": "FunctionURLInvokeAllowPublicAccess", "Effect": "Allow", "Principal": "*", "Action": INVOKE,
               "Condition": {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}}),
]


@pytest.fixture(scope="module")
def scan(moto_endpoint: str, aws_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliResult]:
    recorded = aws_estate.seed(moto_endpoint, FUNCTIONS, ROLES)
    iam = boto3.client("iam", endpoint_url=moto_endpoint, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    boundary = iam.create_policy(PolicyName="logs-only-boundary", PolicyDocument=json.dumps(LOGS_ONLY))["Policy"]
    iam.put_role_permissions_boundary(RoleName="bounded-admin", PermissionsBoundary=boundary["Arn"])
    out = tmp_path_factory.mktemp("aws-shapes")
    with aws_proxy(moto_endpoint, ProxyState(moto_endpoint, recorded=recorded, faults=list(RECORDED))) as (url, _):
        yield run_cli(["scan", "aws", "--endpoint-url", url, "--regions", "us-east-1", "--format", "json",
                       "--out", str(out)], out, aws_env)


def _status(scan: CliResult, check: str, name: str) -> str:
    return scan.finding(check, name)["status"]


def test_the_scan_reads_every_shape(scan: CliResult) -> None:
    assert scan.code in (0, 1), scan.stderr
    assert {f["name"] for f in scan.document["functions"]} == {f.name for f in FUNCTIONS}
    assert not [f for f in findings_of(scan.document) if f["status"] == "NOT_ASSESSED"]


def test_a_condition_does_not_make_the_roles_own_admin_grant_less(scan: CliResult) -> None:
    finding = scan.finding("ZT-IAM-001", "id-cond-admin")
    assert finding["status"] == "FAIL"
    assert "no SCPs" in " ".join(finding["evidence"]), "the evidence says why no SCP applied"


def test_a_permissions_boundary_caps_administrator_access(scan: CliResult) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"""
    for check in ("ZT-IAM-001", "ZT-IAM-002", "ZT-IAM-003", "ZT-IAM-006"):
        assert _status(scan, check, "id-bounded-admin") == "PASS", check


def test_deny_not_action_removes_administrator_access(scan: CliResult) -> None:
    assert _status(scan, "ZT-IAM-001", "id-deny-not-action") == "PASS"
    assert _status(scan, "ZT-IAM-003", "id-deny-not-action") == "PASS"


def test_star_on_an_s3_object_arn_grants_no_iam_or_lambda_action(scan: CliResult) -> None:
    assert _status(scan, "ZT-IAM-003", "id-s3-object-star") == "PASS"
    assert _status(scan, "ZT-IAM-006", "id-s3-object-star") == "PASS"
    assert _status(scan, "ZT-IAM-001", "id-s3-object-star") == "PASS"


def test_an_external_id_pins_a_named_partner_in_the_trust_policy(scan: CliResult) -> None:
    assert _status(scan, "ZT-IAM-007", "id-trust-external-id") == "PASS"


def test_a_wildcard_account_in_source_arn_is_no_pin(scan: CliResult) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html"""
    assert _status(scan, "ZT-NET-004", "inv-apigw-any-account") == "FAIL"
    assert _status(scan, "ZT-NET-004", "inv-apigw-own-account") == "PASS"


def test_star_and_aws_star_are_every_aws_account_not_anonymous(scan: CliResult) -> None:
    assert _status(scan, "ZT-NET-002", "inv-aws-star") == "FAIL"
    assert _status(scan, "ZT-NET-001", "inv-aws-star") == "PASS"


def test_an_iam_url_open_to_star_admits_every_aws_account(scan: CliResult) -> None:
    """lambda:FunctionUrlAuthType AWS_IAM with Principal * lets every AWS account call the URL."""
    assert _status(scan, "ZT-NET-002", "inv-url-iam-star") == "FAIL"


def test_a_none_url_without_a_public_grant_is_not_anonymous(scan: CliResult) -> None:
    """urls-auth.html: with NONE the resource policy must still grant public access."""
    assert _status(scan, "ZT-NET-001", "inv-url-none-no-grant") == "PASS"


def test_a_bare_account_principal_is_cross_account(scan: CliResult) -> None:
    assert _status(scan, "ZT-NET-003", "inv-bare-account") == "FAIL"


def test_for_all_values_never_narrows(scan: CliResult) -> None:
    assert _status(scan, "ZT-NET-002", "inv-for-all-values") == "FAIL"


def test_a_deny_outside_the_organization_narrows(scan: CliResult) -> None:
    assert _status(scan, "ZT-NET-002", "inv-deny-outside-org") == "PASS"
    path = scan.function("inv-deny-outside-org")["network"]["invocation"][0]
    assert "Deny org-fence" in path["evidence"]


def test_invoked_via_function_url_is_the_url_path_only(scan: CliResult) -> None:
    assert _status(scan, "ZT-NET-001", "inv-url-via-invoke") == "FAIL"
    assert _status(scan, "ZT-NET-002", "inv-url-via-invoke") == "PASS"
    paths = scan.function("inv-url-via-invoke")["network"]["invocation"]
    assert [p["via"] for p in paths] == ["function_url"]


def test_the_scan_read_no_more_than_the_organization_once(scan: CliResult) -> None:
    calls = scan.document["scan"]["api_calls"]["aws"]
    assert calls.get("organizations:DescribeOrganization") == 1
