"""Azure pacing: ARM requests spend the token bucket of their subscription (or the tenant) and
operation type, every attempt takes a token, and a 429 slows that bucket.

Limits: https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling
(subscription and tenant reads: 250 tokens refilling at 25/s; writes and deletes: 200 at 10/s).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from azure.core.pipeline import Pipeline
from azure.core.pipeline.policies import RetryPolicy
from azure.core.pipeline.transport import HttpRequest, HttpTransport
from azure.core.pipeline.transport._base import HttpResponse

from providers.azure.options import AzureOptions
from providers.azure.pacing import QUOTAS, ArmPacing, bucket_of
from scanner.cli_options import OptionsError, build
from scanner.pacing import Pacer

SUB = "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"
ARM = "https://management.azure.com"


@pytest.mark.parametrize(("method", "url", "bucket"), [
    ("GET", f"{ARM}/subscriptions/{SUB}/providers/Microsoft.Web/sites?api-version=2024-11-01", ("reads", SUB)),
    ("GET", f"{ARM}/subscriptions/{SUB.upper()}?api-version=2022-12-01", ("reads", SUB)),
    ("POST", f"{ARM}/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Web/sites/app/config/appsettings/list",
     ("writes", SUB)),
    ("DELETE", f"{ARM}/subscriptions/{SUB}/resourceGroups/rg", ("deletes", SUB)),
    ("GET", f"{ARM}/subscriptions?api-version=2022-12-01", ("reads", "tenant")),
    ("GET", f"{ARM}/providers/Microsoft.Web/functionAppStacks?api-version=2024-11-01", ("reads", "tenant")),
])
def test_requests_map_to_their_arm_bucket(method: str, url: str, bucket: tuple[str, str]) -> None:
    assert bucket_of(method, url) == bucket


class _Response(HttpResponse):
    def __init__(self, request: HttpRequest, status: int, headers: dict[str, str]) -> None:
        super().__init__(request, None)
        self.status_code = status
        self.headers = headers
        self.reason = "Too Many Requests" if status == 429 else "OK"

    def body(self) -> bytes:
        return b"{}"


class _Transport(HttpTransport):  # type: ignore[type-arg]
    """Answers the first request 429 with Retry-After, then 200."""

    def __init__(self) -> None:
        self.sent = 0

    def send(self, request: HttpRequest, **_: Any) -> _Response:
        self.sent += 1
        if self.sent == 1:
            return _Response(request, 429, {"Retry-After": "2"})
        return _Response(request, 200, {})

    def open(self) -> None:
        return None

    def close(self) -> None:
        return None

    def __enter__(self) -> _Transport:
        return self

    def __exit__(self, *_: object) -> None:
        return None


class _RetryAtOnce(RetryPolicy):
    """azure-core's retry policy without its own sleep, so the test waits for nothing."""

    def sleep(self, *_: Any, **__: Any) -> None:
        return None


@pytest.fixture
def pacer() -> Iterator[tuple[Pacer, list[float]]]:
    slept: list[float] = []
    yield Pacer(QUOTAS, clock=lambda: 0.0, sleep=slept.append), slept


def test_each_attempt_is_paced_and_a_429_slows_its_bucket(pacer: tuple[Pacer, list[float]]) -> None:
    paced, slept = pacer
    transport = _Transport()
    pipeline = Pipeline(transport, [_RetryAtOnce(retry_total=3), ArmPacing(paced)])
    response = pipeline.run(HttpRequest("GET", f"{ARM}/subscriptions/{SUB}/resourceGroups?api-version=2022-01-01"))
    assert response.http_response.status_code == 200 and transport.sent == 2
    reads = paced.bucket("reads", SUB)
    assert reads is not None and reads.throttles == 1
    assert 2.0 in slept, "the retried attempt waited for the bucket's Retry-After pause"
    assert reads.rate() == pytest.approx(12.5)
    other = paced.bucket("reads", "tenant")
    assert other is not None and other.rate() == pytest.approx(25), "another scope is not slowed"


def test_azure_rates_are_an_option_and_a_config_key() -> None:
    opts = build(AzureOptions, {"rates": ("reads=5",)}, {"rates": {"writes": "off"}}, "azure")
    assert opts.rates == {"reads": 5.0, "writes": "off"}
    with pytest.raises(OptionsError, match="--azure-rate"):
        build(AzureOptions, {"rates": ("lists=5",)}, {}, "azure")
