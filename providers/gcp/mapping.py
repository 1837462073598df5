"""Map one function record (v1 CloudFunction or v2 Function message) into the common schema.

Only facts carried by the record itself are set here; IAM and Cloud Run facts, which need more
calls, are added by ``enrich``. Setting values go through ``classify`` and are never kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from providers.gcp import lifecycle
from providers.gcp.fixed_facts import CLOUD_FUNCTION_FIXED_FACTS
from scanner.collected import assign
from scanner.inventory import KeyFacts, ServerlessFunction
from scanner.secret_values import classify

ALLOW_ALL = {"ALLOW_ALL", "INGRESS_TRAFFIC_ALL"}


@dataclass(frozen=True)
class ProjectInfo:
    project_id: str
    number: str
    display_name: str
    parent: str = ""  # organizations/O or folders/F; "" for a project outside any organization

    @property
    def default_compute_sa(self) -> str:
        return f"{self.number}-compute@developer.gserviceaccount.com"

    @property
    def default_appspot_sa(self) -> str:
        return f"{self.project_id}@appspot.gserviceaccount.com"


def _enum(value: Any) -> str | None:
    name = getattr(value, "name", None)
    return None if not name or name.endswith("UNSPECIFIED") else name


def _location_and_name(full_name: str) -> tuple[str, str]:
    parts = full_name.split("/")  # projects/P/locations/L/functions/F
    return parts[3], parts[5]


def _base(msg: Any, project: ProjectInfo, kind: str) -> ServerlessFunction:
    location, name = _location_and_name(msg.name)
    fn = ServerlessFunction(
        provider="gcp",
        account=project.project_id,
        account_name=project.display_name,
        region=location,
        id=msg.name,
        name=name,
        kind=kind,
        tags=dict(msg.labels),
    )
    assign(fn, CLOUD_FUNCTION_FIXED_FACTS)
    return fn


def _identity(fn: ServerlessFunction, email: str, default: str, default_reason: str) -> None:
    fn.identity.kind = "gcp_service_account"
    fn.identity.principal = email or default
    fn.identity.name = (email or default).split("@", 1)[0]
    if not email or email == default:
        fn.identity.is_default = True
        fn.identity.default_reason = default_reason


def _secrets(fn: ServerlessFunction, env: Any, build_env: Any, secret_env: Any, secret_volumes: Any) -> None:
    fn.secrets.settings = [classify(k, v, "environment") for k, v in sorted(dict(env).items())]
    fn.secrets.settings += [classify(k, v, "build_environment") for k, v in sorted(dict(build_env).items())]
    refs = [f"projects/{s.project_id}/secrets/{s.secret}/versions/{s.version or 'latest'}" for s in secret_env]
    for vol in secret_volumes:
        versions = [v.version for v in vol.versions] or ["latest"]
        refs += [f"projects/{vol.project_id}/secrets/{vol.secret}/versions/{v}" for v in versions]
    fn.secrets.store_references = sorted(set(refs))
    fn.secrets.storage_connection = None  # GCP functions have no storage connection string


def _network_from_function(
    fn: ServerlessFunction, ingress: str | None, url: str | None, connector: str, egress: str | None
) -> None:
    fn.network.ingress = ingress
    fn.network.public_ingress = ingress in ALLOW_ALL if ingress else None
    fn.network.endpoint_url = url or None
    fn.network.private_network.attached = bool(connector)
    fn.network.private_network.network_id = connector or None
    fn.network.private_network.egress_via_private = bool(connector) and egress == "ALL_TRAFFIC"


def _encryption(fn: ServerlessFunction, kms_key: str) -> None:
    fn.encryption.cmk_supported = True
    # A CMEK encrypts the function's source and image, not only its settings:
    # https://cloud.google.com/functions/docs/securing/cmek
    fn.encryption.cmk_covers_code = True
    # State and rotation come from Cloud KMS in the enrich phase.
    fn.encryption.cmk = KeyFacts(key_id=kms_key, customer_managed=True) if kms_key else None


def _runtime(fn: ServerlessFunction, name: str, live: dict[str, lifecycle.LiveRuntime] | None) -> None:
    fn.runtime.name = name or None
    fn.runtime.language, fn.runtime.version = lifecycle.parse(name)
    fn.runtime.deprecated_on, fn.runtime.lifecycle_source = lifecycle.end_of_support(name, live)
    fn.runtime.package_type = "source"


def _registry(fn: ServerlessFunction, registry: str | None, repository: str, gen2: bool) -> None:
    if registry == "CONTAINER_REGISTRY":
        fn.supply_chain.image_registry = "container_registry"
    elif registry == "ARTIFACT_REGISTRY" or repository or gen2:  # 2nd gen only builds to Artifact Registry
        fn.supply_chain.image_registry = "artifact_registry"
    else:
        fn.mark_unknown("supply_chain.image_registry", "the API did not report the image registry")
        fn.mark_unknown("supply_chain.deprecated_registry", "the API did not report the image registry")
        return
    fn.supply_chain.deprecated_registry = fn.supply_chain.image_registry == "container_registry"


def _build_identity(value: str) -> str | None:
    # v2 writes projects/P/serviceAccounts/EMAIL; v1 may write the bare email.
    return value.rsplit("/", 1)[-1] or None if value else None


def _monitoring(fn: ServerlessFunction) -> None:
    # Cloud Functions has no dead-letter or on-failure destination (retry on/off only).
    fn.monitoring.failure_destination_supported = False


def from_v1(msg: Any, project: ProjectInfo, live: dict[str, lifecycle.LiveRuntime] | None) -> ServerlessFunction:
    fn = _base(msg, project, "cloud_function_v1")
    _identity(
        fn,
        msg.service_account_email,
        project.default_appspot_sa,
        "App Engine default service account (holds Editor on the project by default)",
    )
    has_http = "https_trigger" in msg
    _network_from_function(
        fn,
        _enum(msg.ingress_settings),
        msg.https_trigger.url if has_http else None,
        msg.vpc_connector,
        _enum(msg.vpc_connector_egress_settings),
    )
    _secrets(
        fn,
        msg.environment_variables,
        msg.build_environment_variables,
        msg.secret_environment_variables,
        msg.secret_volumes,
    )
    _encryption(fn, msg.kms_key_name)
    # SECURE_OPTIONAL (and, per the API, unspecified) also serves plain http; event functions have no URL.
    fn.encryption.https_only = _enum(msg.https_trigger.security_level) == "SECURE_ALWAYS" if has_http else None
    _runtime(fn, msg.runtime, live)
    _registry(fn, _enum(msg.docker_registry), msg.docker_repository, gen2=False)
    fn.supply_chain.build_identity = _build_identity(msg.build_service_account)
    _monitoring(fn)
    return fn


def from_v2(msg: Any, project: ProjectInfo, live: dict[str, lifecycle.LiveRuntime] | None) -> ServerlessFunction:
    gen1 = _enum(msg.environment) == "GEN_1"
    fn = _base(msg, project, "cloud_function_v1" if gen1 else "cloud_function_v2")
    svc, build = msg.service_config, msg.build_config
    if gen1:
        _identity(
            fn,
            svc.service_account_email,
            project.default_appspot_sa,
            "App Engine default service account (holds Editor on the project by default)",
        )
    else:
        _identity(
            fn,
            svc.service_account_email,
            project.default_compute_sa,
            "Compute Engine default service account (holds Editor on the project by default)",
        )
    _network_from_function(
        fn,
        _enum(svc.ingress_settings),
        msg.url or svc.uri,
        svc.vpc_connector,
        _enum(svc.vpc_connector_egress_settings),
    )
    _secrets(
        fn,
        svc.environment_variables,
        build.environment_variables,
        svc.secret_environment_variables,
        svc.secret_volumes,
    )
    _encryption(fn, msg.kms_key_name)
    if gen1:
        level = _enum(svc.security_level)
        fn.encryption.https_only = level == "SECURE_ALWAYS" if fn.network.endpoint_url else None
    else:
        fn.encryption.https_only = True  # Cloud Run serves HTTPS only
    _runtime(fn, build.runtime, live)
    _registry(fn, _enum(build.docker_registry), build.docker_repository, gen2=not gen1)
    fn.supply_chain.build_identity = _build_identity(build.service_account)
    _monitoring(fn)
    return fn
