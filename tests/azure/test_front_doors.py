"""Paths through API Management and Front Door, end to end through ``ztscan scan azure`` on the ARM
emulator: each case open and closed, and a Front Door whose configuration cannot be read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.demo.azure.server import Emulator, serve
from tests.azure.conftest import Run, ztscan
from tests.azure.front_estate import OUR_FDID, SUB_F, SUB_U, front_estate


@pytest.fixture(scope="module")
def fronted() -> Iterator[Emulator]:
    with serve(front_estate()) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def scan_f(fronted: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Run:
    args = ["--azure-endpoint", fronted.base_url, "--subscription", SUB_F]
    return ztscan(args, fronted.env, tmp_path_factory.mktemp("fronted"))


@pytest.fixture(scope="module")
def scan_u(fronted: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Run:
    args = ["--azure-endpoint", fronted.base_url, "--subscription", SUB_U]
    return ztscan(args, fronted.env, tmp_path_factory.mktemp("unreadable"))


def _via(run: Run, app: str, via: str) -> list[dict[str, Any]]:
    return [p for p in run.fn(app)["network"]["invocation"] if p["via"] == via]


def _one(run: Run, app: str, via: str) -> dict[str, Any]:
    paths = _via(run, app, via)
    assert len(paths) == 1, paths
    return paths[0]


def test_fronted_estate_is_fully_read(scan_f: Run) -> None:
    assert scan_f.code in (0, 1), scan_f.stderr
    assert all(not f["unknown"] for f in scan_f.doc["functions"])


def test_api_without_key_or_token_is_an_anonymous_path(scan_f: Run) -> None:
    """An API with subscriptionRequired false lets anyone in
    (https://learn.microsoft.com/azure/api-management/api-management-subscriptions)."""
    path = _one(scan_f, "f-apim-open", "api_management")
    assert (path["principal_kind"], path["auth"], path["narrowed"]) == ("anonymous", "none", False)
    assert path["front_door"].endswith("/service/apim-main/apis/apim-open")
    assert path["route"] == "/apim-open -> /api/api"
    assert path["evidence"].startswith("APIM apim-main API apim-open /apim-open")
    assert path["conditions"] == []


def test_subscription_key_is_a_shared_key_not_authentication(scan_f: Run) -> None:
    """A subscription key is a shared secret: auth "key", never "platform"
    (https://learn.microsoft.com/azure/api-management/api-management-subscriptions)."""
    path = _one(scan_f, "f-apim-key", "api_management")
    assert (path["principal_kind"], path["auth"]) == ("identity", "key")
    assert "subscription key required" in path["evidence"]


def test_open_product_lets_callers_in_without_a_key(scan_f: Run) -> None:
    """A product with subscriptionRequired false is "open": its APIs are called without a key
    (https://learn.microsoft.com/rest/api/apimanagement/product/get, subscriptionRequired)."""
    path = _one(scan_f, "f-apim-open-product", "api_management")
    assert (path["principal_kind"], path["auth"]) == ("anonymous", "none")
    assert "open product starter" in path["evidence"]


@pytest.mark.parametrize(
    ("app", "policy"), [("f-apim-jwt", "validate-jwt"), ("f-apim-adtoken", "validate-azure-ad-token")]
)
def test_token_validation_policy_authenticates(scan_f: Run, app: str, policy: str) -> None:
    """validate-jwt / validate-azure-ad-token reject requests without a valid token
    (https://learn.microsoft.com/azure/api-management/validate-jwt-policy,
    https://learn.microsoft.com/azure/api-management/validate-azure-ad-token-policy)."""
    path = _one(scan_f, app, "api_management")
    assert (path["principal_kind"], path["auth"]) == ("organization", "platform")
    assert f"{policy} at API scope" in path["evidence"]


def test_policy_scopes_inherit_only_through_base(scan_f: Run) -> None:
    """Policies run global -> product -> API, each scope reaching the next only through <base />
    (https://learn.microsoft.com/azure/api-management/api-management-howto-policies#scopes)."""
    product = _one(scan_f, "f-apim-product-jwt", "api_management")
    assert product["auth"] == "platform" and "validate-jwt at product scope" in product["evidence"]
    inherited = _one(scan_f, "f-apim-global", "api_management")
    assert inherited["auth"] == "platform" and "validate-azure-ad-token at global scope" in inherited["evidence"]
    dropped = _one(scan_f, "f-apim-nobase", "api_management")
    assert (dropped["principal_kind"], dropped["auth"]) == ("anonymous", "none")
    assert scan_f.findings("f-apim-nobase")["ZT-NET-001"] == "FAIL"


def test_token_validation_inside_a_condition_is_not_authentication(scan_f: Run) -> None:
    """A policy inside <choose>/<when> runs only when its condition holds
    (https://learn.microsoft.com/azure/api-management/choose-policy)."""
    path = _one(scan_f, "f-apim-conditional-jwt", "api_management")
    assert (path["principal_kind"], path["auth"]) == ("anonymous", "none")


def test_api_policy_sending_the_function_key(scan_f: Run) -> None:
    """set-header x-functions-key in the API policy supplies the key the trigger asks for
    (https://learn.microsoft.com/azure/azure-functions/function-keys-how-to#use-access-keys)."""
    path = _one(scan_f, "f-apim-header-key", "api_management")
    assert (path["principal_kind"], path["auth"]) == ("anonymous", "none")
    assert "the front door sends the function key" in path["evidence"]


def test_backend_entity_decides_the_app_and_can_send_the_function_key(scan_f: Run) -> None:
    """set-backend-service backend-id routes to the backend entity, not serviceUrl
    (https://learn.microsoft.com/azure/api-management/set-backend-service-policy); a backend that sends
    x-functions-key (as "Import a Function App" sets up) leaves the caller needing no function key
    (https://learn.microsoft.com/azure/api-management/import-function-app-as-api)."""
    path = _one(scan_f, "f-apim-sends-key", "api_management")
    assert (path["principal_kind"], path["auth"]) == ("anonymous", "none")
    assert "(backend f-apim-sends-key)" in path["evidence"]
    assert "the front door sends the function key" in path["evidence"]
    assert _one(scan_f, "f-apim-sends-key", "http_trigger")["auth"] == "key"  # directly: the key is still needed


def test_function_key_still_needed_behind_apim(scan_f: Run) -> None:
    """authLevel function behind an API that sends no key: the caller still needs the function key
    (https://learn.microsoft.com/azure/azure-functions/function-keys-how-to)."""
    path = _one(scan_f, "f-apim-needs-key", "api_management")
    assert (path["principal_kind"], path["auth"]) == ("identity", "key")
    assert path["principal"] == "holders of a function key"


def test_internal_vnet_apim_is_not_internet_reachable(scan_f: Run) -> None:
    """virtualNetworkType Internal: the gateway has only a private address
    (https://learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet)."""
    path = _one(scan_f, "f-apim-internal", "api_management")
    assert path["narrowed"] is True and path["principal_kind"] == "anonymous"
    assert "APIM virtualNetworkType=Internal" in path["conditions"]


def test_app_access_restrictions_decide_whether_apim_gets_in(scan_f: Run) -> None:
    """App Service access restrictions apply to APIM's calls too; the ApiManagement service tag admits it
    (https://learn.microsoft.com/azure/app-service/app-service-ip-restrictions#set-a-service-tag-based-rule)."""
    assert _via(scan_f, "f-apim-blocked", "api_management") == []
    assert scan_f.findings("f-apim-blocked")["ZT-NET-001"] == "PASS"
    path = _one(scan_f, "f-apim-tagged", "api_management")
    assert path["conditions"] == ["access restriction apim"] and path["narrowed"] is False
    assert scan_f.findings("f-apim-tagged")["ZT-NET-001"] == "FAIL"


def test_front_door_route_is_an_anonymous_path_waf_named_not_trusted(scan_f: Run) -> None:
    """Front Door authenticates nobody; WAF Prevention filters but is no authentication
    (https://learn.microsoft.com/azure/web-application-firewall/afds/waf-front-door-policy-settings)."""
    path = _one(scan_f, "f-afd-open", "front_door")
    assert (path["principal_kind"], path["auth"], path["narrowed"]) == ("anonymous", "none", False)
    assert "WAF wafprevent (enabled, Prevention mode)" in path["evidence"]
    assert path["front_door"].endswith("/Microsoft.Cdn/profiles/fd-main")
    assert path["route"].startswith("ep-fd-main-abcdefgh.z01.azurefd.net/*")


def test_fdid_restriction_admits_only_that_front_door(scan_f: Run) -> None:
    """AzureFrontDoor.Backend with X-Azure-FDID admits only the profile whose frontDoorId matches
    (https://learn.microsoft.com/azure/app-service/app-service-ip-restrictions#restrict-access-to-a-specific-azure-front-door-instance)."""
    locked = scan_f.fn("f-afd-locked")
    direct = _one(scan_f, "f-afd-locked", "http_trigger")
    assert direct["narrowed"] is True  # not from the internet directly
    path = _one(scan_f, "f-afd-locked", "front_door")
    assert path["narrowed"] is False and path["principal_kind"] == "anonymous"
    assert locked["network"]["anonymous_invoke"] is True  # open through Front Door
    assert scan_f.findings("f-afd-locked")["ZT-NET-001"] == "FAIL"
    # Another customer's Front Door id: this profile is refused, and nothing else is open.
    assert _via(scan_f, "f-afd-other", "front_door") == []
    assert scan_f.findings("f-afd-other")["ZT-NET-001"] == "PASS"
    assert OUR_FDID not in str(scan_f.fn("f-afd-other")["network"])


def test_classic_front_door_forwarding_rule(scan_f: Run) -> None:
    """A classic Front Door forwards a routing rule's patterns to its backend pool; its frontdoorId is the
    X-Azure-FDID value (https://learn.microsoft.com/azure/frontdoor/front-door-faq#how-do-i-lock-down-the-access-to-my-backend-to-only-azure-front-door-)."""
    path = _one(scan_f, "f-classic-locked", "front_door")
    assert (path["principal_kind"], path["auth"], path["narrowed"]) == ("anonymous", "none", False)
    assert path["evidence"].startswith("Front Door (classic) fd-classic rule api fd-classic.azurefd.net /api/*")
    assert "WAF wafprevent (enabled, Prevention mode)" in path["evidence"]
    assert path["front_door"].endswith("/Microsoft.Network/frontDoors/fd-classic")
    assert _one(scan_f, "f-classic-locked", "http_trigger")["narrowed"] is True


def test_easy_auth_still_authenticates_behind_front_door(scan_f: Run) -> None:
    """App Service Authentication runs in the app's front end, whoever forwards the request
    (https://learn.microsoft.com/azure/app-service/overview-authentication-authorization)."""
    path = _one(scan_f, "f-afd-easyauth", "front_door")
    assert (path["principal_kind"], path["auth"]) == ("organization", "platform")
    assert scan_f.findings("f-afd-easyauth")["ZT-NET-001"] == "PASS"


def test_unreadable_front_door_makes_reachable_apps_unknown(scan_u: Run) -> None:
    """A Front Door we cannot read may route the internet to the app: its invocation is unknown."""
    assert scan_u.code == 3, scan_u.stderr
    behind = scan_u.fn("u-behind-locked")
    reason = behind["unknown"]["network.invocation"]
    assert "Front Door fd-locked not read" in reason and "AuthorizationFailed" in reason
    # An API whose set-backend-service is a policy expression: which app it calls is not in ARM.
    assert "API Management apim-expr not read: set-backend-service of API route is an expression" in reason
    assert scan_u.findings("u-behind-locked")["ZT-NET-001"] == "NOT_ASSESSED"
    # Public network access off and no private endpoint: no front door can reach it, so it stays known.
    assert "network.invocation" not in scan_u.fn("u-private")["unknown"]
    assert scan_u.target(SUB_U)["status"] == "partial"


def test_denied_discovery_makes_reachable_apps_unknown(tmp_path: Path) -> None:
    """Without the resources list nothing rules out a front door: apps it could reach are unknown."""
    estate = front_estate()
    estate["faults"] = {"forbidden": [f"/subscriptions/{SUB_U}/resources"]}
    with serve(estate) as emu:
        run = ztscan(["--azure-endpoint", emu.base_url, "--subscription", SUB_U], emu.env, tmp_path)
    assert run.code == 3, run.stderr
    reason = run.fn("u-behind-locked")["unknown"]["network.invocation"]
    assert f"Front Door of subscription {SUB_U} not listed: AuthorizationFailed" in reason
    assert "network.invocation" not in run.fn("u-private")["unknown"]


def test_reads_are_per_front_door_not_per_app(fronted: Emulator, scan_f: Run, scan_u: Run) -> None:
    first_pages = [p for _, p, _ in fronted.log if "skiptoken" not in p]
    discovery = [p for p in first_pages if p.startswith(f"/subscriptions/{SUB_F}/resources?") and "Cdn" in p]
    assert len(discovery) == 1  # one query finds both kinds of front door
    assert sum("/service/apim-main/apis?" in p for p in first_pages) == 1
    assert fronted.requests_matching("/service/apim-main/apis?") == 4  # 12 APIs, pages of 3: nextLink followed
    assert sum("/profiles/fd-main/afdEndpoints?" in p for p in first_pages) == 1


def test_no_front_door_read_without_function_apps(tmp_path: Path) -> None:
    estate = front_estate()
    estate["subscriptions"][0]["sites"] = []
    with serve(estate) as emu:
        run = ztscan(["--azure-endpoint", emu.base_url, "--subscription", SUB_F], emu.env, tmp_path)
        assert run.code == 0, run.stderr
        assert emu.requests_matching("Microsoft.ApiManagement") == 0
