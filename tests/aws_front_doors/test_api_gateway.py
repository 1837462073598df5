"""API Gateway REST and HTTP APIs in front of functions, through ``ztscan scan aws`` on moto.

Each function's only resource policy grants apigateway.amazonaws.com with a concrete SourceArn of
one API (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway.html#apigateway-permissions),
so it is reachable through that API alone, and the path's exposure is what the API lets in
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html).
"""

from __future__ import annotations

import json
from typing import Any

from scanner.demo.aws.fixtures import DemoAlias, DemoFunction
from scanner.demo.aws.front_doors import (
    EVERYONE_STATEMENT,
    execute_api_source,
    function_arn,
    grant_api,
    http_api,
    policy,
    rest_api,
)
from scanner.demo.aws.proxy import Fault
from scanner.demo.aws.responses import Recorded
from tests.aws_front_doors.scan import front_door_paths, scan_fixture, status
from tests.conftest import CliResult

NAMES = ("rest-partner-policy", "rest-open", "rest-cognito", "rest-iam", "rest-key", "rest-private", "rest-other-api",
         "rest-alias", "rest-stage-var", "http-open", "http-jwt")
FUNCTIONS = [DemoFunction(name, "python3.12", "orders-admin" if name == "rest-open" else "reader",
                          aliases=[DemoAlias("live")] if name == "rest-alias" else [])
             for name in NAMES]
_APIS: dict[str, str] = {}
FAULTS: list[Fault] = []



def _record_listing(c: dict[str, Any]) -> None:
    """GetRestApis as AWS answers it: each ``policy`` is JSON whose quotes and slashes are
    backslash-escaped (https://docs.aws.amazon.com/apigateway/latest/api/API_GetRestApis.html); moto
    keeps it plain. Served by the proxy in moto's place."""
    apis = c["apigateway"].get_rest_apis()["items"]
    for api in apis:
        api["createdDate"] = api["createdDate"].timestamp()
        if api.get("policy"):
            api["policy"] = api["policy"].replace('"', '\\"').replace("/", "\\/")
    FAULTS.append(Fault(r"^us-east-1 GET /restapis(\?\S*)? ", 200, "", body=json.dumps({"item": apis})))


def _doors(c: dict[str, Any], recorded: Recorded) -> None:
    for name, kwargs in {
        "rest-open": {},
        "rest-cognito": {"authorization": "COGNITO_USER_POOLS"},
        "rest-iam": {"authorization": "AWS_IAM"},
        "rest-key": {"api_key": True},
        # A PRIVATE API admits only what its policy lets in through VPC endpoints.
        "rest-private": {"endpoint_type": "PRIVATE", "resource_policy": policy(
            {**EVERYONE_STATEMENT, "Action": "execute-api:Invoke", "Resource": "execute-api:/*"})},
    }.items():
        _APIS[name] = rest_api(c, f"{name}-api", "/orders", function_arn(name), **kwargs)
        grant_api(c, name, _APIS[name])
    # With a resource policy, a method without authorization admits only the unsigned callers the
    # policy allows: one that names only a partner account admits no one anonymously
    # (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html).
    partner = policy({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                      "Action": "execute-api:Invoke", "Resource": "execute-api:/*"})
    grant_api(c, "rest-partner-policy", rest_api(c, "partner-api", "/orders", function_arn("rest-partner-policy"),
                                                 resource_policy=partner))
    # Integrated with an API, but the function's policy admits only another API: no path.
    rest_api(c, "unadmitted-api", "/orders", function_arn("rest-other-api"))
    grant_api(c, "rest-other-api", rest_api(c, "admitted-api", "/health", function_arn("rest-open")))
    # An alias named in the integration URI reaches the function through that alias, whose own policy
    # (GetPolicy with Qualifier, https://docs.aws.amazon.com/lambda/latest/api/API_GetPolicy.html) admits the API.
    alias_api = rest_api(c, "alias-api", "/orders", function_arn("rest-alias") + ":live")
    recorded.alias_policies[("rest-alias", "live")] = json.loads(policy({
        "Sid": "apigw", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
        "Action": "lambda:InvokeFunction", "Resource": function_arn("rest-alias") + ":live",
        "Condition": {"ArnLike": {"AWS:SourceArn": execute_api_source(alias_api)}}}))
    # Stage variables are resolved per stage (https://docs.aws.amazon.com/apigateway/latest/developerguide/stage-variables.html).
    staged = rest_api(c, "staged-api", "/orders", "arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}",
                      stages={"prod": {"fn": "rest-stage-var"}})
    grant_api(c, "rest-stage-var", staged)
    _record_listing(c)
    for name, authorization in (("http-open", "NONE"), ("http-jwt", "JWT")):
        grant_api(c, name, http_api(c, f"{name}-api", "GET /orders", function_arn(name), authorization=authorization))


scan = scan_fixture(FUNCTIONS, _doors, FAULTS)


def test_a_method_without_authorizer_is_anonymous(scan: CliResult) -> None:
    assert scan.code in (0, 1), scan.stderr
    assert status(scan, "ZT-NET-001", "rest-open") == "FAIL"
    [path] = front_door_paths(scan, "rest-open")
    assert path["via"] == "api_gateway" and path["auth"] == "none" and path["route"] == "prod GET /orders"
    assert path["evidence"].startswith("API rest-open-api prod GET /orders (no authorizer)")
    assert path["front_door"].startswith("arn:aws:execute-api:us-east-1:123456789012:")


def test_an_authorizer_makes_the_path_authenticated(scan: CliResult) -> None:
    assert status(scan, "ZT-NET-001", "rest-cognito") == "PASS"
    assert [p["auth"] for p in front_door_paths(scan, "rest-cognito")] == ["platform"]


def test_aws_iam_admits_the_accounts_principals_not_anyone(scan: CliResult) -> None:
    assert status(scan, "ZT-NET-001", "rest-iam") == "PASS"
    assert {(p["auth"], p["principal_kind"]) for p in front_door_paths(scan, "rest-iam")} == {("iam", "identity")}


def test_an_api_key_alone_is_a_shared_key_not_authentication(scan: CliResult) -> None:
    """https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html:
    "Don't use API keys for authentication or authorization"."""
    assert status(scan, "ZT-NET-013", "rest-key") == "FAIL"
    assert status(scan, "ZT-NET-013", "rest-open") == "PASS"


def test_a_private_endpoint_is_not_the_internet(scan: CliResult) -> None:
    assert status(scan, "ZT-NET-001", "rest-private") == "PASS"
    [path] = front_door_paths(scan, "rest-private")
    assert path["narrowed"] and "PRIVATE" in path["evidence"]


def test_an_api_the_function_policy_does_not_admit_is_no_path(scan: CliResult) -> None:
    assert front_door_paths(scan, "rest-other-api") == []
    assert status(scan, "ZT-NET-001", "rest-other-api") == "PASS"


def test_an_alias_in_the_uri_reaches_the_function_with_its_qualifier(scan: CliResult) -> None:
    [path] = front_door_paths(scan, "rest-alias")
    assert path["qualifier"] == "live"
    assert status(scan, "ZT-NET-001", "rest-alias") == "FAIL"


def test_stage_variables_are_resolved_from_the_stage(scan: CliResult) -> None:
    [path] = front_door_paths(scan, "rest-stage-var")
    assert path["route"] == "prod GET /orders"


def test_http_api_routes_with_and_without_authorizer(scan: CliResult) -> None:
    assert status(scan, "ZT-NET-001", "http-open") == "FAIL"
    assert status(scan, "ZT-NET-001", "http-jwt") == "PASS"
    assert [p["auth"] for p in front_door_paths(scan, "http-jwt")] == ["platform"]



def test_the_attack_path_names_the_chain_through_the_front_door(scan: CliResult) -> None:
    [path] = [p for p in scan.document["attack_paths"]
              if p["function_name"] == "rest-open" and p["kind"] == "anonymous-invoke-to-privileged-identity"]
    door = "API rest-open-api prod GET /orders (no authorizer)"
    assert path["facts"][0].startswith(f"internet -> {door} -> rest-open -> orders-admin (")


def test_a_resource_policy_naming_only_a_partner_admits_no_anonymous_caller(scan: CliResult) -> None:
    """The policy arrives escaped, as AWS sends it, and is still read (else NOT_ASSESSED)."""
    assert FAULTS[0].hits == 1, "the scan read the recorded listing"
    assert "network.invocation" not in scan.function("rest-partner-policy")["unknown"]
    assert front_door_paths(scan, "rest-partner-policy") == []
    assert status(scan, "ZT-NET-001", "rest-partner-policy") == "PASS"
    [private] = front_door_paths(scan, "rest-private")
    assert private["principal_kind"] == "anonymous", "the PRIVATE API's escaped policy admits everyone"
