"""A gate for the demo proxy (scanner.demo.aws.proxy) that answers like a busy AWS account: Lambda's
documented control-plane quotas per account and region, and a fixed latency on every request.

Quotas (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html, "Lambda API
requests"): GetFunction 100 requests/s, GetPolicy 15/s, every other control-plane API 15/s shared.
AWS does not publish Lambda's throttling algorithm; this gate uses the token bucket AWS documents
for EC2's API (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html), holding one
second's worth of requests and refilling at the quota's rate. A request without a token is answered
429 TooManyRequestsException with a Retry-After header in whole seconds, as Lambda's API documents
the error (https://docs.aws.amazon.com/lambda/latest/api/API_GetPolicy.html#API_GetPolicy_Errors:
TooManyRequestsException, HTTP 429, retryAfterSeconds in the Retry-After header).

The account is told apart by the request's access key id (one key per account in the bench).
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from scanner.demo.aws.proxy import Fault

LAMBDA_RATES: dict[str, float] = {"GetPolicy": 15.0, "GetFunction": 100.0, "control plane": 15.0}
_SCOPE = re.compile(r"Credential=(?P<key>[^/]+)/\d{8}/(?P<region>[a-z0-9-]+)/(?P<service>[a-z0-9-]+)/")
_GET_POLICY = re.compile(r"^/2015-03-31/functions/[^/?]+/policy/?(\?.*)?$")
_GET_FUNCTION = re.compile(r"^/2015-03-31/functions/[^/?]+/?(\?.*)?$")


def lambda_bucket(method: str, path: str) -> str:
    """Which quota a Lambda REST request spends (GetPolicy and GetFunction are GETs of these paths:
    https://docs.aws.amazon.com/lambda/latest/api/API_GetPolicy.html, .../API_GetFunction.html)."""
    if method == "GET" and _GET_POLICY.match(path):
        return "GetPolicy"
    if method == "GET" and _GET_FUNCTION.match(path):
        return "GetFunction"
    return "control plane"


@dataclass
class QuotaGate:
    latency: float = 0.04
    rates: dict[str, float] = field(default_factory=lambda: dict(LAMBDA_RATES))
    # (region, bucket) -> requests served / answered 429
    admitted: Counter[tuple[str, str]] = field(default_factory=Counter)
    throttled: Counter[tuple[str, str]] = field(default_factory=Counter)
    first_lambda: float | None = None  # time.monotonic() of the first and the last Lambda request
    last_lambda: float | None = None
    _buckets: dict[tuple[str, str, str], tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, method: str, path: str, headers: dict[str, str]) -> Fault | None:
        time.sleep(self.latency)
        scope = _SCOPE.search(headers.get("Authorization", ""))
        if scope is None or scope["service"] != "lambda":
            return None
        bucket = lambda_bucket(method, path)
        rate = self.rates[bucket]
        key = (scope["key"], scope["region"], bucket)
        with self._lock:
            now = time.monotonic()
            self.first_lambda = self.first_lambda or now
            self.last_lambda = now
            tokens, last = self._buckets.get(key, (rate, now))
            tokens = min(rate, tokens + (now - last) * rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                self.admitted[scope["region"], bucket] += 1
                return None
            self._buckets[key] = (tokens, now)
            self.throttled[scope["region"], bucket] += 1
            wait = (1 - tokens) / rate
        return Fault(pattern="", status=429, code="TooManyRequestsException", message="Rate exceeded",
                     retry_after=str(max(1, math.ceil(wait))))

    def quota_bound_seconds(self) -> float:
        """The least time the admitted requests could have taken: per region, the slowest bucket
        (its requests over its rate); regions are limited independently, so in parallel."""
        per_region: dict[str, float] = {}
        for (region, bucket), count in self.admitted.items():
            per_region[region] = max(per_region.get(region, 0.0), count / self.rates[bucket])
        return max(per_region.values(), default=0.0)
