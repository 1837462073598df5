"""The ARM REST routes the Azure SDKs call during a scan, answered from the in-memory estate."""

from __future__ import annotations

import json
import re
import uuid
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from scanner.demo.azure import front_routes
from scanner.demo.azure.builders import function_app_stacks
from scanner.demo.azure.fixtures import BUILTIN_ROLES, role_definition_json

if TYPE_CHECKING:
    from scanner.demo.azure.server import Emulator

def _public(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def _route(function: dict[str, Any]) -> str:
    """The HTTP route as the host publishes it: the trigger's route, else the lower-cased function name."""
    for binding in function.get("bindings") or []:
        if isinstance(binding, dict) and binding.get("route"):
            return str(binding["route"])
    return str(function["name"]).lower()


def _arm_error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


_SITE = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)/providers/Microsoft\.Web/sites/(?P<name>[^/]+)"
    r"(?:/slots/(?P<slot>[^/]+))?(?P<rest>/.*)?$",
    re.I,
)


class Handler(BaseHTTPRequestHandler):
    server_version = "ztscan-arm-emulator"
    # Keep-alive as ARM does: HTTP/1.0 would cost a TLS handshake per request.
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stalls
    emulator: Emulator

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read stdout/stderr
        return

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-ms-request-id", str(uuid.uuid4()))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._handle("POST")

    def _handle(self, method: str) -> None:
        emu = self.emulator
        parts = urlsplit(self.path)
        path, query = unquote(parts.path).rstrip("/"), parse_qs(parts.query)
        status, body, headers = self._route(method, path, query)
        with emu._lock:  # the log keeps the query so tests can see nextLink pages being followed
            emu.log.append((method, unquote(self.path), status))
        self._send(status, body, headers)

    def _route(self, method: str, path: str, query: dict[str, list[str]]) -> tuple[int, dict, dict | None]:
        emu = self.emulator
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in emu.tokens:
            return 401, _arm_error("InvalidAuthenticationToken", "The access token is invalid."), None
        if "api-version" not in query:
            return (
                400,
                _arm_error("MissingApiVersionParameter", "The api-version query parameter is required."),
                None,
            )
        faults = emu.estate.get("faults", {})
        for fragment in faults.get("throttleOnce", []):
            if fragment.lower() in path.lower():
                with emu._lock:
                    first = fragment not in emu._throttled
                    emu._throttled.add(fragment)
                if first:
                    return (
                        429,
                        _arm_error("TooManyRequests", "Rate limit exceeded, retry later."),
                        {"Retry-After": "1"},
                    )
        for fragment in faults.get("forbidden", []):
            if fragment.lower() in path.lower():
                return (
                    403,
                    _arm_error(
                        "AuthorizationFailed",
                        "The client does not have authorization to perform action "
                        "'Microsoft.Web/sites/config/list/action' over scope or the scope is invalid.",
                    ),
                    None,
                )
        return self._dispatch(method, path, query)

    def _page(self, items: list[dict], path: str, query: dict[str, list[str]]) -> dict[str, Any]:
        size = int(self.emulator.estate.get("pageSize", 100))
        start = int(query.get("$skiptoken", ["0"])[0])
        page = {"value": [_public(i) for i in items[start : start + size]]}
        if start + size < len(items):
            params = {k: v[0] for k, v in query.items() if k != "$skiptoken"}
            params["$skiptoken"] = str(start + size)
            page["nextLink"] = f"{self.emulator.base_url}{path}?{urlencode(params)}"
        return page

    def _subscription(self, sub_id: str) -> dict[str, Any] | None:
        for sub in self.emulator.estate.get("subscriptions", []):
            if sub["subscriptionId"].lower() == sub_id.lower():
                return sub
        return None

    def _dispatch(self, method: str, path: str, query: dict[str, list[str]]) -> tuple[int, dict, dict | None]:
        estate = self.emulator.estate
        low = path.lower()
        not_found = (404, _arm_error("ResourceNotFound", f"The resource '{path}' was not found."), None)
        if low == "/providers/microsoft.web/functionappstacks":
            stacks = estate.get("functionAppStacks")
            return 200, self._page(function_app_stacks() if stacks is None else stacks, path, query), None
        if low == "/subscriptions":
            subs = [self._subscription_json(s) for s in estate.get("subscriptions", [])]
            return 200, self._page(subs, path, query), None
        m = re.match(r"^/(?:subscriptions/([^/]+)/)?providers/microsoft\.authorization/roledefinitions/([^/]+)$", low)
        if m and method == "GET":
            return self._role_definition(m.group(1), m.group(2))
        m = re.match(r"^/subscriptions/([^/]+)(/.*)?$", path)
        if not m:
            return not_found
        sub = self._subscription(m.group(1))
        if sub is None:
            return (
                404,
                _arm_error("SubscriptionNotFound", f"The subscription '{m.group(1)}' could not be found."),
                None,
            )
        rest = (m.group(2) or "").lower()
        if rest == "":
            return 200, self._subscription_json(sub), None
        if rest == "/providers/microsoft.web/sites":
            return 200, self._page(sub.get("sites", []), path, query), None
        if rest == "/resources":
            wanted = query.get("$filter", [""])[0]
            items = []
            if "microsoft.web/sites/slots" in wanted.lower():
                for site in sub.get("sites", []):
                    for slot in site["_x"]["slots"]:
                        items.append(
                            {
                                "id": slot["id"],
                                "name": slot["name"],
                                "type": slot["type"],
                                "kind": slot["kind"],
                                "location": slot["location"],
                                "tags": slot["tags"],
                            }
                        )
            items.extend(front_routes.generic_resources(sub, wanted))
            return 200, self._page(items, path, query), None
        if rest == "/providers/microsoft.authorization/roleassignments":
            flt = query.get("$filter", [""])[0]
            fm = re.search(r"assignedTo\('([^']+)'\)", flt, re.I)
            items = [
                ra
                # ARM lists assignments inherited from management groups with the subscription's own.
                for ra in [*estate.get("managementGroupRoleAssignments", []), *sub.get("roleAssignments", [])]
                if not fm or ra["properties"]["principalId"].lower() == fm.group(1).lower()
            ]
            return 200, self._page(items, path, query), None
        front = front_routes.serve(sub, path, lambda items: self._page(items, path, query))
        if front is not None:
            return front
        sm = _SITE.match(path)
        if not sm:
            return not_found
        site = next(
            (
                s
                for s in sub.get("sites", [])
                if s["name"].lower() == sm.group("name").lower()
                and s["_x"]["resourceGroup"].lower() == sm.group("rg").lower()
            ),
            None,
        )
        if site is None:
            return (
                404,
                _arm_error(
                    "ResourceNotFound",
                    f"The Resource 'Microsoft.Web/sites/{sm.group('name')}' was not found.",
                ),
                None,
            )
        target = site
        rest = (sm.group("rest") or "").lower()
        if sm.group("slot"):
            slot_name = sm.group("slot").lower()
            target = next((s for s in site["_x"]["slots"] if s["name"].split("/")[-1].lower() == slot_name), None)
            if target is None:
                return not_found
        elif rest == "/slots" and method == "GET":
            return 200, self._page(site["_x"]["slots"], path, query), None
        return self._site_resource(method, target, rest)

    def _subscription_json(self, sub: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"/subscriptions/{sub['subscriptionId']}",
            "subscriptionId": sub["subscriptionId"],
            "tenantId": self.emulator.estate.get("tenantId", "72f988bf-86f1-41af-91ab-2d7cd011db47"),
            "displayName": sub.get("displayName", sub["subscriptionId"]),
            "state": sub.get("state", "Enabled"),
            "subscriptionPolicies": {
                "locationPlacementId": "Public_2014-09-01",
                "quotaId": "PayAsYouGo_2014-09-01",
                "spendingLimit": "Off",
            },
            "authorizationSource": "RoleBased",
        }

    def _role_definition(self, sub_id: str | None, guid: str) -> tuple[int, dict, dict | None]:
        scope = f"/subscriptions/{sub_id}" if sub_id else ""
        for spec_guid, spec in BUILTIN_ROLES.items():
            if spec_guid == guid:
                return 200, role_definition_json(scope, spec_guid, spec), None
        for sub in self.emulator.estate.get("subscriptions", []):
            for rd in sub.get("roleDefinitions", []):
                if rd["name"].lower() == guid:
                    return 200, rd, None
        return (
            404,
            _arm_error("RoleDefinitionDoesNotExist", "The specified role definition does not exist."),
            None,
        )

    def _site_resource(self, method: str, site: dict[str, Any], rest: str) -> tuple[int, dict, dict | None]:
        x = site["_x"]
        rid = site["id"]
        short = site["name"].split("/")[-1]

        def resource(suffix: str, name: str, rtype: str, props: dict[str, Any]) -> dict[str, Any]:
            return {
                "id": f"{rid}/{suffix}",
                "name": name,
                "type": f"{site['type']}/{rtype}",
                "location": site["location"],
                "properties": props,
            }

        if rest == "" and method == "GET":
            return 200, _public(site), None
        if rest == "/config/web" and method == "GET":
            return 200, resource("config/web", "web", "config", x["config"]), None
        if rest == "/config/appsettings/list" and method == "POST":
            return 200, resource("config/appsettings", "appsettings", "config", x["appsettings"]), None
        if rest == "/config/connectionstrings/list" and method == "POST":
            return (
                200,
                resource("config/connectionstrings", "connectionstrings", "config", x["connectionstrings"]),
                None,
            )
        if rest == "/config/authsettingsv2" and method == "GET":
            return (
                200,
                resource("config/authsettingsV2", "authsettingsV2", "config", x["authsettingsV2"]),
                None,
            )
        if rest in ("/basicpublishingcredentialspolicies/scm", "/basicpublishingcredentialspolicies/ftp"):
            kind = rest.rsplit("/", 1)[1]
            return (
                200,
                resource(
                    f"basicPublishingCredentialsPolicies/{kind}",
                    kind,
                    "basicPublishingCredentialsPolicies",
                    {"allow": x[kind]},
                ),
                None,
            )
        if rest == "/privateendpointconnections" and method == "GET":
            return 200, {"value": x["privateEndpointConnections"]}, None
        if rest == "/functions" and method == "GET":
            host = x["host"]
            value = [
                {
                    "id": f"{rid}/functions/{f['name']}",
                    "name": f"{site['name']}/{f['name']}",
                    "type": "Microsoft.Web/sites/functions",
                    "properties": {
                        "name": f["name"],
                        "function_app_id": rid,
                        "script_href": f"https://{host.replace('.azurewebsites', '.scm.azurewebsites')}"
                        f"/api/vfs/site/wwwroot/{f['name']}/__init__.py",
                        "config_href": None,
                        "href": f"https://{host}/admin/functions/{f['name']}",
                        "config": {"bindings": f["bindings"]},
                        "invoke_url_template": f"https://{host}/api/{_route(f)}",
                        "language": "python",
                        "isDisabled": False,
                    },
                }
                for f in x["functions"]
            ]
            return 200, {"value": value}, None
        return 404, _arm_error("ResourceNotFound", f"No route for '{rest}' on {short}."), None
