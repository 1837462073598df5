"""Read one function app (or slot) into the common schema.

Each ARM call feeds known fact paths; when a call fails, exactly those paths go into
``fn.unknown`` with the reason, so no check can PASS on a default that stands in for them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from azure.core.exceptions import AzureError

from providers.azure import easy_auth, front_paths, network, runtime, settings
from providers.azure.arm import Arm, Failed, http_reason
from providers.azure.fixed_facts import FUNCTION_APP_FIXED_FACTS
from providers.azure.fronts import FrontIndex
from providers.azure.identity import AssignmentIndex, identity_facts
from providers.azure.lifecycle import LiveStack
from scanner.collected import assign
from scanner.inventory import ServerlessFunction

_TLS_VERSION = re.compile(r"\d+(\.\d+)?")
NEEDS = {
    "config": "Microsoft.Web/sites/config/read",
    "appsettings": "Microsoft.Web/sites/config/list/action",
    "connectionstrings": "Microsoft.Web/sites/config/list/action",
    "auth": "Microsoft.Web/sites/config/read",
    "publishing": "Microsoft.Web/sites/basicPublishingCredentialsPolicies/read",
    "private_endpoints": "Microsoft.Web/sites/privateEndpointConnections/read",
    "functions": "Microsoft.Web/sites/functions/read",
}


@dataclass(frozen=True)
class AppRef:
    subscription: str
    subscription_name: str | None
    resource_group: str
    site: dict[str, Any]  # the ARM JSON of the site or slot, as listed
    slot: str | None = None  # slot name when this is a deployment slot

    @property
    def app_name(self) -> str:
        return self.site["name"].split("/")[0]


class AppReader:
    """The ARM calls for one app, routed to the slot variant when it is a slot."""

    def __init__(self, arm: Arm, ref: AppRef) -> None:
        self.ops = arm.web(ref.subscription).web_apps
        self.ref = ref

    def call(self, op: str, needs: str) -> Any:
        args: tuple[str, ...] = (self.ref.resource_group, self.ref.app_name)
        if self.ref.slot:
            op = {"list_functions": "list_instance_functions_slot"}.get(op, op + "_slot")
            args = (*args, self.ref.slot)
        try:
            result = getattr(self.ops, op)(*args)
            if hasattr(result, "by_page"):  # paged: read every page now, inside the error handling
                return [item.as_dict() for item in result]
            return result.as_dict()
        except AzureError as exc:  # HTTP errors after retries, and dropped connections
            raise Failed(http_reason(exc, needs)) from exc


def _attempt(read: AppReader, op: str, key: str) -> tuple[Any, str | None]:
    try:
        return read.call(op, NEEDS[key]), None
    except Failed as exc:
        return None, exc.reason


def collect_app(
    arm: Arm,
    ref: AppRef,
    assignments: AssignmentIndex,
    stacks: dict[tuple[str, str], LiveStack] | None = None,
    fronts: FrontIndex | None = None,
) -> ServerlessFunction:
    site = ref.site
    props = site.get("properties") or {}
    fn = _bare_function(ref)
    read = AppReader(arm, ref)
    fn.identity = identity_facts(ref.site.get("identity") or {}, fn, assignments)

    config_doc, config_err = _attempt(read, "get_configuration", "config")
    config = (config_doc or {}).get("properties") or {}
    if config_err:
        for path in (
            "network.public_ingress",
            "network.ingress",
            "network.ingress_restrictions",
            "network.cors",
            "network.invocation",
            "network.management",
            "network.private_network.egress_via_private",
            "encryption.min_tls_version",
            "encryption.scm_min_tls_version",
        ):
            fn.mark_unknown(path, config_err)
        # linuxFxVersion is also in the listed site's partial siteConfig; use it for the stack.
        config = {"linuxFxVersion": (props.get("siteConfig") or {}).get("linuxFxVersion")}

    app_settings_doc, settings_err = _attempt(read, "list_application_settings", "appsettings")
    conn_doc, conn_err = _attempt(read, "list_connection_strings", "connectionstrings")
    app_settings = (
        None if settings_err else {str(k): v for k, v in ((app_settings_doc or {}).get("properties") or {}).items()}
    )
    if settings_err or conn_err:
        fn.mark_unknown("secrets.settings", settings_err or conn_err or "")
    else:
        fn.secrets.settings = settings.classify_settings(app_settings or {}, (conn_doc or {}).get("properties") or {})
    if app_settings is None:
        for path in ("secrets.storage_connection", "monitoring.app_insights", "runtime.host_version"):
            fn.mark_unknown(path, settings_err or "")
    else:
        fn.secrets.storage_connection = settings.storage_connection(app_settings)
        fn.monitoring.app_insights = settings.app_insights(app_settings)
    fn.monitoring.failure_destination_supported = False  # no dead-letter setting on a function app
    fn.monitoring.tracing = None  # distributed tracing is part of Application Insights, reported there

    _runtime(fn, site, config, app_settings, settings_err, stacks, config_err)
    _network(fn, read, site, props, config, config_err, app_settings, fronts)

    fn.encryption.https_only = bool(props.get("httpsOnly"))
    for field, key in (("min_tls_version", "minTlsVersion"), ("scm_min_tls_version", "scmMinTlsVersion")):
        value = None if config_err else config.get(key)
        setattr(fn.encryption, field, value)
        if value is not None and not _TLS_VERSION.fullmatch(str(value).strip()):
            # ARM documents 1.0-1.3; anything else cannot be compared, so it proves nothing.
            fn.mark_unknown(f"encryption.{field}", f"{key} {str(value)[:20]!r} is not a TLS version")
    # App settings are encrypted at rest with platform keys only: App Service offers no
    # customer-managed key for site configuration (CMK exists for storage/Key Vault, not here).
    fn.encryption.cmk = None
    fn.encryption.cmk_supported = False
    fn.supply_chain.code_signing = None  # Azure Functions has no code signing
    fn.supply_chain.layers = None  # no layer concept
    return fn


PILLARS = ("identity", "network", "secrets", "encryption", "runtime", "supply_chain", "monitoring")


def _bare_function(ref: AppRef) -> ServerlessFunction:
    """The app's identity in the inventory, before any fact is read."""
    fn = ServerlessFunction(
        provider="azure",
        account=ref.subscription,
        account_name=ref.subscription_name,
        region=ref.site.get("location", ""),
        id=ref.site["id"],
        name=ref.site["name"],
        kind="function_app_slot" if ref.slot else "function_app",
    )
    assign(fn, FUNCTION_APP_FIXED_FACTS)
    fn.tags = {str(k): str(v) for k, v in (ref.site.get("tags") or {}).items()}  # from the listing itself
    return fn


def unreadable_app(ref: AppRef, reason: str) -> ServerlessFunction:
    """An app whose data could not be turned into facts at all: every pillar is unknown."""
    fn = _bare_function(ref)
    for pillar in PILLARS:
        fn.mark_unknown(pillar, reason)
    return fn


def _runtime(
    fn: ServerlessFunction,
    site: dict,
    config: dict,
    app_settings: dict | None,
    err: str | None,
    stacks: dict[tuple[str, str], LiveStack] | None,
    config_err: str | None = None,
) -> None:
    props = site.get("properties") or {}
    st = runtime.stack(props, config, app_settings)
    host = None if app_settings is None else (app_settings.get("FUNCTIONS_EXTENSION_VERSION") or None)
    is_flex = bool(((props.get("functionAppConfig") or {}).get("runtime") or {}).get("name"))
    if st is None:
        for path in ("runtime.name", "runtime.language", "runtime.version", "runtime.deprecated_on"):
            fn.mark_unknown(path, err or "stack unknown")
        return
    fn.runtime = runtime.runtime_facts(st, host, is_flex, stacks)
    if "container" in (site.get("kind") or "") or st.image:
        fn.runtime.package_type = "image"
    if st.image:
        fn.supply_chain.image_registry = runtime.image_registry(st.image)
    if config_err and not is_flex and not st.image and st.version is None:
        # Windows keeps the language version in config/web, which could not be read.
        for path in ("runtime.name", "runtime.version", "runtime.deprecated_on"):
            fn.mark_unknown(path, config_err)
    if app_settings is None and not is_flex:
        # The Functions host version lives in app settings; its end of support may be earlier.
        fn.mark_unknown("runtime.deprecated_on", err or "")
    if is_flex:
        fn.unknown.pop("runtime.host_version", None)  # fixed by the platform, not read from settings


def _easy_auth(fn: ServerlessFunction, read: AppReader, app_settings: dict | None) -> easy_auth.Gate | None:
    auth_doc, auth_err = _attempt(read, "get_auth_settings_v2_without_secrets", "auth")
    if auth_err:
        fn.mark_unknown("network.platform_auth", auth_err)
        fn.mark_unknown("network.invocation", auth_err)
        return None
    gate = easy_auth.gate((auth_doc or {}).get("properties") or {}, app_settings)
    fn.network.platform_auth = gate.platform
    if gate.unknown:
        fn.mark_unknown("network.invocation", gate.unknown)
    return gate


def _http_triggers(fn: ServerlessFunction, read: AppReader) -> list[network.Trigger] | None:
    """The app's HTTP routes; None (and network.invocation unknown) when ARM cannot list them."""
    functions, fn_err = _attempt(read, "list_functions", "functions")
    if fn_err:
        fn.mark_unknown("network.invocation", f"HTTP trigger auth levels not readable: {fn_err}")
        return None
    if not functions:
        # ARM lists functions only after the host synced its triggers; an empty list is not "no routes".
        fn.mark_unknown("network.invocation", "ARM lists no functions for the app (triggers not synced)")
        return None
    return network.http_triggers(functions)


def _network(
    fn: ServerlessFunction,
    read: AppReader,
    site: dict,
    props: dict,
    config: dict,
    config_err: str | None,
    app_settings: dict | None,
    fronts: FrontIndex | None = None,
) -> None:
    host = props.get("defaultHostName")
    fn.network.endpoint_url = f"https://{host}" if host else None

    pe_list, pe_err = _attempt(read, "get_private_endpoint_connection_list", "private_endpoints")
    approved = sum(
        1
        for pe in pe_list or []
        if ((pe.get("properties") or {}).get("privateLinkServiceConnectionState") or {}).get("status", "").lower()
        == "approved"
    )
    if pe_err:
        fn.mark_unknown("network.private_endpoints", pe_err)
        if not (config.get("publicNetworkAccess") or props.get("publicNetworkAccess")):
            # With publicNetworkAccess unset, exposure depends on whether a private endpoint exists.
            fn.mark_unknown("network.public_ingress", pe_err)
            fn.mark_unknown("network.invocation", pe_err)
    fn.network.private_endpoints = approved
    fn.network.private_network = network.private_network(props, None if config_err else config)
    fn.network.client_certificates = props.get("clientCertMode") if props.get("clientCertEnabled") else "disabled"

    access = network.public_access(props, config, approved)
    main = network.reach(config.get("ipSecurityRestrictions"), config.get("ipSecurityRestrictionsDefaultAction"))
    public = access.lower() != "disabled" and main.public
    if not config_err:
        fn.network.public_ingress = public
        fn.network.ingress = (
            f"publicNetworkAccess={access}; ipSecurityRestrictionsDefaultAction="
            f"{config.get('ipSecurityRestrictionsDefaultAction') or 'unset'}"
        )
        fn.network.ingress_restrictions = main.restrictions
        fn.network.cors = network.cors(config)

    gate = _easy_auth(fn, read, app_settings)
    if gate is not None and "network.invocation" not in fn.unknown:
        triggers = _http_triggers(fn, read) if not gate.enforced or gate.excluded_paths else []
        if triggers is not None:
            fn.network.invocation = network.invocation_paths(gate, triggers, public, main.restrictions, access)
            if fronts is not None:
                _fronted(fn, fronts, site, config, gate, triggers, access, approved)

    scm, scm_err = _attempt(read, "get_scm_allowed", "publishing")
    ftp, ftp_err = _attempt(read, "get_ftp_allowed", "publishing")
    if scm_err or ftp_err:
        fn.mark_unknown("network.management", scm_err or ftp_err or "")
    if not config_err:
        fn.network.management = network.management(
            config,
            None if scm_err else bool((scm.get("properties") or {}).get("allow")),
            None if ftp_err else bool((ftp.get("properties") or {}).get("allow")),
            access,
            main.public,
        )


def _fronted(
    fn: ServerlessFunction,
    fronts: FrontIndex,
    site: dict,
    config: dict,
    gate: easy_auth.Gate,
    triggers: list[network.Trigger],
    access: str,
    private_endpoints: int,
) -> None:
    """Add the paths through API Management and Front Door; unknown if one that could reach it was unreadable."""
    rules = config.get("ipSecurityRestrictions") or []
    default = config.get("ipSecurityRestrictionsDefaultAction")
    if fronts.unreadable and front_paths.could_reach(rules, default, access, private_endpoints):
        fn.mark_unknown("network.invocation", "; ".join(sorted(fronts.unreadable.values())))
        return
    props = site.get("properties") or {}
    keys = [str(props.get("defaultHostName") or ""), *(props.get("enabledHostNames") or []), str(site["id"]).lower()]
    fn.network.invocation += front_paths.front_paths(fronts, keys, gate, triggers, rules, default, access)
