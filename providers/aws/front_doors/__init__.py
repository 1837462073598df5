"""Front doors: what fronts a function (API Gateway REST and HTTP APIs, Application Load Balancers,
SNS topics, SQS queues, S3 buckets), read once per region and matched to functions by ARN."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from providers.aws.front_doors.alb import read_load_balancers
from providers.aws.front_doors.http_api import read_http_apis
from providers.aws.front_doors.join import DoorIndex
from providers.aws.front_doors.messaging import read_queues, read_topics
from providers.aws.front_doors.model import Blind, Doors
from providers.aws.front_doors.rest_api import read_rest_apis
from providers.aws.front_doors.s3 import read_buckets


def read_front_doors(client: Callable[[str], Any], region: str, account: str) -> Doors:
    """Every front door of the region but the queues, which hang on the event source mappings."""
    found = Doors()
    found.add(read_rest_apis(client("apigateway"), region, account))
    found.add(read_http_apis(client("apigatewayv2"), region, account))
    found.add(read_load_balancers(client, region, account))
    found.add(read_topics(client("sns"), region, account))
    found.add(read_buckets(client, region, account))
    return found


def with_queues(doors: Doors, client: Callable[[str], Any], account: str,
                mappings: list[dict[str, Any]] | str) -> DoorIndex:
    """The region's doors with its queues; ``mappings`` are its event source mappings, or the reason
    they could not be listed."""
    if isinstance(mappings, str):
        doors.blind.append(Blind(mappings, service=None))
    else:
        doors.add(read_queues(client("sqs"), mappings, account))
    return DoorIndex(doors)


__all__ = ["DoorIndex", "read_front_doors", "with_queues"]
