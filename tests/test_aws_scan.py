"""The AWS provider end to end: boto3 -> proxy -> moto server, through the real CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from scanner.demo.aws import estate as aws_estate
from scanner.demo.aws import fixtures
from scanner.demo.aws.fixtures import DEMO_ACCOUNT, PARTNER_ACCOUNT, DemoFunction
from scanner.demo.aws.proxy import Fault, ProxyState, aws_proxy
from tests.conftest import CliResult, findings_of, run_cli, shared_with

MONGO_PASSWORD = "Tq7$Lm9#Rw2-Vb5x"
MONGO_URL = f"mongodb+srv://svc:{MONGO_PASSWORD}@cluster0.example.net/db"
SECRET_VALUES = ["Sup3r-Secret-Passw0rd!", "sk_live_51H8xYzAbCdEfGhIjKlMnOpQrStUvWx",
                 "ghp_R4nd0mT0k3nV4lu3F0rD3m0Purp0s3sXyZ12", "AKIAZ7EXAMPLEDEMO123", MONGO_URL, MONGO_PASSWORD]

ROLES = {
    **fixtures.ROLES,
    "if-exists": {"inline": fixtures.BASIC_LOGS},
}

EXTRA = [
    DemoFunction("any-aws-caller", "python3.12", "reader",
                 permissions=[{"StatementId": "anyone-signed", "Principal": "*", "SourceAccount": "*"}]),
    DemoFunction("org-only", "python3.12", "reader",
                 permissions=[{"StatementId": "org", "Principal": "*", "PrincipalOrgID": "o-abc123def4"}]),
    DemoFunction("hostile-tags", "python3.12", "reader", tags={"owner": "<script>alert(1)</script>"}),
    DemoFunction("malformed-policy", "python3.12", "reader"),
    DemoFunction("denied-policy", "python3.12", "reader"),
    DemoFunction("signed-fn", "python3.12", "reader", code_signing="Enforce", env={"MONGODB_URI": MONGO_URL}),
]
def _scan(endpoint: str, env: dict[str, str], out: Path, *extra: str, regions: str = "us-east-1,eu-west-1",
          formats: str = "json,html") -> CliResult:
    args = ["scan", "aws", "--endpoint-url", endpoint, "--regions", regions,
            "--format", formats, "--out", str(out), *extra]
    return run_cli(args, out, env)


@pytest.fixture(scope="module")
def estate(moto_endpoint: str, aws_env: dict[str, str]) -> Iterator[tuple[str, ProxyState]]:
    recorded = aws_estate.seed(moto_endpoint, fixtures.FUNCTIONS + EXTRA, ROLES)
    faults = [
        Fault(r"GET /2015-03-31/functions/[^/]*denied-policy/policy", 403, "AccessDeniedException",
              "User is not authorized to perform: lambda:GetPolicy"),
        Fault(r"GET /2015-03-31/functions/[^/]*malformed-policy/policy", 200, "", body=json.dumps(
            {"Policy": '{"Version": "2012-10-17", "Statement": "oops', "RevisionId": "1"})),
    ]
    with aws_proxy(moto_endpoint, ProxyState(moto_endpoint, recorded=recorded, faults=faults)) as proxied:
        yield proxied


@pytest.fixture(scope="module")
def scan(
    estate: tuple[str, ProxyState], aws_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> CliResult:
    return _scan(estate[0], aws_env, tmp_path_factory.mktemp("aws"))


def test_every_function_in_every_requested_region_is_collected(scan: CliResult) -> None:
    names = {f["name"]: f["region"] for f in scan.document["functions"]}
    assert len(names) == len(fixtures.FUNCTIONS) + len(EXTRA)
    assert names["billing-export"] == "eu-west-1" and names["orders-api"] == "us-east-1"
    targets = {(t["region"], t["status"]) for t in scan.document["targets"]}
    assert ("eu-west-1", "complete") in targets and ("us-east-1", "partial") in targets
    assert all(f["account"] == DEMO_ACCOUNT for f in scan.document["functions"])
    calls = scan.document["scan"]["api_calls"]["aws"]
    assert calls["lambda:GetPolicy"] == len(names)
    assert calls["iam:GetAccountAuthorizationDetails"] == 1, "one IAM read per account, not per role"


def test_scan_with_unassessed_facts_exits_3_and_says_why(scan: CliResult) -> None:
    assert scan.code == 3, scan.stderr
    assert "Traceback" not in scan.stderr
    assert "incomplete targets" in scan.stderr


def test_invocation_paths_and_narrowing_conditions(scan: CliResult) -> None:
    url = scan.function("orders-api")["network"]
    assert url["anonymous_invoke"] is True and url["invocation"][0]["via"] == "function_url"
    assert url["cors"] == {"allowed_origins": ["*"], "allow_credentials": False}
    public = scan.function("payments-webhook")["network"]["invocation"][0]
    # Invoke needs SigV4: "*" is every AWS principal, not anonymous
    # (https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html).
    assert (public["principal_kind"], public["narrowed"]) == ("any_authenticated", False)
    s3 = scan.function("image-resizer")["network"]["invocation"][0]
    assert (s3["principal_kind"], s3["narrowed"]) == ("service", True)
    sns = scan.function("sns-fanout")["network"]["invocation"][0]
    assert (sns["principal"], sns["narrowed"]) == ("sns.amazonaws.com", False)
    partner = scan.function("partner-sync")["network"]
    assert partner["cross_account_invoke"] is True
    assert partner["invocation"][0]["principal"] == f"arn:aws:iam::{PARTNER_ACCOUNT}:root"
    wildcard_value = scan.function("any-aws-caller")["network"]["invocation"][0]
    assert wildcard_value["narrowed"] is False, "SourceAccount '*' narrows nothing"
    org = scan.function("org-only")["network"]
    assert org["invocation"][0]["narrowed"] is True and org["anonymous_invoke"] is False
    iam_url = scan.function("internal-auth")["network"]["invocation"][0]
    assert (iam_url["auth"], iam_url["principal_kind"]) == ("iam", "identity")


def test_identity_facts_come_from_the_role_policies(scan: CliResult) -> None:
    admin = scan.function("orders-api")["identity"]
    assert admin["admin"][0]["source"] == "arn:aws:iam::aws:policy/AdministratorAccess"
    escalation = scan.function("report-builder")["identity"]["privilege_escalation"]
    assert {"iam:passrole", "lambda:createfunction"} <= set(escalation[0]["actions"])
    assert scan.function("report-builder")["identity"]["modify_functions"], "UpdateFunctionCode on *"
    worker = scan.function("thumbnail-worker")["identity"]
    assert worker["wildcard"][0]["actions"] == ["s3:*"]
    assert shared_with(scan.document, scan.function("thumbnail-worker")["id"]) == [scan.function("video-worker")["id"]]
    assert "shared_with" not in worker  # schema 2.0 writes identity_groups instead
    reader = scan.function("health-check")["identity"]
    assert reader["admin"] == [] and reader["wildcard"] == [] and reader["privilege_escalation"] == []
    trust = {t["principal"]: t for t in scan.function("partner-sync")["identity"]["trust"]}
    assert trust["lambda.amazonaws.com"]["is_function_service"] is True
    assert trust[f"arn:aws:iam::{PARTNER_ACCOUNT}:root"]["narrowed"] is False


def test_configuration_facts(scan: CliResult) -> None:
    resizer = scan.function("image-resizer")
    assert resizer["encryption"]["cmk"]["state"] == "enabled"
    assert resizer["encryption"]["cmk"]["rotation_enabled"] is True
    assert resizer["network"]["private_network"]["availability_zones"] == ["us-east-1a", "us-east-1b"]
    assert resizer["monitoring"] == {"tracing": True, "log_retention_days": 30, "app_insights": None,
                                     "failure_destination": "arn:aws:sqs:us-east-1:123456789012:image-resizer-dlq",
                                     "failure_destination_supported": True}
    assert resizer["tags"] == {"team": "media", "env": "prod"}
    assert scan.function("orders-api")["monitoring"]["log_retention_days"] == 0
    layer = scan.function("analytics-etl")["supply_chain"]["layers"][0]
    assert (layer["owner"], layer["external"]) == (fixtures.LAYER_ACCOUNT, True)
    assert scan.function("payments-webhook")["runtime"]["deprecated_on"] == "2025-09-01"


def test_secrets_are_classified_and_never_printed(scan: CliResult) -> None:
    settings = {s["name"]: s for s in scan.function("image-resizer")["secrets"]["settings"]}
    assert settings["DB_SECRET_ARN"]["classification"] == "secret_reference"
    assert settings["BUCKET"]["classification"] == "ordinary"
    stripe = next(s for s in scan.function("payments-webhook")["secrets"]["settings"] if s["name"] == "STRIPE_API_KEY")
    assert stripe["classification"] == "plaintext_secret" and stripe["preview"] == "sk_l…"
    assert len(stripe["fingerprint"]) == 16
    mongo = scan.function("signed-fn")["secrets"]["settings"][0]
    assert (mongo["classification"], mongo["detectors"]) == ("plaintext_secret", ["password in a mongodb+srv:// URL"])
    everything = scan.stdout + scan.stderr + "".join(p.read_text() for p in scan.out_dir.iterdir())
    for value in SECRET_VALUES:
        assert value not in everything


def test_first_checks_fail_and_pass_on_the_right_functions(scan: CliResult) -> None:
    status = {(f["check_id"], f["resource_name"]): f["status"] for f in findings_of(scan.document)}
    assert status[("ZT-NET-001", "orders-api")] == "FAIL"
    assert status[("ZT-NET-001", "payments-webhook")] == "FAIL", "its public function URL"
    assert status[("ZT-NET-002", "payments-webhook")] == "FAIL", "Principal * on InvokeFunction"
    assert status[("ZT-NET-001", "image-resizer")] == "PASS"
    assert status[("ZT-NET-001", "org-only")] == "PASS"
    assert status[("ZT-IAM-001", "orders-api")] == "FAIL"
    assert status[("ZT-IAM-001", "health-check")] == "PASS"
    assert status[("ZT-SEC-001", "billing-export")] == "FAIL"
    assert status[("ZT-SEC-001", "image-resizer")] == "PASS"
    assert status[("ZT-RUN-001", "report-builder")] == "FAIL"
    assert status[("ZT-RUN-001", "orders-api")] == "PASS"
    assert status[("ZT-ENC-001", "image-resizer")] == "PASS"
    assert status[("ZT-ENC-001", "orders-api")] == "FAIL"
    assert status[("ZT-ENC-001", "health-check")] == "NOT_APPLICABLE"
    assert status[("ZT-RUN-003", "signed-fn")] == "PASS"
    assert status[("ZT-RUN-003", "health-check")] == "FAIL"


def test_unreadable_or_malformed_policy_is_not_assessed_never_pass(scan: CliResult) -> None:
    denied = scan.function("denied-policy")
    assert "AccessDeniedException" in denied["unknown"]["network.invocation"]
    assert scan.finding("ZT-NET-001", "denied-policy")["status"] == "NOT_ASSESSED"
    malformed = scan.function("malformed-policy")
    assert "could not be read" in malformed["unknown"]["network.invocation"]
    assert scan.finding("ZT-NET-001", "malformed-policy")["status"] == "NOT_ASSESSED"
    assert scan.finding("ZT-SEC-001", "denied-policy")["status"] == "PASS", "other facts stay assessed"


def test_hostile_strings_are_escaped_in_html(scan: CliResult) -> None:
    html = (scan.out_dir / "ztscan.html").read_text()
    assert "<script>alert(1)</script>" not in html
    assert scan.function("hostile-tags")["tags"]["owner"] == "<script>alert(1)</script>"


def test_fail_on_severity_sets_exit_1(estate: tuple[str, ProxyState], aws_env: dict[str, str], tmp_path: Path) -> None:
    result = _scan(estate[0], aws_env, tmp_path, "--fail-on", "critical", formats="json")
    assert result.code == 1


def test_iam_access_denied_makes_identity_checks_not_assessed(
    moto_endpoint: str, estate: tuple[str, ProxyState], aws_env: dict[str, str], tmp_path: Path
) -> None:
    denied = ProxyState(moto_endpoint, recorded=estate[1].recorded,
                        faults=[Fault("GetAccountAuthorizationDetails", 403, "AccessDenied")])
    with aws_proxy(moto_endpoint, denied) as (endpoint, _):
        result = _scan(endpoint, aws_env, tmp_path, regions="us-east-1")
    assert result.code == 3
    findings = [f for f in findings_of(result.document) if f["check_id"] == "ZT-IAM-001"]
    assert findings and {f["status"] for f in findings} == {"NOT_ASSESSED"}
    assert "AccessDenied" in result.function("orders-api")["unknown"]["identity.admin"]


def test_throttling_is_retried_and_nothing_is_lost(
    moto_endpoint: str, estate: tuple[str, ProxyState], aws_env: dict[str, str], tmp_path: Path
) -> None:
    busy = ProxyState(moto_endpoint, recorded=estate[1].recorded, faults=[
        Fault(r"GET /2015-03-31/functions/? ", 429, "TooManyRequestsException", times=2, retry_after="1"),
        Fault(r"GET /2015-03-31/functions/[^/]*orders-api/policy", 429, "TooManyRequestsException", times=1),
    ])
    with aws_proxy(moto_endpoint, busy) as (endpoint, state):
        result = _scan(endpoint, aws_env, tmp_path, regions="us-east-1")
    assert [f.hits for f in state.faults] == [2, 1], state.calls
    names = {f["name"] for f in result.document["functions"]}
    assert "orders-api" in names and len(names) == len([f for f in fixtures.FUNCTIONS + EXTRA
                                                        if f.region == "us-east-1"])
    assert result.finding("ZT-NET-001", "orders-api")["status"] == "FAIL"


def test_unknown_region_is_a_one_line_usage_error(moto_endpoint: str, aws_env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli(["scan", "aws", "--endpoint-url", moto_endpoint, "--regions", "mars-north-1",
                      "--out", str(tmp_path)], tmp_path, aws_env)
    assert result.code == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last == "ztscan: error: unknown AWS region 'mars-north-1' (Lambda is not offered there)"


def test_unknown_profile_is_a_one_line_usage_error(tmp_path: Path, aws_env: dict[str, str]) -> None:
    config = tmp_path / "config"
    config.write_text("[default]\nregion = us-east-1\n")
    env = {**aws_env, "AWS_CONFIG_FILE": str(config)}
    result = run_cli(["scan", "aws", "--profile", "nope", "--out", str(tmp_path)], tmp_path, env)
    assert result.code == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last == "ztscan: error: AWS profile 'nope' not found in the AWS config files"


def test_endpoint_that_does_not_answer_fails_the_target_in_one_line(aws_env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli(["scan", "aws", "--endpoint-url", "http://127.0.0.1:9", "--regions", "us-east-1",
                      "--format", "json", "--out", str(tmp_path)], tmp_path, aws_env)
    assert result.code == 3
    assert "Traceback" not in result.stderr
    target = result.document["targets"][0]
    assert target["status"] == "failed" and "endpoint did not answer" in target["error"]


def test_organization_members_are_scanned_through_the_org_role(
    moto_endpoint: str, estate: tuple[str, ProxyState], aws_env: dict[str, str], tmp_path: Path
) -> None:
    org = boto3.client("organizations", endpoint_url=moto_endpoint, region_name="us-east-1", **_keys())
    org.create_organization(FeatureSet="ALL")
    member = org.create_account(AccountName="workloads", Email="w@example.com")["CreateAccountStatus"]["AccountId"]
    lam = boto3.client("lambda", endpoint_url=moto_endpoint, region_name="us-east-1", **_keys())
    iam = boto3.client("iam", endpoint_url=moto_endpoint, region_name="us-east-1", **_keys())
    for client in (lam, iam):
        client.meta.events.register("before-sign.*.*", _as_account(member))
    role = iam.create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(fixtures.LAMBDA_TRUST))["Role"]["Arn"]
    lam.create_function(FunctionName="member-fn", Runtime="python3.12", Role=role, Handler="h.h",
                        Code={"ZipFile": aws_estate._zip()})
    result = run_cli(["scan", "aws", "--endpoint-url", moto_endpoint, "--regions", "us-east-1",
                      "--org-role", "OrganizationAccountAccessRole", "--format", "json", "--out", str(tmp_path)],
                     tmp_path, aws_env)
    accounts = {f["name"]: f["account"] for f in result.document["functions"]}
    assert accounts["member-fn"] == member
    assert accounts["orders-api"] == DEMO_ACCOUNT
    assert {t["account"] for t in result.document["targets"]} == {DEMO_ACCOUNT, member}


def _keys() -> dict[str, Any]:
    return {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def _as_account(account: str) -> Any:
    def add_header(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = account

    return add_header


def test_expired_credentials_fail_the_target_in_one_line(
    moto_endpoint: str, estate: tuple[str, ProxyState], aws_env: dict[str, str], tmp_path: Path
) -> None:
    expired = ProxyState(moto_endpoint, faults=[
        Fault("GetCallerIdentity", 403, "ExpiredToken", "The security token included in the request is expired")])
    with aws_proxy(moto_endpoint, expired) as (endpoint, _):
        result = _scan(endpoint, aws_env, tmp_path, regions="us-east-1", formats="json")
    assert result.code == 3 and "Traceback" not in result.stderr
    target = result.document["targets"][0]
    assert target["status"] == "failed"
    assert target["error"] == "profile default: ExpiredToken: The security token included in the request is expired"


def test_role_arn_scans_the_assumed_account(
    moto_endpoint: str, estate: tuple[str, ProxyState], aws_env: dict[str, str], tmp_path: Path
) -> None:
    result = _scan(moto_endpoint, aws_env, tmp_path, "--role-arn", f"arn:aws:iam::{PARTNER_ACCOUNT}:role/audit",
                   regions="us-east-1", formats="json")
    assert {t["account"] for t in result.document["targets"]} >= {DEMO_ACCOUNT, PARTNER_ACCOUNT}
    assert result.document["scan"]["scope"]["aws"]["accounts"] == [DEMO_ACCOUNT, PARTNER_ACCOUNT]
