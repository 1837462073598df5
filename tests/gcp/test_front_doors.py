"""Front doors through ``ztscan scan gcp``: API Gateway, serverless load balancers and Pub/Sub
trigger topics, each open and closed, and each unreadable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.demo.gcp import Emulator, serve
from scanner.demo.gcp.front_doors import attach, serverless_lb
from tests.gcp.conftest import Run, ztscan
from tests.gcp.front_estate import FRONT, GATEWAY_SA, build_front_estate


@pytest.fixture(scope="module")
def front() -> Iterator[Emulator]:
    with serve(build_front_estate()) as running:
        yield running


def _scan(em: Emulator, out: Path) -> Run:
    args = ["scan", "gcp", "--gcp-endpoint", em.base_url, "--anonymous", "--format", "json", "--out", str(out)]
    return ztscan(args, out, em.env)


@pytest.fixture(scope="module")
def scan(front: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _scan(front, tmp_path_factory.mktemp("front"))


def _via(run: Run, name: str, via: str) -> list[dict[str, Any]]:
    return [p for p in run.fn(name)["network"]["invocation"] if p["via"] == via]


def test_the_scan_reads_every_front_door(scan: Run) -> None:
    assert scan.code == 0, scan.stderr
    assert scan.target(FRONT)["status"] == "complete"
    assert not [f["name"] for f in scan.doc["functions"] if f["unknown"]]


def test_gateway_without_security_is_anonymous(scan: Run) -> None:
    """No security requirement: API Gateway admits every caller
    (https://cloud.google.com/api-gateway/docs/authentication-method). The gateway's account is the
    function's invoker, so the route reaches it (https://cloud.google.com/api-gateway/docs/securing-backend-services)."""
    paths = _via(scan, "gw-anon", "api_gateway")
    assert {(p["route"], p["principal_kind"], p["auth"]) for p in paths} == {
        ("GET /orders", "anonymous", "none"),
        ("POST /orders", "anonymous", "none"),
    }
    assert paths[0]["front_door"] == f"projects/{FRONT}/locations/us-central1/gateways/open-gw"
    assert GATEWAY_SA in paths[0]["evidence"]
    assert scan.findings("gw-anon")["ZT-NET-001"] == "FAIL"


def test_gateway_api_key_is_a_shared_key_not_authentication(scan: Run) -> None:
    """An API key identifies a calling project, not a user
    (https://cloud.google.com/api-gateway/docs/authenticate-api-keys)."""
    paths = _via(scan, "gw-key", "api_gateway")
    assert {(p["auth"], p["principal_kind"]) for p in paths} == {("key", "identity")}
    assert scan.findings("gw-key")["ZT-NET-001"] == "PASS"


def test_gateway_jwt_is_authentication(scan: Run) -> None:
    """x-google-issuer: the gateway validates the JWT
    (https://cloud.google.com/api-gateway/docs/authenticating-users-googleid)."""
    paths = _via(scan, "gw-jwt", "api_gateway")
    assert {p["auth"] for p in paths} == {"platform"}
    assert "https://accounts.google.com" in paths[0]["principal"]
    assert scan.findings("gw-jwt")["ZT-NET-001"] == "PASS"


def test_gateway_path_needs_the_gateway_account_as_invoker_and_public_ingress(scan: Run) -> None:
    """Closed: the backend's IAM does not admit the gateway's account; internal-only ingress refuses
    traffic from outside the network (https://cloud.google.com/functions/docs/networking/network-settings)."""
    assert _via(scan, "gw-noinvoker", "api_gateway") == []
    assert _via(scan, "gw-internal", "api_gateway") == []
    assert scan.findings("gw-noinvoker")["ZT-NET-001"] == "PASS"
    assert scan.findings("gw-internal")["ZT-NET-001"] == "PASS"


def test_gateway_without_id_token_needs_all_users(scan: Run) -> None:
    """disable_auth: the gateway calls the backend without an ID token
    (https://cloud.google.com/api-gateway/docs/oasv2-extensions#x-google-backend), so only allUsers admits it."""
    paths = _via(scan, "gw-noauth-open", "api_gateway")
    assert {(p["route"], p["principal_kind"]) for p in paths} == {
        ("GET /orders", "anonymous"),
        ("POST /orders", "anonymous"),
    }
    assert "without an ID token" in paths[0]["evidence"]
    assert _via(scan, "gw-noauth-closed", "api_gateway") == []


def test_load_balancer_passes_ingress_not_iam(scan: Run) -> None:
    """ALLOW_INTERNAL_AND_GCLB admits an external Application Load Balancer, whose callers still need
    the invoker grant (https://cloud.google.com/run/docs/securing/ingress)."""
    paths = _via(scan, "lb-open", "load_balancer")
    assert [(p["principal"], p["principal_kind"]) for p in paths] == [("allUsers", "anonymous")]
    assert paths[0]["route"] == (
        "open-https */*, open.acme.example/*, open.acme.example/orders, open.acme.example/orders/*"
    )
    assert paths[0]["front_door"] == f"projects/{FRONT}/global/forwardingRules/open-https"
    assert "no IAP" in paths[0]["evidence"]
    assert _via(scan, "lb-private", "load_balancer") == []  # no public invoker
    assert _via(scan, "lb-internal", "load_balancer") == []  # internal-only ingress


def test_load_balancer_with_iap_authenticates(scan: Run) -> None:
    """IAP on the backend service signs callers in (https://cloud.google.com/iap/docs/enabling-cloud-run)."""
    paths = _via(scan, "lb-iap", "load_balancer")
    assert paths and {(p["auth"], p["principal_kind"]) for p in paths} == {("platform", "identity")}


def test_pubsub_publishers_invoke_the_triggered_function(scan: Run) -> None:
    """A message published to the trigger topic invokes the function: its publishers are its callers
    (https://cloud.google.com/functions/docs/calling/pubsub)."""
    (open_path,) = _via(scan, "topic-open", "event_source")
    assert (open_path["principal"], open_path["principal_kind"]) == ("allUsers", "anonymous")
    assert open_path["front_door"] == f"projects/{FRONT}/topics/topic-open"
    (auth_path,) = _via(scan, "topic-auth", "event_source")
    assert auth_path["principal_kind"] == "any_authenticated"
    assert auth_path["route"] == "google.cloud.pubsub.topic.v1.messagePublished"
    assert _via(scan, "topic-closed", "event_source") == []
    assert scan.findings("topic-open")["ZT-NET-001"] == "FAIL"
    assert scan.findings("topic-auth")["ZT-NET-002"] == "FAIL"
    assert scan.findings("topic-closed")["ZT-NET-001"] == "PASS"


@pytest.mark.parametrize(
    ("fault", "unknown", "known"),
    [
        ("/gateways", ["gw-anon", "gw-key", "gw-noinvoker"], ["gw-internal", "lb-private", "topic-open"]),
        ("/apis/key-gw/configs/", ["gw-key", "gw-anon"], ["gw-internal", "topic-open"]),
        ("/global/urlMaps", ["lb-open", "lb-iap"], ["lb-private", "lb-internal", "gw-key"]),
        ("/aggregated/networkEndpointGroups", ["lb-open"], ["lb-private"]),
        ("/topics/topic-closed", ["topic-closed"], ["topic-open", "gw-key"]),
    ],
)
def test_an_unreadable_front_door_makes_invocation_unknown(
    front: Emulator, tmp_path: Path, fault: str, unknown: list[str], known: list[str]
) -> None:
    """Never private: the functions it could reach have network.invocation unknown (NOT_ASSESSED)."""
    front.clear_faults()
    front.arm(fault, 403, times=None)
    try:
        run = _scan(front, tmp_path)
    finally:
        front.clear_faults()
    assert run.code == 3, run.stderr
    for name in unknown:
        assert "network.invocation" in run.fn(name)["unknown"], name
        assert run.findings(name)["ZT-NET-001"] in ("NOT_ASSESSED", "FAIL"), name
    for name in known:
        assert "network.invocation" not in run.fn(name)["unknown"], name


def test_front_doors_are_read_per_project_and_topic(front: Emulator, tmp_path: Path) -> None:
    before = dict(front.requests)
    run = _scan(front, tmp_path)
    assert run.code == 0, run.stderr
    got = {k: v - before.get(k, 0) for k, v in front.requests.items()}
    assert got["apigateway GET gateways.list"] == 1
    assert got["apigateway GET configs.get"] == 7  # one per config the gateways serve
    for collection in ("forwardingRules", "targetHttpsProxies", "targetHttpProxies", "urlMaps", "backendServices",
                       "networkEndpointGroups"):
        assert got[f"compute GET {collection}"] == 1, collection
    assert got["pubsub GET topics.getIamPolicy"] == 3


def test_a_url_mask_leaves_public_functions_unknown(tmp_path: Path) -> None:
    """A URL mask picks the function from each request's URL
    (https://cloud.google.com/load-balancing/docs/negs/serverless-neg-concepts#url_masks): which
    functions it reaches cannot be read, so those it could expose are unknown, never private."""
    estate = build_front_estate()
    attach(estate["projects"][0], serverless_lb(FRONT, "masked", "us-central1", url_mask="/<function>"))
    with serve(estate) as em:
        run = _scan(em, tmp_path)
    assert run.code == 3, run.stderr
    assert "URL mask" in run.fn("lb-open")["unknown"]["network.invocation"]
    assert "network.invocation" not in run.fn("lb-private")["unknown"]  # no public invoker to expose
