"""A front door whose configuration cannot be read makes ``network.invocation`` unknown for the
functions it might reach, never private; the functions it cannot reach keep their facts.

Faults are AccessDenied answers from the demo proxy, as an SCP or a missing permission would give.
Which functions a REST API might reach is told by their own policies: API Gateway calls as
apigateway.amazonaws.com with the API's execute-api ARN as SourceArn
(https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway.html#apigateway-permissions).
"""

from __future__ import annotations

from typing import Any

from scanner.demo.aws.fixtures import DemoFunction
from scanner.demo.aws.front_doors import function_arn, grant_api, rest_api, topic
from scanner.demo.aws.proxy import Fault
from scanner.demo.aws.responses import Recorded
from tests.aws_front_doors.scan import scan_fixture, status
from tests.conftest import CliResult

NAMES = ("apigw-denied", "apigw-elsewhere", "stage-missing", "topic-denied", "plain")
FUNCTIONS = [DemoFunction(name, "python3.12", "reader") for name in NAMES]
FAULTS: list[Fault] = []



def _doors(c: dict[str, Any], recorded: Recorded) -> None:
    denied = rest_api(c, "denied-api", "/orders", function_arn("apigw-denied"))
    grant_api(c, "apigw-denied", denied)
    FAULTS.append(Fault(rf"GET /restapis/{denied}/resources", 403, "AccessDeniedException",
                        "User is not authorized to perform: apigateway:GET"))
    grant_api(c, "apigw-elsewhere", rest_api(c, "readable-api", "/orders", function_arn("apigw-elsewhere")))
    # The only stage defines no ``fn``: the integration's function cannot be told
    # (https://docs.aws.amazon.com/apigateway/latest/developerguide/stage-variables.html).
    grant_api(c, "stage-missing", rest_api(c, "staged-api", "/orders",
                                        "arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}",
                                        stages={"prod": {"other": "x"}}))
    topic(c, "denied-topic", function_arn("topic-denied"))
    FAULTS.append(Fault(r" GetTopicAttributes ", 403, "AuthorizationError",
                        "User is not authorized to perform: SNS:GetTopicAttributes"))


scan = scan_fixture(FUNCTIONS, _doors, FAULTS)


def test_unread_front_doors_leave_the_functions_they_may_reach_not_assessed(scan: CliResult) -> None:
    assert scan.code == 3, scan.stderr  # any NOT_ASSESSED finding
    for name, reason in (("apigw-denied", "AccessDeniedException"), ("stage-missing", "stage variable fn"),
                         ("topic-denied", "AuthorizationError")):
        assert reason in scan.function(name)["unknown"]["network.invocation"], name
        assert status(scan, "ZT-NET-001", name) == "NOT_ASSESSED", name


def test_functions_the_unread_front_doors_cannot_reach_keep_their_facts(scan: CliResult) -> None:
    assert "network.invocation" not in scan.function("plain")["unknown"]
    assert status(scan, "ZT-NET-001", "plain") == "PASS"
    assert "network.invocation" not in scan.function("apigw-elsewhere")["unknown"]
    assert status(scan, "ZT-NET-001", "apigw-elsewhere") == "FAIL"
