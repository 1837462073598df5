"""GCP pacing: every request of the Google clients and of the plain REST session spends the token bucket
of its quota and paying project, a scan keeps to the configured rate, and a 429 pauses the bucket.

Quotas: https://cloud.google.com/functions/quotas (Cloud Functions API reads: 5,000 per 100 s per
project), https://cloud.google.com/resource-manager/docs/limits (v3 search 4/s, other reads 10/s per
consumer project), https://cloud.google.com/kms/quotas (reads: 300 per minute, calling project),
https://cloud.google.com/iam/quotas (v1 reads: 6,000 per project per minute). Which project pays:
https://cloud.google.com/docs/quotas/quota-project (resource-based APIs: the resource's project).
"""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from providers.gcp.clients import build as build_clients
from providers.gcp.options import GcpOptions
from providers.gcp.pacing import CALLER, QUOTAS, PacedAdapter, bucket_of, service_of
from scanner.cli_options import build as build_options
from scanner.demo.gcp import Emulator, serve
from scanner.demo.gcp.answers import ApiError
from tests.gcp.conftest import Run, ztscan
from tests.gcp.estate import ALPHA, ALPHA_NUM, build_estate

EMULATOR = "http://127.0.0.1:8085"
KEY = "projects/zt-alpha/locations/europe-west1/keyRings/r/cryptoKeys/k1"


@pytest.mark.parametrize(("service", "path", "bucket"), [
    ("cloudfunctions", f"/v1/projects/{ALPHA}/locations/-/functions", ("functions", ALPHA)),
    ("cloudfunctions", f"/v1/projects/{ALPHA}/locations/europe-west1/functions/f:getIamPolicy",
     ("functions", ALPHA)),
    ("cloudfunctions", f"/v2/projects/{ALPHA_NUM}/locations/-/functions", ("functions", ALPHA_NUM)),
    ("cloudfunctions", f"/v2/projects/{ALPHA}/locations/us-central1/runtimes", ("functions", ALPHA)),
    ("cloudresourcemanager", "/v3/projects:search", ("resourcemanager_search", CALLER)),
    ("cloudresourcemanager", f"/v3/projects/{ALPHA}:getIamPolicy", ("resourcemanager", CALLER)),
    ("cloudresourcemanager", "/v3/folders/123456", ("resourcemanager", CALLER)),
    ("cloudresourcemanager", "/v3/organizations/100200300400:getIamPolicy", ("resourcemanager", CALLER)),
    ("cloudkms", f"/v1/{KEY}", ("kms", CALLER)),
    ("iam", "/v1/roles/run.invoker", ("iam", CALLER)),
    ("iam", f"/v1/projects/{ALPHA}/roles/fnReader", ("iam", ALPHA)),
    ("iam", "/v1/organizations/100200300400/roles/fnDeployer", ("iam", CALLER)),
    # No documented read quota: not paced (their 429s are retried by the provider's retry).
    ("run", f"/v2/projects/{ALPHA}/locations/europe-west1/services/s:getIamPolicy", None),
    ("apigateway", f"/v1/projects/{ALPHA}/locations/-/gateways", None),
    ("apigateway", f"/v1/projects/{ALPHA}/locations/global/apis/a/configs/c", None),
    ("compute", f"/compute/v1/projects/{ALPHA}/global/urlMaps", None),
    ("pubsub", f"/v1/projects/{ALPHA}/topics/t:getIamPolicy", None),
])
def test_requests_map_to_their_quota_and_paying_project(
    service: str, path: str, bucket: tuple[str, str] | None
) -> None:
    google = f"https://{service}.googleapis.com{path}?pageSize=100"
    emulated = f"{EMULATOR}{path}?pageSize=100"
    assert service_of(google) == service_of(emulated) == service
    assert bucket_of(google) == bucket_of(emulated) == bucket


def test_an_unknown_path_on_one_host_is_not_paced() -> None:
    assert service_of(f"{EMULATOR}/token") is None
    assert bucket_of(f"{EMULATOR}/token") is None


def test_every_session_of_the_scan_sends_through_one_paced_adapter() -> None:
    """The GAPIC REST transports keep their session private; if a library release moves it, this fails."""
    api = build_clients(GcpOptions(gcp_endpoint=EMULATOR, anonymous=True))
    sessions = [c.transport._session for c in
                (api.projects, api.functions_v1, api.functions_v2, api.run, api.folders, api.organizations, api.kms)]
    sessions.append(api.rest._session)
    adapters = [s.get_adapter(f"{EMULATOR}/v1/x") for s in sessions]
    assert all(isinstance(a, PacedAdapter) for a in adapters)
    assert len({id(a.pacer) for a in adapters if isinstance(a, PacedAdapter)}) == 1
    assert all(isinstance(s.get_adapter("https://cloudfunctions.googleapis.com/v1"), PacedAdapter) for s in sessions)


def test_rates_come_from_the_config_table_and_the_flag_overrides_per_key() -> None:
    opts = build_options(GcpOptions, {"rates": ("functions=5",)}, {"rates": {"kms": 2, "functions": 9}}, "gcp")
    assert opts.rates == {"functions": 5.0, "kms": 2.0}
    assert build_options(GcpOptions, {}, {"rates": {"iam": "off"}}, "gcp").rates == {"iam": "off"}
    assert set(QUOTAS) == {"functions", "resourcemanager", "resourcemanager_search", "kms", "iam"}


def test_bad_rates_are_a_usage_error(tmp_path: Path) -> None:
    for bad in ("run=5", "functions=fast", "functions", "functions=0"):
        run = ztscan(["scan", "gcp", "--anonymous", "--gcp-endpoint", EMULATOR, "--gcp-rate", bad,
                      "--out", str(tmp_path)], tmp_path, {})
        assert run.code == 2, (bad, run.stderr)
        assert run.stderr.startswith("ztscan: error: ") and "--gcp-rate" in run.stderr
        assert "Traceback" not in run.stderr


_FUNCTIONS_PROJECT = re.compile(r"^/v[12]/projects/([^/]+)/locations/[^/]+/(?:functions|runtimes)\b")


class FunctionsQuota:
    """Google's Cloud Functions read quota, enforced in front of the emulator per project: a token
    bucket holding one second of requests at ``rate``; a request over it is answered 429 (the
    RESOURCE_EXHAUSTED a quota answers). Records when each project's requests arrived."""

    def __init__(self, emulator: Emulator, rate: float) -> None:
        self.rate = rate
        self.arrivals: dict[str, list[tuple[float, str]]] = defaultdict(list)
        self.throttled = 0
        self._tokens: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._dispatch = emulator._dispatch
        emulator._dispatch = self  # type: ignore[method-assign]

    def __call__(self, method: str, raw_path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        path = raw_path.split("?", 1)[0]
        found = _FUNCTIONS_PROJECT.match(path)
        if found:
            with self._lock:
                now = time.monotonic()
                self.arrivals[found[1]].append((now, path))
                tokens, last = self._tokens.get(found[1], (self.rate, now))
                tokens = min(self.rate, tokens + (now - last) * self.rate)
                admitted = tokens >= 1
                self._tokens[found[1]] = (tokens - 1 if admitted else tokens, now)
                self.throttled += not admitted
            if not admitted:
                raise ApiError(429, "Quota exceeded for quota metric 'Read requests'")
        return self._dispatch(method, raw_path, headers, body)


@pytest.fixture
def fresh() -> Iterator[Emulator]:
    with serve(build_estate()) as running:
        yield running


def _scan(em: Emulator, out: Path, *extra: str) -> Run:
    return ztscan(["scan", "gcp", "--gcp-endpoint", em.base_url, "--anonymous", "--format", "json",
                   "--out", str(out), *extra], out, em.env)


RATE = 4.0  # low, so that the pacing shows in seconds; the quota in front of the emulator is the same


def test_a_scan_keeps_to_the_configured_rate_per_project(fresh: Emulator, tmp_path: Path) -> None:
    quota = FunctionsQuota(fresh, RATE)
    run = _scan(fresh, tmp_path, "--gcp-rate", f"functions={RATE:g}")
    assert run.code in (0, 1), run.stderr
    assert quota.throttled == 0
    busiest = max(quota.arrivals.values(), key=len)
    assert len(busiest) > RATE + 1, "more requests than one second of quota"
    for arrivals in quota.arrivals.values():
        span = arrivals[-1][0] - arrivals[0][0]
        assert span >= (len(arrivals) - 1) / RATE * 0.95, (len(arrivals), span)
    assert run.doc is not None and all(t["status"] == "complete" for t in run.doc["targets"])


def test_without_pacing_the_same_quota_throttles(fresh: Emulator, tmp_path: Path) -> None:
    """The other way round: the quota in front of the emulator does answer 429 to an unpaced scan
    (which the provider's retry then recovers from)."""
    quota = FunctionsQuota(fresh, RATE)
    run = _scan(fresh, tmp_path, "--gcp-rate", "functions=off")
    assert run.code in (0, 1), run.stderr
    assert quota.throttled > 0


def test_a_429_with_retry_after_pauses_the_bucket_and_loses_nothing(fresh: Emulator, tmp_path: Path) -> None:
    listing = f"/v1/projects/{ALPHA}/locations/-/functions"
    fresh.arm(listing, 429, times=1, retry_after=2)
    quota = FunctionsQuota(fresh, 1000.0)  # records arrivals; never the one to throttle
    run = _scan(fresh, tmp_path, "--project", ALPHA)
    assert run.code in (0, 1), run.stderr
    assert fresh.fired[f"429 {listing}"] == 1 and quota.throttled == 0
    arrivals = quota.arrivals[ALPHA]
    refused, retried = (t for t, path in arrivals if path == listing)
    # google.api_core's retry alone would come back after about 0.2 s; the bucket holds it 2 s.
    assert retried - refused >= 2 - 0.05
    assert run.doc is not None and run.target(ALPHA)["status"] == "complete"
    assert {f["name"] for f in run.doc["functions"]} == _names_of(fresh, ALPHA)
    assert all(f["unknown"] == {} for f in run.doc["functions"])


def _names_of(em: Emulator, project: str) -> set[str]:
    """Every function the estate holds in ``project`` (both generations), by short name."""
    proj = next(p for p in em.estate["projects"] if p["projectId"] == project)
    return {str((f.get("v1") or f["v2"])["name"]).rsplit("/", 1)[-1] for f in proj["functions"]}
