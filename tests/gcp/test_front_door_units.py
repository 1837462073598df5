"""OpenAPI security and routing rules of API Gateway, on documents built in the test.
Semantics: https://swagger.io/specification/v2/#security-requirement-object (alternatives are ORed,
schemes in one requirement ANDed; an operation's ``security`` replaces the document's, ``[]`` removes
it) and https://cloud.google.com/api-gateway/docs/oasv2-extensions (x-google-backend, disable_auth)."""

from __future__ import annotations

import base64

import pytest

from providers.gcp.front_doors import load_balancers, openapi
from scanner.demo.gcp.front_doors import API_KEY, GOOGLE_ID_TOKEN, serverless_lb, swagger

BACKEND = "https://us-central1-p.cloudfunctions.net/orders"
BOTH = API_KEY | GOOGLE_ID_TOKEN


def _auth(doc: dict) -> set[tuple[str, str]]:
    return {(f"{r.method} {r.path}", r.who.auth) for r in openapi.routes(doc)}


def test_the_weakest_alternative_decides() -> None:
    either = swagger(BACKEND, ["GET /a"], definitions=BOTH, security=[{"google_id_token": []}, {"api_key": []}])
    both = swagger(BACKEND, ["GET /a"], definitions=BOTH, security=[{"google_id_token": [], "api_key": []}])
    assert _auth(either) == {("GET /a", "key")}
    assert _auth(both) == {("GET /a", "platform")}


def test_an_operation_security_replaces_the_document_one() -> None:
    doc = swagger(BACKEND, ["GET /a", "GET /health"], definitions=GOOGLE_ID_TOKEN, security=[{"google_id_token": []}])
    doc["paths"]["/health"]["get"]["security"] = []
    assert _auth(doc) == {("GET /a", "platform"), ("GET /health", "none")}


def test_disable_auth_and_operations_without_backend() -> None:
    doc = swagger(BACKEND, ["GET /a"], disable_auth=True)
    doc["paths"]["/static"] = {"get": {"responses": {"200": {"description": "OK"}}}}
    (route,) = openapi.routes(doc)
    assert route.disable_auth and route.address == BACKEND and route.who.kind == "anonymous"


@pytest.mark.parametrize(
    "doc",
    [
        {"openapi": "3.0.0", "paths": {}},
        swagger(BACKEND, ["GET /a"], definitions={"basic": {"type": "basic"}}, security=[{"basic": []}]),
        swagger(BACKEND, ["GET /a"], security=[{"undefined": []}]),
    ],
)
def test_what_is_not_interpreted_is_unresolved(doc: dict) -> None:
    with pytest.raises(openapi.Unresolved):
        openapi.routes(doc)


def test_documents_are_base64_yaml() -> None:
    contents = base64.b64encode(b"swagger: '2.0'").decode()
    good = {"openapiDocuments": [{"document": {"path": "a.yaml", "contents": contents}}]}
    assert openapi.documents(good) == [{"swagger": "2.0"}]
    with pytest.raises(openapi.Unresolved):
        openapi.documents({"openapiDocuments": [{"document": {"path": "a.yaml", "contents": "%%%"}}]})


def _lb(**kwargs: object) -> list[load_balancers.Backend]:
    lists = {c: [] for c in load_balancers.COLLECTIONS} | serverless_lb("p", "x", "us-central1", **kwargs)
    return load_balancers.backends("p", lists)


def test_load_balancer_chain_to_a_serverless_neg() -> None:
    """Forwarding rule -> proxy -> URL map -> backend service -> NEG
    (https://cloud.google.com/load-balancing/docs/negs/serverless-neg-concepts)."""
    (open_lb,) = _lb(function="orders")
    assert open_lb.target == ("function", "p", "us-central1", "orders") and not open_lb.iap
    (iap_lb,) = _lb(service="orders", iap=True)
    assert iap_lb.target == ("service", "p", "us-central1", "orders") and iap_lb.iap
    (masked,) = _lb(url_mask="/<function>")
    assert masked.target is None and masked.mask == "/<function>"
    # An internal Application Load Balancer is not reachable from the internet.
    assert _lb(function="orders", scheme="INTERNAL_MANAGED") == []
