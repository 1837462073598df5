"""Credentials, API clients and the retry policy, built once per scan and shared by threads.

The GAPIC clients are thread-safe; one REST session each keeps connections pooled. Every session,
the clients' and our own, sends through one paced adapter (``pacing``), so all the scan's threads
share the buckets of Google's per-project quotas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import google.auth
from google.api_core import exceptions as gexc
from google.api_core import retry as gretry
from google.auth import exceptions as auth_exc
from google.auth.credentials import AnonymousCredentials, Credentials
from google.auth.transport.requests import AuthorizedSession
from google.cloud import functions_v1, functions_v2, kms_v1, resourcemanager_v3, run_v2

from providers.gcp.options import GcpOptions
from providers.gcp.pacing import QUOTAS, pace
from scanner.pacing import Pacer, configured_quotas
from scanner.provider import ProviderConfigError

SCOPES = ["https://www.googleapis.com/auth/cloud-platform.read-only"]
TIMEOUT = 30.0

# Throttling and transient unavailability are retried with backoff; every other error is an answer.
RETRY = gretry.Retry(
    predicate=gretry.if_exception_type(gexc.TooManyRequests, gexc.ServiceUnavailable),
    initial=0.2,
    maximum=8.0,
    multiplier=2.0,
    timeout=60.0,  # a per-minute quota window, then give up on that call
)


@dataclass(frozen=True)
class Clients:
    projects: resourcemanager_v3.ProjectsClient
    functions_v1: functions_v1.CloudFunctionsServiceClient
    functions_v2: functions_v2.FunctionServiceClient
    run: run_v2.ServicesClient
    folders: resourcemanager_v3.FoldersClient
    organizations: resourcemanager_v3.OrganizationsClient
    kms: kms_v1.KeyManagementServiceClient
    iam: IamRoles
    rest: Rest


class Rest:
    """GET over REST through one AuthorizedSession, for the APIs read without a client library (IAM
    roles: its client speaks gRPC only; API Gateway, Compute, Pub/Sub IAM). A plain base URL (an
    emulator, a proxy) replaces ``https://<service>.googleapis.com``; errors become the same
    ``google.api_core`` exceptions the GAPIC clients raise."""

    def __init__(self, credentials: Credentials, endpoint: str | None, pacer: Pacer) -> None:
        self._session = pace(AuthorizedSession(credentials), pacer)
        self._endpoint = endpoint.rstrip("/") if endpoint else None

    def get(self, service: str, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        base = self._endpoint or f"https://{service}.googleapis.com"

        def call() -> dict[str, Any]:
            response = self._session.get(f"{base}{path}", params=params, timeout=TIMEOUT)
            if response.status_code >= 400:
                raise gexc.from_http_response(response)
            return dict(response.json())

        return dict(RETRY(call)())

    def pages(self, service: str, path: str, key: str, params: dict[str, str] | None = None) -> list[Any]:
        """Every item of a paged list (``nextPageToken``)."""
        out: list[Any] = []
        query = dict(params or {})
        while True:
            page = self.get(service, path, query)
            out += page.get(key) or []
            if not page.get("nextPageToken"):
                return out
            query["pageToken"] = page["nextPageToken"]


class IamRoles:
    """IAM roles.get over REST."""

    def __init__(self, rest: Rest) -> None:
        self._rest = rest

    def get_role(self, name: str) -> dict[str, Any]:
        """A role (``roles/X``, ``projects/P/roles/X`` or ``organizations/O/roles/X``) with its
        ``includedPermissions``: https://cloud.google.com/iam/docs/reference/rest/v1/roles/get"""
        return self._rest.get("iam", f"/v1/{name}")


def credentials(options: GcpOptions) -> Credentials:
    if options.anonymous:
        return AnonymousCredentials()
    try:
        creds, _ = google.auth.default(scopes=SCOPES)
    except auth_exc.DefaultCredentialsError as exc:
        raise ProviderConfigError(
            "gcp: no Google credentials found (set GOOGLE_APPLICATION_CREDENTIALS, run "
            "'gcloud auth application-default login', or pass --anonymous for an emulator)"
        ) from exc
    return creds


def build(options: GcpOptions) -> Clients:
    creds = credentials(options)
    kwargs: dict[str, Any] = {"credentials": creds}
    if options.gcp_endpoint:
        # REST is the transport that can talk to a plain base URL (gRPC needs a gRPC server).
        kwargs |= {"transport": "rest", "client_options": {"api_endpoint": options.gcp_endpoint}}
    else:
        kwargs |= {"transport": "rest"}
    pacer = Pacer(configured_quotas(QUOTAS, options.rates))

    def paced(client_class: Any) -> Any:
        client = client_class(**kwargs)
        # The REST transport's requests session is private, but it is the one place that sees every
        # HTTP attempt (the api_core retry's too); the generated per-RPC interceptors see calls.
        session = getattr(client.transport, "_session", None)
        if not isinstance(session, AuthorizedSession):
            raise ProviderConfigError(
                f"gcp: {client_class.__name__}'s REST transport has no requests session to pace "
                "(an unsupported google-cloud client library release)"
            )
        pace(session, pacer)
        return client

    rest = Rest(creds, options.gcp_endpoint, pacer)
    return Clients(
        projects=paced(resourcemanager_v3.ProjectsClient),
        functions_v1=paced(functions_v1.CloudFunctionsServiceClient),
        functions_v2=paced(functions_v2.FunctionServiceClient),
        run=paced(run_v2.ServicesClient),
        folders=paced(resourcemanager_v3.FoldersClient),
        organizations=paced(resourcemanager_v3.OrganizationsClient),
        kms=paced(kms_v1.KeyManagementServiceClient),
        iam=IamRoles(rest),
        rest=rest,
    )


def describe(exc: BaseException) -> str:
    """One line, without URLs, query strings or payloads: what went wrong with a call."""
    import requests

    if isinstance(exc, gexc.RetryError):
        cause = describe(exc.cause) if exc.cause is not None else "no answer"
        return f"still failing after retries: {cause}"
    if isinstance(exc, gexc.GoogleAPICallError):
        code = getattr(exc.code, "value", exc.code)
        message = exc.message or ""
        if message.startswith(("GET http", "POST http")):  # REST errors start with the request line
            message = message.split(": ", 1)[-1]
        first = message.splitlines()[0][:200] if message else ""
        return f"{code} {first}".strip()
    if isinstance(exc, auth_exc.InvalidOperation):
        return "the API wants credentials and --anonymous sends none"
    if isinstance(exc, auth_exc.GoogleAuthError):
        return f"credentials rejected or unusable ({type(exc).__name__})"
    if isinstance(exc, requests.exceptions.Timeout):
        return "no answer in time (timeout)"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "no answer (connection failed)"
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text[:200]}".rstrip(": ")


def is_fatal(exc: BaseException) -> bool:
    """Errors no other project would escape: the endpoint is down or the credentials are bad."""
    import requests

    if isinstance(exc, auth_exc.GoogleAuthError | requests.exceptions.ConnectionError):
        return True
    return isinstance(exc, gexc.Unauthorized)
