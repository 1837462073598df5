"""The organisation benchmark's seeding (scanner.demo.aws.organization): moto's backends seeded directly
must answer over HTTP exactly as if every call had gone through boto3 and moto's HTTP handlers."""

from __future__ import annotations

import json
from typing import Any

import boto3

from scanner.demo.aws import estate
from scanner.demo.aws.fixtures import DEMO_ACCOUNT, ROLES, DemoAlias, DemoFunction
from scanner.demo.aws.organization import (
    MANAGEMENT_ACCOUNT,
    ORG_ROLE,
    AccountEstate,
    attached_aws_policies_only,
    create_organization,
    seed_account,
)
from scanner.demo.aws.responses import Recorded

OTHER_ACCOUNT = "111122223333"
REGION = "eu-west-1"
# Fields moto makes up on every write (timestamps, random ids), and the hash of the demo zip, which carries
# the time it was built: equal only by chance.
VOLATILE = {"LastModified", "RevisionId", "FunctionUrl", "CreationTime", "LastModifiedTime", "RoleId", "CreateDate",
            "CodeSha256"}


def _specs(account: str = DEMO_ACCOUNT) -> list[DemoFunction]:
    return [
        DemoFunction("open-api", "python3.12", "reader", region=REGION, url_auth="NONE",
                     cors={"AllowOrigins": ["*"], "AllowCredentials": False},
                     permissions=[{"StatementId": "public", "Principal": "*"}],
                     env={"TABLE": "t", "API_KEY": "k1-Xy7Qw9Lm2Pz8Rt5Vb3Nc6"}, tags={"app": "a"}),
        DemoFunction("aliased", "nodejs22.x", "orders-admin", region=REGION,
                     on_failure=f"arn:aws:sqs:{REGION}:{account}:failures",
                     permissions=[{"StatementId": "s3", "Principal": "s3.amazonaws.com", "SourceAccount": account}],
                     aliases=[DemoAlias("live", url_auth="AWS_IAM", statements=[
                         {"Sid": "caller", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                          "Action": "lambda:InvokeFunction"}])]),
    ]


def _answers(endpoint: str, account: str) -> dict[str, Any]:
    """What a scan reads of the seeded estate, over HTTP, in ``account``'s terms made neutral."""
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    lam, iam = session.client("lambda", endpoint_url=endpoint), session.client("iam", endpoint_url=endpoint)
    for client in (lam, iam):
        client.meta.events.register("before-sign.*.*", lambda request, **_: request.headers.__setitem__(
            "x-moto-account-id", account))
    answers: dict[str, Any] = {"functions": lam.list_functions()["Functions"]}
    for spec in _specs():
        answers[spec.name] = {
            "policy": json.loads(lam.get_policy(FunctionName=spec.name)["Policy"]),
            "aliases": lam.list_aliases(FunctionName=spec.name)["Aliases"],
            "invoke": lam.list_function_event_invoke_configs(FunctionName=spec.name)["FunctionEventInvokeConfigs"],
        }
        if spec.url_auth:
            answers[spec.name]["url"] = lam.get_function_url_config(FunctionName=spec.name)
    answers["roles"] = iam.get_account_authorization_details(Filter=["Role"])["RoleDetailList"]
    return _neutral(answers, account)


def _neutral(value: Any, account: str) -> Any:
    if isinstance(value, dict):
        return {k: _neutral(v, account) for k, v in value.items() if k not in VOLATILE and k != "ResponseMetadata"}
    if isinstance(value, list):
        return [_neutral(v, account) for v in value]
    return value.replace(account, "ACCOUNT") if isinstance(value, str) else value


def _recorded(recorded: Recorded, account: str) -> Any:
    return _neutral(json.loads(json.dumps([recorded.alias_policies.get(("aliased", "live")),
                                           recorded.alias_urls.get("aliased")], default=str)), account)


def test_direct_seeding_answers_as_seeding_through_the_api(moto_endpoint: str) -> None:
    roles = {"reader": ROLES["shared-worker"], "orders-admin": ROLES["orders-admin"]}
    through_api = estate.seed(moto_endpoint, _specs(), roles)
    direct = seed_account(AccountEstate(OTHER_ACCOUNT, _specs(OTHER_ACCOUNT), roles), estate._zip())
    assert _answers(moto_endpoint, OTHER_ACCOUNT) == _answers(moto_endpoint, DEMO_ACCOUNT)
    assert _recorded(direct, OTHER_ACCOUNT) == _recorded(through_api, DEMO_ACCOUNT)


def test_organization_members_hold_the_org_role_and_only_attached_aws_policies(moto_endpoint: str) -> None:
    members = create_organization(2)
    seed_account(AccountEstate(members[0], [], {"admin": ROLES["orders-admin"]}), estate._zip())
    attached_aws_policies_only([MANAGEMENT_ACCOUNT, *members])
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    listed = {a["Id"] for a in session.client("organizations", endpoint_url=moto_endpoint).list_accounts()["Accounts"]}
    assert listed == {MANAGEMENT_ACCOUNT, *members}
    sts = session.client("sts", endpoint_url=moto_endpoint)
    keys = sts.assume_role(RoleArn=f"arn:aws:iam::{members[0]}:role/{ORG_ROLE}", RoleSessionName="bench")["Credentials"]
    iam = boto3.client("iam", endpoint_url=moto_endpoint, region_name="us-east-1",
                       aws_access_key_id=keys["AccessKeyId"], aws_secret_access_key=keys["SecretAccessKey"],
                       aws_session_token=keys["SessionToken"])
    details = iam.get_account_authorization_details(Filter=["Role", "AWSManagedPolicy"])
    assert {r["RoleName"] for r in details["RoleDetailList"]} == {ORG_ROLE, "admin"}
    assert [p["Arn"] for p in details["Policies"]] == ["arn:aws:iam::aws:policy/AdministratorAccess"]
