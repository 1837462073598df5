"""Authenticated ARM clients with one shared connection pool, and one-line error wording."""

from __future__ import annotations

import re
import threading
from typing import Any

import requests
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
)
from azure.core.pipeline.transport import RequestsTransport
from azure.identity import DefaultAzureCredential
from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.resource.subscriptions import SubscriptionClient
from azure.mgmt.web import WebSiteManagementClient
from requests.adapters import HTTPAdapter

from providers.azure.options import AzureOptions
from providers.azure.pacing import QUOTAS, ArmPacing
from scanner.pacing import Pacer, configured_quotas


def one_line(text: object, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _transport_reason(text: str) -> str:
    for pattern in (r"\[Errno -?\d+\][^'\")\]]*", r"CERTIFICATE_VERIFY_FAILED[^'\")\]]*", r"[Tt]imed? ?out"):
        found = re.search(pattern, text)
        if found:
            return one_line(found.group(0).strip(), 120)
    return "connection failed"


def http_reason(exc: Exception, needs: str | None = None) -> str:
    """Why an ARM call failed, in one line, naming the permission to grant on a 403.

    ARM error messages name actions and scopes, never setting values, so they are safe to show."""
    if isinstance(exc, HttpResponseError) and not (
        isinstance(exc, ClientAuthenticationError) and exc.status_code is None
    ):
        code = getattr(getattr(exc, "error", None), "code", None) or (exc.reason or "HTTP error")
        text = f"{code} (HTTP {exc.status_code})"
        if exc.status_code == 403 and needs:
            text = f"{code}: needs {needs}"
        return text
    if isinstance(exc, ClientAuthenticationError) and exc.status_code is None:
        # A token could not be obtained. The first line names the credential chain; the
        # per-credential reasons are logged by azure-identity and shown with --verbose.
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f"Azure credential failed: {one_line(first, 200)} (run with -v for each credential's reason)"
    if isinstance(exc, ServiceRequestError):
        return f"ARM endpoint not reachable: {_transport_reason(str(exc))}"
    return f"{type(exc).__name__}: {one_line(exc, 200)}"


class Failed(Exception):
    """An ARM call failed; ``reason`` is the one-line text for ``fn.unknown``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Arm:
    """Per-subscription SDK clients sharing one credential and one HTTP session.

    The session's pool is sized to the worker count so concurrent calls reuse connections instead
    of opening (and TLS-handshaking) one per request."""

    def __init__(self, options: AzureOptions, workers: int) -> None:
        cloud = options.arm_cloud
        self.base_url = options.arm_endpoint
        self.credential = DefaultAzureCredential(authority=cloud.authority)
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(workers, 4) + 4)
        session.mount("https://", adapter)
        self._session = session
        self._kwargs: dict[str, Any] = {
            "base_url": self.base_url,
            "credential_scopes": [cloud.audience + "/.default"],
            # azure-core's RetryPolicy retries 408/429/5xx and sleeps for Retry-After when ARM sends it.
            "retry_total": 6,
            "retry_backoff_factor": 0.5,
            "retry_backoff_max": 60,
            "connection_timeout": 15,
            "read_timeout": 60,
            # After the RetryPolicy, so each attempt (retries too) is paced by ARM's token buckets.
            "per_retry_policies": [ArmPacing(Pacer(configured_quotas(QUOTAS, options.rates)))],
        }
        self._lock = threading.Lock()
        self._web: dict[str, WebSiteManagementClient] = {}
        self._auth: dict[str, AuthorizationManagementClient] = {}
        self._res: dict[str, ResourceManagementClient] = {}

    def _transport(self) -> RequestsTransport:
        return RequestsTransport(session=self._session, session_owner=False)

    def subscriptions(self) -> SubscriptionClient:
        return SubscriptionClient(self.credential, transport=self._transport(), **self._kwargs)

    def _client(self, cache: dict, cls: type, sub: str) -> Any:
        with self._lock:
            if sub not in cache:
                cache[sub] = cls(self.credential, sub, transport=self._transport(), **self._kwargs)
            return cache[sub]

    def web(self, sub: str) -> WebSiteManagementClient:
        return self._client(self._web, WebSiteManagementClient, sub)

    def authorization(self, sub: str) -> AuthorizationManagementClient:
        return self._client(self._auth, AuthorizationManagementClient, sub)

    def resources(self, sub: str) -> ResourceManagementClient:
        return self._client(self._res, ResourceManagementClient, sub)

    def close(self) -> None:
        for cache in (self._web, self._auth, self._res):
            for client in cache.values():
                client.close()
        self.credential.close()
        self._session.close()
