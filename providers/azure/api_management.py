"""API Management: which APIs send requests to a function app, and what each one lets in.

Rules, each from Microsoft's documentation:
- an API's backend is its ``serviceUrl``, unless a ``set-backend-service`` policy names another
  base URL or a backend entity (whose ``url`` / ``resourceId`` is the app)
  (https://learn.microsoft.com/azure/api-management/set-backend-service-policy);
- a subscription key is required when the API's ``subscriptionRequired`` is true, except through an
  open product (a product with ``subscriptionRequired`` false lets requests to its APIs in without a
  key: https://learn.microsoft.com/rest/api/apimanagement/product/get). A key is a shared secret,
  never authentication: auth "key";
- ``validate-jwt`` / ``validate-azure-ad-token`` in the inbound policy at API, product or global
  scope authenticates the caller (auth "platform"); one inside a ``<choose>`` branch runs only
  when its condition holds and is not counted; a scope reaches the one below only through
  ``<base />`` (https://learn.microsoft.com/azure/api-management/api-management-howto-policies);
  product-scope policies apply only to calls made with that product's key, so they count only
  when every product holding the API has one and the API requires a key;
- ``virtualNetworkType`` Internal (or ``publicNetworkAccess`` Disabled) puts the gateway out of the
  internet's reach (https://learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet);
- "Import an Azure Function App as an API" stores a host key and sends it in the backend's
  ``x-functions-key`` header (a ``set-header`` / ``set-query-parameter`` policy naming
  ``x-functions-key`` / ``code`` does the same): the caller then needs no function key
  (https://learn.microsoft.com/azure/api-management/import-function-app-as-api)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from providers.azure.arm import Failed
from providers.azure.fronts import APIM_VERSION, Auth, Entry, FrontIndex, Reader
from scanner.inventory import PrincipalKind

_READ = "Microsoft.ApiManagement/service/apis/read"
_JWT = re.compile(r"<(validate-jwt|validate-azure-ad-token)\b", re.I)
_BASE = re.compile(r"<base\s*/?>", re.I)
_INBOUND = re.compile(r"<inbound\b[^>]*>(.*?)</inbound>|<inbound\s*/>", re.I | re.S)
_SET_BACKEND = re.compile(r"<set-backend-service\b([^>]*)/?>", re.I)
_KEY_IN_POLICY = re.compile(r"<set-(header|query-parameter)\s[^>]*name=\"(x-functions-key|code)\"", re.I)
_CHOOSE = re.compile(r"<choose\b.*?</choose>", re.I | re.S)
_ATTR = re.compile(r'([\w-]+)\s*=\s*"([^"]*)"')
_MULTI_TENANT = re.compile(r"login\.microsoftonline\.com/(common|organizations|consumers)/", re.I)
# Identity providers where anyone can hold an account: Google accounts, and customer directories
# (Azure AD B2C, External ID) built for self-service sign-up.
_OPEN_SIGN_UP = re.compile(r"accounts\.google\.com|[\w-]+\.b2clogin\.com|[\w-]+\.ciamlogin\.com", re.I)
_SITE_ID = re.compile(r"(/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Web/sites/[^/?#]+)", re.I)


class _Policy:
    """The inbound section of one scope's policy document; no document behaves as ``<base />``."""

    def __init__(self, xml: str | None) -> None:
        found = _INBOUND.search(xml or "")
        self.present = xml is not None
        self.inbound = (found.group(1) or "") if found else ""
        self.xml = xml or ""

    @property
    def inherits(self) -> bool:
        return not self.present or bool(_BASE.search(self.inbound))

    @property
    def jwt(self) -> re.Match[str] | None:
        """Token validation that runs for every request: one inside a <choose> branch may be skipped."""
        return _JWT.search(_CHOOSE.sub("", self.inbound))

    @property
    def sends_key(self) -> bool:
        return bool(_KEY_IN_POLICY.search(self.inbound))


def _policy(reader: Reader, path: str) -> _Policy:
    docs = [p for p in reader.list(f"{path}/policies", APIM_VERSION, _READ)]
    if not docs:
        return _Policy(None)
    return _Policy(str((docs[0].get("properties") or {}).get("value") or ""))


def _jwt_principal(match: re.Match[str], policy: _Policy) -> tuple[str, PrincipalKind]:
    name = match.group(1).lower()
    if name == "validate-jwt" and _MULTI_TENANT.search(policy.inbound):
        return "any Microsoft account or Entra tenant (validate-jwt on a multi-tenant issuer)", "any_authenticated"
    if name == "validate-jwt" and (open_idp := _OPEN_SIGN_UP.search(policy.inbound)):
        return f"anyone with an account at {open_idp.group(0)} (validate-jwt)", "any_authenticated"
    return f"callers with a token {name} accepts", "organization"


def _backend_targets(
    api: dict[str, Any], api_policy: _Policy, global_policy: _Policy, backends: dict[str, dict[str, Any]]
) -> tuple[list[str], bool, str]:
    """(backend host names and site ids, whether the backend sends a function key, how it was found)."""
    props = api.get("properties") or {}
    for scope in (api_policy, global_policy):
        found = _SET_BACKEND.search(scope.inbound)
        if not found:
            if scope is api_policy and not api_policy.inherits:
                break  # the API's policy drops the global one
            continue
        attrs = dict(_ATTR.findall(found.group(1)))
        target = attrs.get("base-url") or attrs.get("backend-id") or ""
        if "@(" in target or "{{" in target:
            raise Failed(f"set-backend-service of API {api.get('name')} is an expression ({target[:40]!r})")
        if "backend-id" in attrs:
            backend = backends.get(attrs["backend-id"].lower())
            if backend is None:
                raise Failed(f"set-backend-service of API {api.get('name')} names unknown backend {target!r}")
            return _backend_keys(backend), _sends_key(backend), f"backend {attrs['backend-id']}"
        return [urlsplit(target).hostname or ""], False, f"set-backend-service {target}"
    # serviceUrl goes straight to the host: backend entities (and their credentials) are not used.
    url = str(props.get("serviceUrl") or "")
    host = urlsplit(url).hostname
    return [host] if host else [], False, f"serviceUrl {url}"


def _backend_keys(backend: dict[str, Any]) -> list[str]:
    props = backend.get("properties") or {}
    keys = [urlsplit(str(props.get("url") or "")).hostname or ""]
    site = _SITE_ID.search(str(props.get("resourceId") or ""))
    if site:
        keys.append(site.group(1).lower())
    return keys


def _sends_key(backend: dict[str, Any]) -> bool:
    creds = (backend.get("properties") or {}).get("credentials") or {}
    headers = {str(k).lower() for k in (creds.get("header") or {})}
    query = {str(k).lower() for k in (creds.get("query") or {})}
    return "x-functions-key" in headers or "code" in query


def _access(
    props: dict[str, Any], held_by: list[tuple[dict[str, Any], _Policy]], api_policy: _Policy, global_policy: _Policy
) -> tuple[str, PrincipalKind, Auth, str]:
    """(principal, principal kind, auth, why) of whoever APIM lets call the API."""
    open_products = [
        p["name"] for p, _ in held_by if not (p.get("properties") or {}).get("subscriptionRequired", True)
    ]
    key_required = bool(props.get("subscriptionRequired", True)) and not open_products
    found: tuple[re.Match[str], str, _Policy] | None = None
    if api_policy.jwt:
        found = (api_policy.jwt, "API", api_policy)
    elif api_policy.inherits:
        product_jwts = [(pp.jwt, pp) for _, pp in held_by if pp.jwt]
        if key_required and held_by and len(product_jwts) == len(held_by):
            found = (product_jwts[0][0], "product", product_jwts[0][1])
        elif global_policy.jwt and all(pp.inherits for _, pp in held_by):
            found = (global_policy.jwt, "global", global_policy)
    if found is not None:
        match, scope, where = found
        principal, kind = _jwt_principal(match, where)
        return principal, kind, "platform", f"{match.group(1)} at {scope} scope"
    if key_required:
        return "holders of an APIM subscription key", "identity", "key", "subscription key required"
    via_open = f" via open product {open_products[0]}" if open_products else ""
    return "anonymous", "anonymous", "none", f"no subscription key{via_open}, no token validation"


def read_service(reader: Reader, rid: str, index: FrontIndex) -> None:
    """Every API of one APIM service that reaches a host, as ``Entry`` objects in ``index``."""
    service = reader.get(rid, APIM_VERSION, "Microsoft.ApiManagement/service/read")
    sprops = service.get("properties") or {}
    name = service.get("name") or rid.split("/")[-1]
    vnet = str(sprops.get("virtualNetworkType") or "None")
    public_access = str(sprops.get("publicNetworkAccess") or "Enabled")
    conditions: tuple[str, ...] = ()
    if vnet.lower() == "internal":
        conditions = ("APIM virtualNetworkType=Internal",)
    elif public_access.lower() == "disabled":
        conditions = ("APIM publicNetworkAccess=Disabled",)
    subnet = (sprops.get("virtualNetworkConfiguration") or {}).get("subnetResourceId")
    ips = tuple(sprops.get("publicIPAddresses") or ())

    backends = {str(b.get("name", "")).lower(): b for b in reader.list(f"{rid}/backends", APIM_VERSION, _READ)}
    global_policy = _policy(reader, rid)
    products = list(reader.list(f"{rid}/products", APIM_VERSION, _READ))
    in_products: dict[str, list[tuple[dict[str, Any], _Policy]]] = {}
    for product in products:
        ppath = f"{rid}/products/{product['name']}"
        ppolicy = _policy(reader, ppath)
        for api in reader.list(f"{ppath}/apis", APIM_VERSION, _READ):
            in_products.setdefault(str(api.get("name", "")).lower(), []).append((product, ppolicy))

    for api in reader.list(f"{rid}/apis", APIM_VERSION, _READ):
        props = api.get("properties") or {}
        api_policy = _policy(reader, f"{rid}/apis/{api['name']}")
        keys, supplies_key, how = _backend_targets(api, api_policy, global_policy, backends)
        supplies_key = supplies_key or api_policy.sends_key or (api_policy.inherits and global_policy.sends_key)
        held_by = in_products.get(str(api.get("name", "")).lower(), [])
        principal, kind, entry_auth, why = _access(props, held_by, api_policy, global_policy)
        display = props.get("path") or api.get("name")
        chain = f"APIM {name} API {api.get('name')} /{str(display).lstrip('/')} ({how})"
        for key in keys:
            if not key:
                continue
            index.add(
                key,
                Entry(
                    via="api_management",
                    front_door=api.get("id") or f"{rid}/apis/{api.get('name')}",
                    route=f"/{str(display).lstrip('/')}",
                    principal=principal,
                    principal_kind=kind,
                    auth=entry_auth,
                    evidence=f"{chain}: {why}",
                    narrowed=bool(conditions),
                    conditions=conditions,
                    supplies_key=supplies_key,
                    source_ips=ips,
                    source_subnet=subnet,
                ),
            )
