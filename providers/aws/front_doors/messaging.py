"""SNS topics and SQS queues in front of functions.

SNS: one ListSubscriptions for the region finds every ``lambda`` subscription; only the topics that
have one cost a GetTopicAttributes (their policy). SNS invokes the function as sns.amazonaws.com
with the topic as aws:SourceArn (https://docs.aws.amazon.com/sns/latest/dg/sns-lambda-as-subscriber.html).
SQS: the region's event source mappings name the queues; each costs GetQueueUrl and
GetQueueAttributes (its policy). Lambda polls the queue with the function's execution role, so the
function's resource policy plays no part (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html).

Whoever the topic or queue policy lets publish or send reaches the function. ``"Principal": "*"``
admits anonymous requests to both services
(https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-creating-custom-policies-key-concepts.html,
https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html); the owner account's
principals that IAM allows always can.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from providers.aws.errors import describe
from providers.aws.front_doors.exposure import Exposure, PolicyError, public
from providers.aws.front_doors.model import Blind, Door, Doors
from providers.aws.regional import AWS_ERRORS
from scanner.inventory import InvocationPath

SNS = "sns.amazonaws.com"


def paths(what: str, arn: str, route: str, exposures: list[Exposure]) -> list[InvocationPath]:
    """One path per caller the front door's policy admits, and one for its owner's IAM principals."""
    owner = arn.split(":")[4] or "the bucket owner"
    own = Exposure(f"IAM principals of {owner}", "identity", False, "principals IAM allows")
    return [InvocationPath(
        via="event_source", principal=e.principal, principal_kind=e.kind, cross_account=e.cross_account,
        narrowed=e.narrowed, auth="none" if e.kind == "anonymous" else "iam", front_door=arn, route=route,
        evidence=f"{what} {arn.rsplit(':', 1)[-1]} {route} ({e.evidence})",
    ) for e in [*exposures, own]]


Senders = Callable[[str], list[Exposure] | Blind]


def fan_in(links: list[tuple[str, str, str]], what: str, service: str | None, senders: Senders) -> Doors:
    """Doors for (source ARN, function ARN, route) links; each source's senders are read once."""
    found = Doors()
    seen: dict[str, list[Exposure] | Blind] = {}
    for source, target, route in links:
        if source not in seen:
            seen[source] = senders(source)
        who = seen[source]
        if isinstance(who, Blind):
            found.blind.append(Blind(who.reason, target=target))
        else:
            found.doors += [Door(target, service, (source,), p) for p in paths(what, source, route, who)]
    return found


def read_topics(sns: Any, region: str, account: str) -> Doors:
    try:
        pages = sns.get_paginator("list_subscriptions").paginate()
        links = [(s["TopicArn"], s["Endpoint"], "Publish") for page in pages for s in page["Subscriptions"]
                 if s.get("Protocol") == "lambda"]
    except AWS_ERRORS as exc:
        return Doors(blind=[Blind(describe(exc, "sns:ListSubscriptions"), SNS, f"arn:aws:sns:{region}:*")])
    return fan_in(links, "topic", SNS, lambda topic: _topic(sns, topic, account))


def _topic(sns: Any, topic: str, account: str) -> list[Exposure] | Blind:
    try:
        policy = sns.get_topic_attributes(TopicArn=topic)["Attributes"].get("Policy")
        return public(policy, ("sns:publish",), account, anonymous=True)
    except AWS_ERRORS as exc:
        return Blind(describe(exc, "sns:GetTopicAttributes"))
    except PolicyError as exc:
        return Blind(f"policy of topic {topic} could not be read: {exc}")


def read_queues(sqs: Any, mappings: list[dict[str, Any]], account: str) -> Doors:
    links = [(str(m["EventSourceArn"]), str(m["FunctionArn"]), "SendMessage") for m in mappings
             if str(m.get("EventSourceArn", "")).startswith("arn:aws:sqs:")
             and m.get("State") not in ("Disabled", "Disabling")]
    return fan_in(links, "queue", None, lambda queue: _queue(sqs, queue, account))


def _queue(sqs: Any, queue: str, account: str) -> list[Exposure] | Blind:
    owner, name = queue.split(":")[4:6]
    try:
        url = sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=owner)["QueueUrl"]
        policy = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {}).get("Policy")
        return public(policy, ("sqs:sendmessage",), account, anonymous=True)
    except AWS_ERRORS as exc:
        return Blind(describe(exc, "sqs:GetQueueAttributes"))
    except PolicyError as exc:
        return Blind(f"policy of queue {queue} could not be read: {exc}")
