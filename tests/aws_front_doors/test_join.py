"""Matching front doors to one function, without a scan: what the function's own policy admits
(https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html) and which
functions an unreadable front door leaves unknown."""

from __future__ import annotations

import json

from providers.aws.front_doors.join import DoorIndex
from providers.aws.front_doors.model import Blind, Door, Doors
from providers.aws.front_doors.rest_api import SERVICE, method_sources
from scanner.inventory import InvocationPath

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:orders"
API = "arn:aws:execute-api:us-east-1:123456789012:abc123"
PATH = InvocationPath(via="api_gateway", principal="*", principal_kind="anonymous", auth="none", front_door=API)


def _policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _apigw(effect: str = "Allow", source: str = f"{API}/*/GET/orders") -> dict:
    return {"Effect": effect, "Principal": {"Service": SERVICE}, "Action": "lambda:InvokeFunction",
            "Resource": FUNCTION, "Condition": {"ArnLike": {"AWS:SourceArn": source}}}


def _reach(doors: Doors, policy: str | None) -> tuple[int, str | None]:
    reached = DoorIndex(doors).reach(FUNCTION, [None], lambda qualifier: policy)
    return len(reached.paths), reached.unknown


def test_an_any_method_is_admitted_by_a_grant_for_one_of_its_methods() -> None:
    door = Door(FUNCTION, SERVICE, method_sources(API, "prod", "ANY", "/orders"), PATH)
    assert _reach(Doors([door]), _policy(_apigw())) == (1, None)
    only_post = Door(FUNCTION, SERVICE, method_sources(API, "prod", "POST", "/orders"), PATH)
    assert _reach(Doors([only_post]), _policy(_apigw())) == (0, None)


def test_a_deny_in_the_function_policy_wins() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    door = Door(FUNCTION, SERVICE, method_sources(API, "prod", "GET", "/orders"), PATH)
    assert _reach(Doors([door]), _policy(_apigw(), _apigw("Deny", f"{API}/*"))) == (0, None)


def test_a_queue_needs_no_function_policy() -> None:
    """Lambda polls SQS with the execution role (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html)."""
    door = Door(FUNCTION, None, ("arn:aws:sqs:us-east-1:123456789012:q",), PATH)
    assert _reach(Doors([door]), None) == (1, None)


def test_an_unread_front_door_blinds_only_the_functions_it_may_reach() -> None:
    other_api = Blind("denied", SERVICE, "arn:aws:execute-api:us-east-1:123456789012:zzz999/*")
    this_api = Blind("denied", SERVICE, f"{API}/*")
    assert _reach(Doors(blind=[other_api]), _policy(_apigw())) == (0, None)
    assert _reach(Doors(blind=[this_api]), _policy(_apigw()))[1] == "a front door could not be read: denied"
    assert _reach(Doors(blind=[Blind("denied", target=FUNCTION + ":live")]), None)[1] is not None


def test_unlisted_event_source_mappings_blind_every_function() -> None:
    """Any function could be mapped to a public queue, and no policy of its own tells."""
    assert _reach(Doors(blind=[Blind("lambda:ListEventSourceMappings: AccessDeniedException")]), None)[1]
