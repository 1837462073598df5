"""What a scan does when part of an account cannot be read: a denied URL listing, a deleted subnet,
an answer the SDK parses but the collector does not expect. Each loses only what it must."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.demo.aws import estate
from scanner.demo.aws.fixtures import BASIC_LOGS, LAMBDA_TRUST, PARTNER_ACCOUNT, DemoFunction
from scanner.demo.aws.proxy import Fault, ProxyState, aws_proxy
from tests.conftest import CliResult, run_cli

ROLES: dict[str, dict[str, Any]] = {"reader": {"inline": BASIC_LOGS, "trust": LAMBDA_TRUST}}
FUNCTIONS = [
    DemoFunction("url-denied", "python3.12", "reader", url_auth="AWS_IAM"),
    DemoFunction("url-readable", "python3.12", "reader", url_auth="AWS_IAM"),
    DemoFunction("vpc-subnet-gone", "python3.12", "reader", vpc_subnets=2, deleted_subnet=True),
    DemoFunction("vpc-two-zones", "python3.12", "reader", vpc_subnets=2),
    DemoFunction("no-vpc", "python3.12", "reader"),
    DemoFunction("eu-vpc", "python3.12", "reader", vpc_subnets=1, region="eu-west-1"),
    DemoFunction("eu-no-vpc", "python3.12", "reader", region="eu-west-1"),
]
DENIED_URLS = Fault(r"GET /2021-10-31/functions/[^/]*url-denied/urls", 403, "AccessDeniedException",
                    "User is not authorized to perform: lambda:ListFunctionUrlConfigs")
# An explicit deny on ec2:DescribeSubnets in one region (UnauthorizedOperation is EC2's AccessDenied).
DENIED_SUBNETS = Fault(r"^eu-west-1 POST / DescribeSubnets", 403, "UnauthorizedOperation",
                       "You are not authorized to perform this operation.")


@pytest.fixture(scope="module")
def recorded(moto_endpoint: str) -> Any:
    return estate.seed(moto_endpoint, FUNCTIONS, ROLES)


def _scan(moto_endpoint: str, recorded: Any, env: dict[str, str], out: Path, faults: list[Fault],
          *extra: str) -> CliResult:
    with aws_proxy(moto_endpoint, ProxyState(moto_endpoint, recorded=recorded, faults=faults)) as (endpoint, _):
        return run_cli(["scan", "aws", "--endpoint-url", endpoint, "--regions", "us-east-1,eu-west-1",
                        "--format", "json", "--out", str(out), *extra], out, env)


@pytest.fixture(scope="module")
def scan(moto_endpoint: str, recorded: Any, aws_env: dict[str, str],
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliResult]:
    yield _scan(moto_endpoint, recorded, aws_env, tmp_path_factory.mktemp("partial"), [DENIED_URLS, DENIED_SUBNETS])


def test_a_denied_url_listing_makes_ingress_not_assessed(scan: CliResult) -> None:
    denied = scan.function("url-denied")
    for fact in ("network.public_ingress", "network.endpoint_url", "network.cors", "network.invocation"):
        assert "AccessDeniedException" in denied["unknown"][fact], fact
    assert scan.finding("ZT-NET-005", "url-denied")["status"] == "NOT_ASSESSED"
    assert scan.finding("ZT-NET-001", "url-denied")["status"] == "NOT_ASSESSED"
    assert scan.finding("ZT-NET-005", "url-readable")["status"] == "FAIL", "a URL is reachable from anywhere"
    assert scan.finding("ZT-NET-005", "no-vpc")["status"] == "NOT_APPLICABLE", "no URL: no endpoint of its own"


def test_a_deleted_subnet_makes_only_its_functions_zones_unknown(scan: CliResult) -> None:
    """DescribeSubnets with SubnetIds fails whole on one missing id (InvalidSubnetID.NotFound); the
    collector asks with a subnet-id filter, which leaves a missing subnet out
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSubnets.html)."""
    gone = scan.function("vpc-subnet-gone")
    missing = gone["network"]["private_network"]["subnets"][-1]
    assert missing in gone["unknown"]["network.private_network.availability_zones"]
    assert scan.finding("ZT-NET-012", "vpc-subnet-gone")["status"] == "NOT_ASSESSED"
    two = scan.function("vpc-two-zones")
    assert two["unknown"] == {} and len(two["network"]["private_network"]["availability_zones"]) == 2
    assert scan.finding("ZT-NET-012", "vpc-two-zones")["status"] == "PASS"
    assert scan.function("no-vpc")["unknown"] == {}
    assert scan.finding("ZT-NET-012", "no-vpc")["status"] == "NOT_APPLICABLE"


def test_a_failed_subnet_read_touches_only_functions_in_a_vpc(scan: CliResult) -> None:
    assert "UnauthorizedOperation" in scan.function("eu-vpc")["unknown"]["network.private_network.availability_zones"]
    assert scan.function("eu-no-vpc")["unknown"] == {}
    eu = next(t for t in scan.document["targets"] if t["region"] == "eu-west-1")
    assert (eu["status"], eu["error"]) == ("partial", "1 function(s) have facts that could not be read")


def test_an_unexpected_answer_fails_its_target_and_the_rest_of_the_scan_completes(
    moto_endpoint: str, recorded: Any, aws_env: dict[str, str], tmp_path: Path
) -> None:
    """A ListFunctions page botocore accepts but without a FunctionArn: the collector's KeyError fails
    that region of every account, in one line, and every other target is still scanned."""
    odd = Fault(r"^eu-west-1 GET /2015-03-31/functions/? ", 200, "",
                body=json.dumps({"Functions": [{"FunctionName": "half-a-function"}]}))
    result = _scan(moto_endpoint, recorded, aws_env, tmp_path, [odd],
                   "--role-arn", f"arn:aws:iam::{PARTNER_ACCOUNT}:role/audit")
    assert result.code == 3 and "Traceback" not in result.stderr
    by_target = {(t["account"], t["region"]): t for t in result.document["targets"]}
    assert len(by_target) == 4, "two accounts, two regions each"
    for (account, region), target in by_target.items():
        if region == "eu-west-1":
            assert (target["status"], target["error"]) == ("failed", "internal error: KeyError: 'FunctionArn'")
        else:
            assert target["status"] in ("complete", "partial"), (account, target)
    names = {f["name"] for f in result.document["functions"]}
    assert names == {f.name for f in FUNCTIONS if f.region == "us-east-1"}
