"""Aliases, asynchronous on-failure destinations and code signing, end to end through the CLI.

moto merges permissions added with a Qualifier into the function's one policy, and 404s
ListFunctionUrlConfigs and the code-signing listings, so those are served by the proxy from
responses recorded in the AWS API reference's shapes (scanner/demo/aws/responses.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from scanner.demo.aws import estate
from scanner.demo.aws.fixtures import BASIC_LOGS, DEMO_ACCOUNT, LAMBDA_TRUST, DemoAlias, DemoFunction
from scanner.demo.aws.proxy import ProxyState, aws_proxy
from tests.conftest import CliResult, run_cli

ROLES: dict[str, dict[str, Any]] = {"reader": {"inline": BASIC_LOGS, "trust": LAMBDA_TRUST}}
QUEUE = f"arn:aws:sqs:us-east-1:{DEMO_ACCOUNT}:async-failures"

# What AWS adds to an alias's own policy when its URL is created with AuthType NONE: since October
# 2025 both InvokeFunctionUrl and InvokeFunction (the latter only via the URL) are needed
# (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html).
PUBLIC_URL_STATEMENTS = [
    {"Sid": "FunctionURLAllowPublicAccess", "Principal": "*", "Action": "lambda:InvokeFunctionUrl",
     "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}},
    {"Sid": "FunctionURLAllowInvokeAction", "Principal": "*", "Action": "lambda:InvokeFunction",
     "Condition": {"Bool": {"lambda:InvokedViaFunctionUrl": "true"}}},
]
ANY_ACCOUNT = {"Sid": "anyone", "Principal": {"AWS": "*"}, "Action": "lambda:InvokeFunction"}
OWN_ROLE = {"Sid": "caller", "Principal": {"AWS": f"arn:aws:iam::{DEMO_ACCOUNT}:role/reader"},
            "Action": "lambda:InvokeFunction"}

FUNCTIONS = [
    # The function itself has no policy and no URL; only its alias is open.
    DemoFunction("public-alias", "python3.12", "reader",
                 aliases=[DemoAlias("live", statements=[*PUBLIC_URL_STATEMENTS, ANY_ACCOUNT], url_auth="NONE",
                                    cors={"AllowOrigins": ["*"], "AllowCredentials": False})]),
    DemoFunction("private-alias", "python3.12", "reader",
                 aliases=[DemoAlias("internal", statements=[OWN_ROLE], url_auth="AWS_IAM")]),
    DemoFunction("async-destination", "python3.12", "reader", on_failure=QUEUE),
    DemoFunction("no-destination", "python3.12", "reader"),
    DemoFunction("dead-letter", "python3.12", "reader", dead_letter=QUEUE),
    DemoFunction("signing-warn", "python3.12", "reader", code_signing="Warn"),
    DemoFunction("signing-enforce", "python3.12", "reader", code_signing="Enforce"),
]


@pytest.fixture(scope="module")
def scan(moto_endpoint: str, aws_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliResult]:
    recorded = estate.seed(moto_endpoint, FUNCTIONS, ROLES)
    with aws_proxy(moto_endpoint, ProxyState(moto_endpoint, recorded=recorded)) as (endpoint, _):
        out = tmp_path_factory.mktemp("aliases")
        yield run_cli(["scan", "aws", "--endpoint-url", endpoint, "--regions", "us-east-1", "--format", "json",
                       "--out", str(out)], out, aws_env)


def _status(scan: CliResult, check_id: str, name: str) -> str:
    return str(scan.finding(check_id, name)["status"])


def test_every_function_is_fully_read(scan: CliResult) -> None:
    assert scan.code in (0, 1), scan.stderr
    assert {f["name"]: f["unknown"] for f in scan.document["functions"]} == {f.name: {} for f in FUNCTIONS}
    assert [t["status"] for t in scan.document["targets"]] == ["complete"]


def test_a_public_alias_of_a_private_function_fails(scan: CliResult) -> None:
    paths = scan.function("public-alias")["network"]["invocation"]
    assert paths and {p["qualifier"] for p in paths} == {"live"}, "every path names the alias it reaches"
    assert {p["via"] for p in paths} == {"function_url", "resource_policy"}
    assert _status(scan, "ZT-NET-001", "public-alias") == "FAIL"  # the alias URL with AuthType NONE
    assert _status(scan, "ZT-NET-002", "public-alias") == "FAIL"  # {"AWS": "*"} on the alias
    assert _status(scan, "ZT-NET-005", "public-alias") == "FAIL"
    network = scan.function("public-alias")["network"]
    assert network["endpoint_url"].endswith(".lambda-url.us-east-1.on.aws/")
    assert network["cors"] == {"allowed_origins": ["*"], "allow_credentials": False}


def test_a_private_alias_passes(scan: CliResult) -> None:
    paths = scan.function("private-alias")["network"]["invocation"]
    assert paths and {p["qualifier"] for p in paths} == {"internal"}
    assert _status(scan, "ZT-NET-001", "private-alias") == "PASS"
    assert _status(scan, "ZT-NET-002", "private-alias") == "PASS"
    assert _status(scan, "ZT-NET-003", "private-alias") == "PASS"


def test_a_function_without_aliases_or_url_has_no_endpoint(scan: CliResult) -> None:
    network = scan.function("no-destination")["network"]
    assert network["invocation"] == [] and network["public_ingress"] is None
    assert _status(scan, "ZT-NET-005", "no-destination") == "NOT_APPLICABLE"


def test_async_on_failure_destination_counts_for_mon_002(scan: CliResult) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html"""
    assert scan.function("async-destination")["monitoring"]["failure_destination"] == QUEUE
    assert _status(scan, "ZT-MON-002", "async-destination") == "PASS"
    assert scan.function("no-destination")["monitoring"]["failure_destination"] is None
    assert _status(scan, "ZT-MON-002", "no-destination") == "FAIL"


def test_code_signing_comes_from_the_regional_listing(scan: CliResult) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/governance-code-signing.html: Warn deploys
    untrusted code with a warning, Enforce blocks it."""
    assert scan.function("signing-enforce")["supply_chain"]["code_signing"] == "enforce"
    assert _status(scan, "ZT-RUN-003", "signing-enforce") == "PASS"
    assert scan.function("signing-warn")["supply_chain"]["code_signing"] == "warn"
    assert _status(scan, "ZT-RUN-003", "signing-warn") == "FAIL"
    assert scan.function("no-destination")["supply_chain"]["code_signing"] == "none"
    assert _status(scan, "ZT-RUN-003", "no-destination") == "FAIL"


def test_calls_per_quota_bucket(scan: CliResult) -> None:
    calls = scan.document["scan"]["api_calls"]["aws"]
    count = len(FUNCTIONS)
    assert calls["lambda:GetPolicy"] == count + 2, "the function's policy, and one per alias"
    assert calls["lambda:ListAliases"] == count
    assert calls["lambda:ListFunctionUrlConfigs"] == count, "one listing covers the aliases' URLs too"
    assert calls["lambda:ListCodeSigningConfigs"] == 1
    assert calls["lambda:ListFunctionsByCodeSigningConfig"] == 2, "one per configuration, not per function"
    assert "lambda:GetFunctionCodeSigningConfig" not in calls and "lambda:GetFunctionUrlConfig" not in calls
    assert calls["lambda:ListFunctionEventInvokeConfigs"] == count - 1, "not asked when a dead-letter queue is set"
