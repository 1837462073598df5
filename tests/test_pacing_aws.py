"""AWS pacing: botocore clients spend the Lambda quota bucket each operation belongs to, a throttle
slows that bucket, and a small scan through a proxy that enforces Lambda's quotas loses nothing.

Quotas: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html ("Lambda API
requests": GetFunction 100/s, GetPolicy 15/s, every other control-plane API 15/s shared);
EC2 non-mutating actions: https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from providers.aws.quotas import QUOTAS, bucket_name
from providers.aws.targets import Api, client
from scanner.demo.aws import estate
from scanner.demo.aws.fixtures import BASIC_LOGS, LAMBDA_TRUST, DemoAlias, DemoFunction
from scanner.demo.aws.proxy import Fault, ProxyState, aws_proxy
from scanner.demo.aws.quota_proxy import QuotaGate, lambda_bucket
from scanner.pacing import Pacer, TokenBucket
from tests.conftest import run_cli

ACCOUNT = "123456789012"


class RecordingPacer(Pacer):
    """The real buckets on a clock that never sleeps, recording which bucket each request took."""

    def __init__(self) -> None:
        self.slept: list[float] = []
        super().__init__(QUOTAS, clock=lambda: 0.0, sleep=self.slept.append)
        self.taken: list[tuple[str, ...]] = []

    def bucket(self, name: str, *scope: str) -> TokenBucket | None:
        self.taken.append((*scope, name))
        return super().bucket(name, *scope)


@pytest.mark.parametrize(("service", "operation", "bucket"), [
    ("lambda", "GetPolicy", "get_policy"),
    ("lambda", "GetFunction", "get_function"),
    ("lambda", "ListFunctions", "lambda"),
    ("lambda", "ListAliases", "lambda"),
    ("lambda", "ListFunctionUrlConfigs", "lambda"),
    ("lambda", "ListFunctionEventInvokeConfigs", "lambda"),
    ("lambda", "ListCodeSigningConfigs", "lambda"),
    ("lambda", "GetFunctionConfiguration", "lambda"),
    ("ec2", "DescribeSubnets", "ec2"),
    ("ec2", "DescribeRegions", "ec2"),
    ("iam", "GetAccountAuthorizationDetails", None),
    ("logs", "DescribeLogGroups", None),
    ("kms", "DescribeKey", None),
])
def test_operations_map_to_their_quota_bucket(service: str, operation: str, bucket: str | None) -> None:
    assert bucket_name(service, operation) == bucket


# The scan below spends more shared-bucket calls than one burst of RAISED allows, so pacing is exercised.
FUNCTIONS = [DemoFunction(f"fn-{i:02d}", "python3.12", "reader",
                          aliases=[DemoAlias("live")] if i % 5 == 0 else [],
                          url_auth="AWS_IAM" if i % 4 == 0 else None) for i in range(30)]


@pytest.fixture(scope="module")
def recorded(moto_endpoint: str) -> Any:
    return estate.seed(moto_endpoint, [*FUNCTIONS, DemoFunction("paced", "python3.12", "reader")],
                       {"reader": {"inline": BASIC_LOGS, "trust": LAMBDA_TRUST}})


@pytest.fixture(scope="module")
def endpoint(moto_endpoint: str, recorded: Any) -> str:
    return moto_endpoint


def _session(aws_env: dict[str, str]) -> boto3.Session:
    return boto3.Session(aws_access_key_id=aws_env["AWS_ACCESS_KEY_ID"],
                         aws_secret_access_key=aws_env["AWS_SECRET_ACCESS_KEY"],
                         aws_session_token=aws_env["AWS_SESSION_TOKEN"], region_name="us-east-1")


def test_a_client_takes_a_token_from_its_bucket_per_request(endpoint: str, aws_env: dict[str, str]) -> None:
    pacer = RecordingPacer()
    api = Api.build(endpoint, 2, "standard", pacer)
    lam = client(_session(aws_env), "lambda", api, "us-east-1", account=ACCOUNT)
    lam.list_functions()
    lam.get_function(FunctionName="paced")
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_policy(FunctionName="paced")
    client(_session(aws_env), "iam", api, account=ACCOUNT).list_roles()
    assert pacer.taken == [(ACCOUNT, "us-east-1", "lambda"), (ACCOUNT, "us-east-1", "get_function"),
                           (ACCOUNT, "us-east-1", "get_policy")], "IAM is not paced"


def test_a_client_without_an_account_is_not_paced(endpoint: str, aws_env: dict[str, str]) -> None:
    pacer = RecordingPacer()
    client(_session(aws_env), "lambda", Api.build(endpoint, 2, "standard", pacer), "eu-west-1").list_functions()
    assert pacer.taken == []


def test_a_throttle_slows_only_its_bucket_and_honours_retry_after(endpoint: str, aws_env: dict[str, str]) -> None:
    """Lambda answers 429 TooManyRequestsException with Retry-After
    (https://docs.aws.amazon.com/lambda/latest/api/API_GetPolicy.html#API_GetPolicy_Errors)."""
    throttle = Fault(r"GET /2015-03-31/functions/paced/policy", 429, "TooManyRequestsException", "Rate exceeded",
                     times=1, retry_after="3")
    pacer = RecordingPacer()
    with aws_proxy(endpoint, ProxyState(endpoint, faults=[throttle])) as (proxy, _):
        lam = client(_session(aws_env), "lambda", Api.build(proxy, 2, "standard", pacer), "us-east-1", account=ACCOUNT)
        with pytest.raises(lam.exceptions.ResourceNotFoundException):
            lam.get_policy(FunctionName="paced")  # botocore retries the throttled attempt
    policy = pacer.bucket("get_policy", ACCOUNT, "us-east-1")
    shared = pacer.bucket("lambda", ACCOUNT, "us-east-1")
    assert policy is not None and shared is not None
    assert throttle.hits == 1 and policy.throttles == 1
    assert 3.0 in pacer.slept, "the retried attempt waited for Retry-After"
    assert policy.rate() == pytest.approx(7.5) and shared.rate() == pytest.approx(15)


@pytest.mark.parametrize(("method", "path", "bucket"), [
    ("GET", "/2015-03-31/functions/fn/policy", "GetPolicy"),
    ("GET", "/2015-03-31/functions/fn/policy?Qualifier=live", "GetPolicy"),
    ("GET", "/2015-03-31/functions/fn", "GetFunction"),
    ("GET", "/2015-03-31/functions/fn?Qualifier=live", "GetFunction"),
    ("GET", "/2015-03-31/functions/", "control plane"),
    ("GET", "/2015-03-31/functions/fn/aliases", "control plane"),
    ("GET", "/2021-10-31/functions/fn/urls", "control plane"),
    ("DELETE", "/2015-03-31/functions/fn", "control plane"),
])
def test_the_quota_proxy_classifies_lambda_requests(method: str, path: str, bucket: str) -> None:
    assert lambda_bucket(method, path) == bucket


# Rates raised from the documented ones so the scan is quick; the client is told the same rates.
RAISED = {"GetPolicy": 40.0, "GetFunction": 100.0, "control plane": 40.0}


@pytest.fixture(scope="module")
def quota_scan(moto_endpoint: str, recorded: Any, aws_env: dict[str, str],
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, Any], QuotaGate, int]]:
    gate = QuotaGate(latency=0.005, rates=dict(RAISED))
    out = tmp_path_factory.mktemp("quota")
    with aws_proxy(moto_endpoint, ProxyState(moto_endpoint, recorded=recorded, gate=gate)) as (proxy, _):
        result = run_cli(["scan", "aws", "--endpoint-url", proxy, "--regions", "us-east-1", "--format", "json",
                          "--out", str(out), "--aws-rate", "lambda=40,get_policy=40"], Path(out), aws_env)
    yield result.document, gate, result.code


def test_a_paced_scan_through_enforced_quotas_loses_nothing(quota_scan: tuple[dict[str, Any], QuotaGate, int]) -> None:
    doc, gate, code = quota_scan
    assert code in (0, 1)
    names = {fn["name"] for fn in doc["functions"]}
    assert {spec.name for spec in FUNCTIONS} <= names
    assert all(fn["unknown"] == {} for fn in doc["functions"])
    assert all(t["status"] == "complete" for t in doc["targets"])
    assert gate.admitted["us-east-1", "control plane"] > 2 * RAISED["control plane"], "more than one burst"
    assert sum(gate.throttled.values()) <= 3, gate.throttled


def test_bad_rates_are_a_usage_error(aws_env: dict[str, str], tmp_path: Path) -> None:
    for bad in ("lamda=15", "lambda=fast", "lambda", "lambda=0"):
        result = run_cli(["scan", "aws", "--regions", "us-east-1", "--aws-rate", bad, "--out", str(tmp_path)],
                         tmp_path, aws_env)
        assert result.code == 2, (bad, result.stderr)
        assert result.stderr.startswith("ztscan: error: ") and "--aws-rate" in result.stderr
        assert "Traceback" not in result.stderr


def test_rates_come_from_the_config_table_and_the_flag_overrides_per_key(tmp_path: Path) -> None:
    from providers.aws import AwsOptions
    from scanner.cli_options import build

    config = {"rates": {"lambda": 10, "get_policy": 5}}
    opts = build(AwsOptions, {"rates": ("lambda=30",)}, config, "aws")
    assert opts.rates == {"lambda": 30.0, "get_policy": 5.0}
    assert build(AwsOptions, {}, {"rates": {"ec2": "off"}}, "aws").rates == {"ec2": "off"}
