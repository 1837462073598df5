"""Azure Resource Manager's request limits, and the azure-core pipeline policy that paces by them.

ARM throttles per security principal, per subscription (or tenant) and per operation type with a
token bucket: reads 250 at once refilling at 25/s, writes and deletes 200 refilling at 10/s
(https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling,
"Regional throttling and token bucket algorithm"). GET is a read; every other method is counted
against the write (or delete) limits: ARM reports ``x-ms-ratelimit-remaining-subscription-writes``
on non-GET requests, which includes the POST list actions ztscan sends for app settings.
One scan uses one credential, so the principal is the same for every bucket of the scan's pacer.
"""

from __future__ import annotations

import re

from azure.core.pipeline import PipelineRequest, PipelineResponse
from azure.core.pipeline.policies import SansIOHTTPPolicy

from scanner.pacing import Pacer, Quota, TokenBucket, retry_after_seconds

QUOTAS: dict[str, Quota] = {
    "reads": Quota(25, burst=250),
    "writes": Quota(10, burst=200),
    "deletes": Quota(10, burst=200),
}
_SUBSCRIPTION = re.compile(r"/subscriptions/(?P<id>[0-9a-fA-F-]{36})(?:/|\?|$)")


def bucket_of(method: str, url: str) -> tuple[str, str]:
    """(quota name, scope): the subscription the URL names, else the tenant."""
    found = _SUBSCRIPTION.search(url)
    scope = found["id"].lower() if found else "tenant"
    name = {"GET": "reads", "HEAD": "reads", "DELETE": "deletes"}.get(method.upper(), "writes")
    return name, scope


class ArmPacing(SansIOHTTPPolicy):  # type: ignore[type-arg]
    """A per-retry pipeline policy: every attempt takes a token first, and a 429 slows its bucket
    (azure-core's RetryPolicy, which runs before this one, waits for the Retry-After itself)."""

    def __init__(self, pacer: Pacer) -> None:
        self.pacer = pacer

    def _bucket(self, request: PipelineRequest) -> TokenBucket | None:  # type: ignore[type-arg]
        name, scope = bucket_of(request.http_request.method, request.http_request.url)
        return self.pacer.bucket(name, scope)

    def on_request(self, request: PipelineRequest) -> None:  # type: ignore[type-arg]
        bucket = self._bucket(request)
        if bucket is not None:
            bucket.acquire()

    def on_response(self, request: PipelineRequest, response: PipelineResponse) -> None:  # type: ignore[type-arg]
        if response.http_response.status_code != 429:
            return
        bucket = self._bucket(request)
        if bucket is not None:
            bucket.throttled(retry_after_seconds(response.http_response.headers.get("Retry-After")))
