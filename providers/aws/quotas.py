"""AWS request quotas and the botocore hooks that pace a client by them.

Lambda's control plane is limited per account and region: GetFunction 100 requests/s, GetPolicy
15/s, and every other control-plane API 15/s shared (invocation excluded)
(https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html, "Lambda API requests").
EC2 throttles non-mutating (Describe*) actions with a token bucket of 100 that refills at 20/s per
account and region (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html).
The other services ztscan calls a few times per region (IAM, STS, KMS, CloudWatch Logs, tagging,
Organizations) are not paced: their per-API rates are not documented or are far above what a scan sends.
"""

from __future__ import annotations

from typing import Any

from scanner.pacing import Pacer, Quota, TokenBucket, retry_after_seconds

QUOTAS: dict[str, Quota] = {
    "lambda": Quota(15),
    "get_policy": Quota(15),
    "get_function": Quota(100),
    "ec2": Quota(20, burst=100),
}
_LAMBDA_OWN_BUCKETS = {"GetPolicy": "get_policy", "GetFunction": "get_function"}
# The error codes botocore's standard retry mode treats as throttling (botocore.retries.standard).
THROTTLING_CODES = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
    "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
    "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
}


def bucket_name(service: str, operation: str) -> str | None:
    """The quota bucket an operation spends; None when it is not paced."""
    if service == "lambda":
        return _LAMBDA_OWN_BUCKETS.get(operation, "lambda")
    if service == "ec2" and operation.startswith("Describe"):
        return "ec2"
    return None


def is_throttled(response_dict: dict[str, Any] | None, parsed: dict[str, Any] | None) -> bool:
    if response_dict is not None and response_dict.get("status_code") == 429:
        return True
    return ((parsed or {}).get("Error") or {}).get("Code") in THROTTLING_CODES


def pace(client: Any, pacer: Pacer, account: str, region: str, service: str) -> None:
    """Register the hooks on a botocore client: before each HTTP attempt (retries too, since each
    spends the server's quota) take a token; on a throttling answer, slow the bucket down."""

    def bucket(event_name: str) -> TokenBucket | None:
        name = bucket_name(service, event_name.rsplit(".", 1)[-1])
        return pacer.bucket(name, account, region) if name else None

    def before_send(event_name: str, **_: Any) -> None:
        found = bucket(event_name)
        if found is not None:
            found.acquire()

    def received(event_name: str, response_dict: dict[str, Any] | None = None,
                 parsed_response: dict[str, Any] | None = None, **_: Any) -> None:
        if not is_throttled(response_dict, parsed_response):
            return
        found = bucket(event_name)
        if found is not None:
            headers = (response_dict or {}).get("headers") or {}
            found.throttled(retry_after_seconds(headers.get("retry-after") or headers.get("Retry-After")))

    client.meta.events.register("before-send", before_send)
    client.meta.events.register("response-received", received)
