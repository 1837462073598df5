"""SNS topics, SQS queues and S3 buckets in front of functions, through ``ztscan scan aws`` on moto.

Whoever the topic, queue or bucket policy lets publish, send or write fires the function; the
policies are judged by the AWS policy evaluator. SNS invokes as sns.amazonaws.com with the topic as
SourceArn (https://docs.aws.amazon.com/sns/latest/dg/sns-lambda-as-subscriber.html); Lambda polls a
queue with the function's role, so no function policy is involved
(https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html); S3 invokes as s3.amazonaws.com with
the bucket as SourceArn (https://docs.aws.amazon.com/lambda/latest/dg/with-s3.html), and
RestrictPublicBuckets makes S3 ignore a public bucket policy
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).
"""

from __future__ import annotations

from typing import Any

from scanner.demo.aws.fixtures import DemoFunction
from scanner.demo.aws.front_doors import EVERYONE_STATEMENT, bucket, function_arn, policy, queue, topic
from scanner.demo.aws.responses import Recorded
from tests.aws_front_doors.scan import front_door_paths, scan_fixture, status
from tests.conftest import CliResult

NAMES = ("sns-public", "sns-default", "sns-unadmitted", "sqs-public", "sqs-private", "s3-public", "s3-restricted")
FUNCTIONS = [DemoFunction(name, "python3.12", "reader") for name in NAMES]


def _open(action: str, resource: str) -> str:
    return policy({**EVERYONE_STATEMENT, "Action": action, "Resource": resource})


def _doors(c: dict[str, Any], recorded: Recorded) -> None:
    topic(c, "public-topic", function_arn("sns-public"), _open("SNS:Publish", "*"))
    topic(c, "default-topic", function_arn("sns-default"))  # SNS's default policy: the owner account only
    # Subscribed to a public topic, but the function's policy admits SNS only from another topic.
    other = c["sns"].create_topic(Name="other-topic")["TopicArn"]
    c["lambda"].add_permission(FunctionName="sns-unadmitted", StatementId="sns", Action="lambda:InvokeFunction",
                               Principal="sns.amazonaws.com", SourceArn=other)
    public = c["sns"].create_topic(Name="public-unadmitted")["TopicArn"]
    c["sns"].set_topic_attributes(TopicArn=public, AttributeName="Policy", AttributeValue=_open("sns:Publish", "*"))
    c["sns"].subscribe(TopicArn=public, Protocol="lambda", Endpoint=function_arn("sns-unadmitted"))
    queue(c, "public-queue", function_arn("sqs-public"), _open("sqs:SendMessage", "*"))
    queue(c, "private-queue", function_arn("sqs-private"))
    bucket(c, "public-uploads", function_arn("s3-public"),
           bucket_policy=_open("s3:PutObject", "arn:aws:s3:::public-uploads/*"))
    bucket(c, "restricted-uploads", function_arn("s3-restricted"),
           bucket_policy=_open("s3:PutObject", "arn:aws:s3:::restricted-uploads/*"), restrict_public=True)


scan = scan_fixture(FUNCTIONS, _doors)


def _kinds(scan: CliResult, name: str) -> set[tuple[str, bool]]:
    return {(p["principal_kind"], p["narrowed"]) for p in front_door_paths(scan, name)}


def test_a_topic_anyone_can_publish_to_invokes_anonymously(scan: CliResult) -> None:
    assert scan.code in (0, 1), scan.stderr
    assert status(scan, "ZT-NET-001", "sns-public") == "FAIL"
    assert ("anonymous", False) in _kinds(scan, "sns-public")
    assert any(p["evidence"].startswith("topic public-topic Publish") for p in front_door_paths(scan, "sns-public"))


def test_a_topic_with_the_default_policy_is_its_owners_only(scan: CliResult) -> None:
    assert status(scan, "ZT-NET-001", "sns-default") == "PASS"
    assert ("anonymous", False) not in _kinds(scan, "sns-default")
    assert front_door_paths(scan, "sns-default"), "the subscription is still a path, for the owner"


def test_a_topic_the_function_policy_does_not_admit_is_no_path(scan: CliResult) -> None:
    assert front_door_paths(scan, "sns-unadmitted") == []
    assert status(scan, "ZT-NET-001", "sns-unadmitted") == "PASS"


def test_a_queue_anyone_can_send_to_invokes_anonymously(scan: CliResult) -> None:
    assert status(scan, "ZT-NET-001", "sqs-public") == "FAIL"
    assert status(scan, "ZT-NET-001", "sqs-private") == "PASS"
    assert _kinds(scan, "sqs-private") == {("identity", False)}


def test_a_bucket_anyone_can_write_to_invokes_anonymously_unless_public_access_is_blocked(scan: CliResult) -> None:
    assert status(scan, "ZT-NET-001", "s3-public") == "FAIL"
    assert status(scan, "ZT-NET-001", "s3-restricted") == "PASS"
    assert ("anonymous", False) not in _kinds(scan, "s3-restricted")
