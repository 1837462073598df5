"""Credentials, API clients and the retry policy, built once per scan and shared by threads.

The GAPIC clients are thread-safe; one REST session each keeps connections pooled.
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
from scanner.provider import ProviderConfigError

SCOPES = ["https://www.googleapis.com/auth/cloud-platform.read-only"]
TIMEOUT = 30.0
IAM_API = "https://iam.googleapis.com"

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


class IamRoles:
    """IAM roles.get over REST: the IAM Admin client library speaks gRPC only, and a plain base URL
    (an emulator, a proxy) needs REST. Errors become the same ``google.api_core`` exceptions."""

    def __init__(self, credentials: Credentials, base_url: str) -> None:
        self._session = AuthorizedSession(credentials)
        self._base = base_url.rstrip("/")

    def get_role(self, name: str) -> dict[str, Any]:
        """A role (``roles/X``, ``projects/P/roles/X`` or ``organizations/O/roles/X``) with its
        ``includedPermissions``: https://cloud.google.com/iam/docs/reference/rest/v1/roles/get"""

        def call() -> dict[str, Any]:
            response = self._session.get(f"{self._base}/v1/{name}", timeout=TIMEOUT)
            if response.status_code >= 400:
                raise gexc.from_http_response(response)
            return dict(response.json())

        return dict(RETRY(call)())


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
    return Clients(
        projects=resourcemanager_v3.ProjectsClient(**kwargs),
        functions_v1=functions_v1.CloudFunctionsServiceClient(**kwargs),
        functions_v2=functions_v2.FunctionServiceClient(**kwargs),
        run=run_v2.ServicesClient(**kwargs),
        folders=resourcemanager_v3.FoldersClient(**kwargs),
        organizations=resourcemanager_v3.OrganizationsClient(**kwargs),
        kms=kms_v1.KeyManagementServiceClient(**kwargs),
        iam=IamRoles(creds, options.gcp_endpoint or IAM_API),
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
