"""What fronts a subscription's function apps: API Management APIs and Front Door routes.

Read once per subscription, never per app: one resource query finds the APIM services and CDN/Front
Door profiles, then each one's configuration is read (its APIs and policies, its routes and origins).
The result is a ``FrontIndex``: for each backend host name, the ways the internet reaches it through
a front door (an ``Entry``), and the reasons some front door could not be read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from azure.core.exceptions import AzureError, HttpResponseError
from azure.core.rest import HttpRequest
from azure.mgmt.core.exceptions import ARMErrorFormat

from providers.azure.arm import Arm, Failed, http_reason
from scanner.inventory import PrincipalKind

APIM_VERSION = "2022-08-01"
CDN_VERSION = "2024-02-01"
WAF_VERSION = "2024-02-01"
Auth = Literal["none", "key", "platform"]
_STRENGTH: dict[str, int] = {"none": 0, "key": 1, "platform": 2}


@dataclass(frozen=True)
class Entry:
    """One way in through a front door to a backend host."""

    via: Literal["api_management", "front_door"]
    front_door: str  # ARM id of the API or the Front Door profile
    route: str  # the public path or pattern at the front door
    principal: str
    principal_kind: PrincipalKind
    auth: Auth
    evidence: str  # names the chain, e.g. "APIM apim-prod API orders /orders (no subscription key)"
    narrowed: bool = False  # the front door itself is not reachable from the internet
    conditions: tuple[str, ...] = ()
    supplies_key: bool = False  # the front door sends the app's function key itself
    frontdoor_id: str | None = None  # the profile's X-Azure-FDID value (Front Door only)
    source_ips: tuple[str, ...] = ()  # addresses the front door calls from (APIM public IPs)
    source_subnet: str | None = None  # the APIM's VNet subnet
    private_link: bool = False  # reaches the app through a shared private link (Front Door Premium)


@dataclass
class FrontIndex:
    by_host: dict[str, list[Entry]] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)  # front-door kind -> why it was not read

    def add(self, host: str, entry: Entry) -> None:
        self.by_host.setdefault(host.lower().rstrip("."), []).append(entry)

    def merge(self, other: FrontIndex) -> None:
        for host, entries in other.by_host.items():
            self.by_host.setdefault(host, []).extend(entries)
        for kind, reason in other.unreadable.items():
            self.unreadable.setdefault(kind, reason)

    def entries(self, hosts: list[str]) -> list[Entry]:
        out: list[Entry] = []
        for host in {h.lower() for h in hosts}:
            out.extend(self.by_host.get(host, []))
        return list(dict.fromkeys(out))  # an API found by host name and by resource id is one way in


def stronger(a: Auth, b: Auth) -> Auth:
    return a if _STRENGTH[a] >= _STRENGTH[b] else b


class Reader:
    """Generic ARM GETs through the subscription's resource client: its credential, retries and pool."""

    def __init__(self, arm: Arm, sub: str) -> None:
        self.client = arm.resources(sub)
        self.sub = sub

    def get(self, path: str, version: str, needs: str) -> dict[str, Any]:
        sep = "&" if "?" in path else "?"
        return self._send(f"{path}{sep}api-version={version}", needs)

    def _send(self, url: str, needs: str) -> dict[str, Any]:
        try:
            response = self.client.send_request(HttpRequest("GET", url))
            if response.status_code >= 400:
                raise HttpResponseError(response=response, error_format=ARMErrorFormat)
            return response.json()
        except AzureError as exc:
            raise Failed(http_reason(exc, needs)) from exc
        except ValueError as exc:  # a body that is not JSON
            raise Failed(f"ARM answered {url.split('?')[0]} with no JSON") from exc

    def list(self, path: str, version: str, needs: str) -> Iterator[dict[str, Any]]:
        page = self.get(path, version, needs)
        while True:
            yield from page.get("value") or []
            link = page.get("nextLink")
            if not link:
                return
            page = self._send(link, needs)
