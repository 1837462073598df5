"""Google's per-project API quotas, and the requests transport adapter that paces by them.

Google counts each API's requests against a quota project per minute (or 100 seconds). Which project
pays depends on the API (https://cloud.google.com/docs/quotas/quota-project): a resource-based API
charges the project that holds the resource, the one named in the URL (``/projects/{p}/...``, as
written: id or number); a client-based one charges the caller's own project, the same for every
request of a scan (scope ``caller``). Default read quotas, per that project:

- ``functions``: Cloud Functions API reads, 5,000 per 100 seconds per project
  (https://cloud.google.com/functions/quotas, "Rate Limits", API calls (READ)); both generations'
  functions and runtimes lists and getIamPolicy. Charged to the project in the URL.
- ``resourcemanager``: Resource Manager v3 list and other read operations (get, getIamPolicy of
  projects, folders, organizations), 10 per second; ``resourcemanager_search``: v3 search, 4 per
  second; "per API consumer project" (https://cloud.google.com/resource-manager/docs/limits).
- ``kms``: Cloud KMS read requests (cryptoKeys.get), 300 per minute, charged to the calling project
  (https://cloud.google.com/kms/quotas).
- ``iam``: IAM v1 read requests (roles.get), 6,000 per project per minute
  (https://cloud.google.com/iam/quotas); a custom role's project pays, a predefined role's read the
  caller's project.

Not paced, because no default read quota is documented where we could find one (their 429s are still
retried by the provider's ``google.api_core`` retry): the Cloud Run Admin API (its quotas page lists
resource limits only), API Gateway's management API (its page documents the gateways' serving quota),
Pub/Sub administrator operations (no default given), and Compute Engine's list methods (its page gives
1,500 per minute for ``*.get`` only; Compute also signals its quotas with 403 ``rateLimitExceeded``,
not 429). Quotas are enforced per window, so every bucket sends at its rate with no burst: a full
window never holds more than the quota.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from scanner.pacing import Pacer, Quota, TokenBucket, retry_after_seconds

QUOTAS: dict[str, Quota] = {
    "functions": Quota(5000 / 100),
    "resourcemanager": Quota(10),
    "resourcemanager_search": Quota(4),
    "kms": Quota(300 / 60),
    "iam": Quota(6000 / 60),
}
CALLER = "caller"  # the scope of a client-based API's quota: the caller's own project
_CHARGES_RESOURCE = {"cloudfunctions": "functions", "iam": "iam"}
_CHARGES_CALLER = {"cloudkms": "kms", "cloudresourcemanager": "resourcemanager"}
_PROJECT = re.compile(r"/projects/(?P<project>[^/:?]+)")
# An emulator or proxy (--gcp-endpoint) serves every API from one host: the path tells them apart.
_BY_PATH: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"/compute/v1/"), "compute"),
    (re.compile(r"/keyRings/"), "cloudkms"),
    (re.compile(r"/v1/(?:(?:projects|organizations)/[^/]+/)?roles/"), "iam"),
    (re.compile(r"/v3/"), "cloudresourcemanager"),
    (re.compile(r"/v1/projects/[^/]+/topics/"), "pubsub"),
    (re.compile(r"/v1/projects/[^/]+/locations/[^/]+/(?:gateways|apis)\b"), "apigateway"),
    (re.compile(r"/v2/projects/[^/]+/locations/[^/]+/services\b"), "run"),
    (re.compile(r"/v[12]/projects/[^/]+/locations/[^/]+/(?:functions|runtimes)\b"), "cloudfunctions"),
]


def service_of(url: str) -> str | None:
    """The Google API a request goes to: ``cloudfunctions`` for https://cloudfunctions.googleapis.com."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host.endswith(".googleapis.com"):
        return host.split(".", 1)[0]
    return next((service for pattern, service in _BY_PATH if pattern.search(parts.path)), None)


def bucket_of(url: str) -> tuple[str, str] | None:
    """(quota name, the project that pays) for a request; None for an API that is not paced."""
    service = service_of(url)
    path = urlsplit(url).path
    if service in _CHARGES_CALLER:
        name = _CHARGES_CALLER[service]
        if service == "cloudresourcemanager" and path.endswith(":search"):
            name = "resourcemanager_search"
        return name, CALLER
    if service in _CHARGES_RESOURCE:
        found = _PROJECT.search(path)
        return _CHARGES_RESOURCE[service], found["project"] if found else CALLER
    return None


class PacedAdapter(HTTPAdapter):
    """Every HTTP attempt (retries too: each spends quota) takes a token from its bucket before it is
    sent; a 429 pauses that bucket for Retry-After and slows it. Mounted on a session, it sits below
    google-auth's AuthorizedSession and the ``google.api_core`` retry, which still retries the 429."""

    def __init__(self, pacer: Pacer) -> None:
        super().__init__()
        self.pacer = pacer

    def _bucket(self, url: str | None) -> TokenBucket | None:
        found = bucket_of(url or "")
        if found is None:
            return None
        name, project = found
        return self.pacer.bucket(name, project)

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        bucket = self._bucket(request.url)
        if bucket is not None:
            bucket.acquire()
        response = super().send(request, *args, **kwargs)
        if response.status_code == 429 and bucket is not None:
            bucket.throttled(retry_after_seconds(response.headers.get("Retry-After")))
        return response


def pace(session: requests.Session, pacer: Pacer) -> requests.Session:
    """Send every request of ``session`` through one paced adapter."""
    adapter = PacedAdapter(pacer)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
