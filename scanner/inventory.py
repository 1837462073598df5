"""The common schema: one serverless function, whatever the cloud.

Conventions every provider follows, because checks rely on them:
- a fact the provider could not read (AccessDenied, API error) is listed in
  ``ServerlessFunction.unknown`` under its dotted path with the reason; its value is left at
  the default and the engine turns every check that reads it into NOT_ASSESSED;
- ``None`` means the concept does not exist for this function or cloud (no function URL,
  no code signing on GCP), so the dependent check is NOT_APPLICABLE, never PASS.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data: Any) -> Any:
        """Computed facts are written to JSON; reading a saved scan back derives them again."""
        if isinstance(data, dict) and cls.model_computed_fields:
            return {k: v for k, v in data.items() if k not in cls.model_computed_fields}
        return data


PrincipalKind = Literal["anonymous", "any_authenticated", "account", "organization", "service", "identity"]


class Grant(Model):
    """A permission the function's identity holds, as evidence for an identity fact."""

    source: str = Field(description="Policy ARN/name, role definition or IAM role the grant came from")
    statement: str | None = Field(None, description="Statement id or index, or role assignment id")
    actions: list[str] = Field(default_factory=list)
    resources: list[str] = Field(default_factory=list, description="Resources or the scope of the grant")
    reason: str = Field("", description="Why the grant is notable, in plain words")


class TrustPrincipal(Model):
    """One principal that may assume (act as) the function's identity."""

    principal: str
    kind: PrincipalKind
    is_function_service: bool = Field(description="The cloud's function service itself (lambda.amazonaws.com)")
    conditions: list[str] = Field(default_factory=list, description="Condition keys on the statement")
    narrowed: bool = Field(description="A condition ties the principal to a known source account/ARN")


class IdentityFacts(Model):
    kind: Literal["aws_iam_role", "azure_managed_identity", "gcp_service_account", "none"] = "none"
    principal: str | None = Field(None, description="Role ARN, managed identity principal id or SA email")
    name: str | None = None
    is_default: bool = Field(False, description="A default/shared platform identity, or no dedicated one")
    default_reason: str | None = None
    # Filled by the engine for the checks (a view of the identity's group, scanner.engine.SharedWith); not
    # written: the document's identity_groups says the same once per principal.
    shared_with: list[str] = Field(
        default_factory=list, exclude=True,
        description="Ids of other scanned functions that run as the same principal",
    )
    admin: list[Grant] = Field(default_factory=list, description="Grants amounting to full control")
    wildcard: list[Grant] = Field(default_factory=list, description="Grants with wildcard actions/resources")
    privilege_escalation: list[Grant] = Field(default_factory=list)
    modify_functions: list[Grant] = Field(
        default_factory=list, description="Grants that can change other functions' code or configuration"
    )
    trust: list[TrustPrincipal] | None = Field(
        None, description="Who may assume the identity (AWS role trust policy); None where not applicable"
    )


class InvocationPath(Model):
    """One way a caller can invoke the function."""

    via: Literal[
        "resource_policy", "function_url", "http_trigger", "iam_binding",
        "api_gateway", "load_balancer", "event_source", "api_management", "front_door",
    ] = Field(description="What the caller goes through: the function's own policy, URL or trigger, or a front door")
    principal: str = Field(description="The principal as written in the cloud's data")
    principal_kind: PrincipalKind
    cross_account: bool = False
    conditions: list[str] = Field(default_factory=list)
    narrowed: bool = Field(False, description="A condition limits callers to a known source")
    auth: Literal["none", "iam", "key", "platform"] | None = None
    evidence: str = ""
    qualifier: str | None = Field(
        None, description="The alias or version the path reaches (AWS); None for the function itself"
    )
    front_door: str | None = Field(
        None, description="Id of the resource in front (API, load balancer, topic, queue, bucket), if any"
    )
    route: str | None = Field(None, description="Route, listener rule or event at the front door")


class Cors(Model):
    allowed_origins: list[str] = Field(default_factory=list)
    allow_credentials: bool = False


class PlatformAuth(Model):
    """Authentication the platform enforces in front of the code (Azure App Service Authentication)."""

    enabled: bool
    require_authentication: bool
    unauthenticated_action: str | None = None


class PrivateNetwork(Model):
    attached: bool = False
    network_id: str | None = Field(None, description="VPC id, VNet subnet id or VPC connector")
    subnets: list[str] = Field(default_factory=list)
    security_groups: list[str] = Field(default_factory=list)
    availability_zones: list[str] | None = Field(None, description="None where zones are not visible")
    egress_via_private: bool | None = Field(None, description="All egress routed through the private network")


class ManagementExposure(Model):
    kind: Literal["scm_basic_auth", "ftp_basic_auth", "ftp_enabled", "remote_debugging", "scm_unrestricted"]
    detail: str = ""


class NetworkFacts(Model):
    invocation: list[InvocationPath] = Field(default_factory=list)
    endpoint_url: str | None = None
    public_ingress: bool | None = Field(
        None, description="Reachable from the internet (no ingress restriction); None where not applicable"
    )
    ingress: str | None = Field(None, description="The cloud's own ingress setting, as written")
    ingress_restrictions: list[str] = Field(default_factory=list)
    private_endpoints: int = 0
    private_network: PrivateNetwork = Field(default_factory=PrivateNetwork)
    cors: Cors | None = None
    platform_auth: PlatformAuth | None = None
    client_certificates: str | None = None
    management: list[ManagementExposure] | None = Field(
        None, description="Management-plane exposures; None where the cloud has no such plane"
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def anonymous_invoke(self) -> bool:
        return any(p.principal_kind == "anonymous" and not p.narrowed for p in self.invocation)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def cross_account_invoke(self) -> bool:
        return any(p.cross_account and not p.narrowed for p in self.invocation)


SettingClass = Literal["plaintext_secret", "secret_reference", "ordinary"]


class Setting(Model):
    """An environment variable or app setting, by name; the value itself is never kept."""

    name: str
    source: Literal["environment", "build_environment", "app_setting", "connection_string"] = "environment"
    classification: SettingClass
    secret_like_name: bool = Field(False, description="The name says it holds a credential")
    detectors: list[str] = Field(default_factory=list, description="What flagged the value")
    preview: str | None = Field(None, description="At most the first 4 characters of a flagged value")
    fingerprint: str | None = Field(None, description="Keyed hash of a flagged value, stable across scans")
    reference: str | None = Field(None, description="The secret-store reference, when it is one")
    reason: str | None = Field(
        None, description="Why a value that looks like a credential is not one (public by design, identity-based)"
    )


class SecretFacts(Model):
    settings: list[Setting] = Field(default_factory=list)
    store_references: list[str] = Field(
        default_factory=list, description="Secrets mounted from a secret store (volumes, secret env vars)"
    )
    storage_connection: Literal["account_key", "identity", "none"] | None = Field(
        None, description="How the function reaches its own storage account; None where not applicable"
    )


class KeyFacts(Model):
    """A customer-managed key. ``state``/``rotation_enabled`` are None when the provider does not read
    the key itself (GCP: ztscan does not call Cloud KMS); checks on them are then NOT_ASSESSED."""

    key_id: str
    state: Literal["enabled", "disabled", "pending_deletion", "pending_import", "unavailable", "other"] | None = None
    customer_managed: bool = True
    rotation_enabled: bool | None = None


class EncryptionFacts(Model):
    cmk: KeyFacts | None = Field(None, description="Customer-managed key for configuration/secrets, if any")
    cmk_supported: bool = Field(True, description="The cloud lets this function use a customer-managed key")
    cmk_covers_code: bool = Field(
        False,
        description="The customer-managed key would also encrypt the function's source and image, so there is "
        "something to protect even without settings (GCP CMEK)",
    )
    https_only: bool | None = None
    min_tls_version: str | None = None
    scm_min_tls_version: str | None = None


class RuntimeFacts(Model):
    name: str | None = Field(None, description="The runtime id as the cloud writes it")
    language: str | None = None
    version: str | None = None
    deprecated_on: date | None = Field(None, description="End of support; None if no date is published")
    lifecycle_source: str | None = Field(None, description="Where the end-of-support date came from")
    host_version: str | None = None
    package_type: str | None = None
    architectures: list[str] = Field(default_factory=list)


class Layer(Model):
    id: str
    owner: str | None = None
    external: bool = Field(False, description="Owned by an account outside the scanned one")


class SupplyChainFacts(Model):
    code_signing: Literal["enforce", "warn", "none"] | None = Field(
        None, description="None where the cloud has no code signing"
    )
    layers: list[Layer] | None = None
    image_registry: str | None = None
    deprecated_registry: bool | None = None
    build_identity: str | None = Field(
        None, description="Identity the build runs as (GCP build service account), if named"
    )


class MonitoringFacts(Model):
    tracing: bool | None = None
    log_retention_days: int | None = Field(None, description="0 means logs never expire (no retention set)")
    failure_destination: str | None = Field(None, description="Dead-letter queue or on-failure destination")
    failure_destination_supported: bool = True
    app_insights: bool | None = None


class ServerlessFunction(Model):
    provider: str
    account: str = Field(description="AWS account, Azure subscription or GCP project")
    account_name: str | None = None
    region: str
    id: str = Field(description="ARN, Azure resource id or GCP full resource name")
    name: str
    kind: str = Field(description="lambda, function_app, function_app_slot, cloud_function_v1/v2 ...")
    tags: dict[str, str] = Field(default_factory=dict)
    identity: IdentityFacts = Field(default_factory=IdentityFacts)
    network: NetworkFacts = Field(default_factory=NetworkFacts)
    secrets: SecretFacts = Field(default_factory=SecretFacts)
    encryption: EncryptionFacts = Field(default_factory=EncryptionFacts)
    runtime: RuntimeFacts = Field(default_factory=RuntimeFacts)
    supply_chain: SupplyChainFacts = Field(default_factory=SupplyChainFacts)
    monitoring: MonitoringFacts = Field(default_factory=MonitoringFacts)
    unknown: dict[str, str] = Field(
        default_factory=dict, description="Dotted fact path -> why it could not be read"
    )

    def mark_unknown(self, path: str, reason: str) -> None:
        self.unknown[path] = reason
