"""Collect one account-region's Lambda functions into the common schema.

Region-wide calls come first (functions, tags, log groups, subnets, event source mappings), so
that each function costs only its three per-function reads: resource policy, URL config and
code-signing config.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from providers.aws.errors import describe, is_not_found
from providers.aws.iam import AccountIam
from providers.aws.lambda_facts import LAMBDA_FIXED_FACTS
from providers.aws.permissions import other_function_grants
from providers.aws.policies import PolicyError, invocation_paths
from providers.aws.targets import Account, Api, client
from scanner import runtimes
from scanner.collected import assign
from scanner.inventory import Cors, KeyFacts, Layer, ServerlessFunction
from scanner.provider import ProgressSink, TargetStatus
from scanner.secret_values import classify

_RUNTIME = re.compile(r"^([a-z]+?)(\d+(?:\.\d+)*)?(?:\.x|\.al2023|\.al2)?$")
_KEY_STATES = {"Enabled": "enabled", "Disabled": "disabled", "PendingDeletion": "pending_deletion",
               "PendingImport": "pending_import", "Unavailable": "unavailable"}
_AWS_ERRORS = (ClientError, BotoCoreError)


class RegionCollector:
    def __init__(self, account: Account, region: str, api: Api, iam: AccountIam, pool: Executor,
                 progress: ProgressSink) -> None:
        self.account, self.region, self.iam, self.pool, self.progress = account, region, iam, pool, progress
        self.api = api
        self._clients: dict[str, Any] = {}
        self.lam = self.client("lambda")

    def client(self, service: str) -> Any:
        """Made on first use: a region without VPC functions or CMKs never loads the EC2/KMS models,
        which are the largest part of the scanner's memory."""
        if service not in self._clients:
            self._clients[service] = client(self.account.session, service, self.api, self.region)
        return self._clients[service]

    def collect(self) -> tuple[list[ServerlessFunction], TargetStatus]:
        try:
            configs = [f for page in self.lam.get_paginator("list_functions").paginate() for f in page["Functions"]]
        except _AWS_ERRORS as exc:
            return [], self._status("failed", 0, describe(exc, "lambda:ListFunctions"))
        self.progress.add_work(len(configs), f"aws {self.account.id} {self.region}")
        region_facts = {
            "tags": self._region_call("tags", self._tags),
            "retention": self._region_call("logs", lambda: self._retention(configs)),
            "zones": self._region_call("zones", lambda: self._zones(configs)),
            "mappings": self._region_call("mappings", self._failure_destinations),
            "keys": self._region_call("keys", lambda: self._keys(configs)),
        }
        functions = list(self.pool.map(lambda cfg: self._function(cfg, region_facts), configs))
        partial = [fn for fn in functions if fn.unknown]
        error = f"{len(partial)} function(s) have facts that could not be read" if partial else None
        return functions, self._status("partial" if partial else "complete", len(functions), error)

    def _status(self, status: str, count: int, error: str | None) -> TargetStatus:
        return TargetStatus(provider="aws", account=self.account.id, region=self.region, status=status,
                            functions=count, error=error)

    @staticmethod
    def _region_call(what: str, call: Callable[[], Any]) -> Any:
        """A region-wide read; its failure becomes an unknown fact on every function, not a crash."""
        try:
            return call()
        except _AWS_ERRORS as exc:
            return _Failed(describe(exc))

    def _tags(self) -> dict[str, dict[str, str]]:
        pages = self.client("resourcegroupstaggingapi").get_paginator("get_resources").paginate(
            ResourceTypeFilters=["lambda:function"]
        )
        return {r["ResourceARN"]: {t["Key"]: t["Value"] for t in r.get("Tags", [])}
                for page in pages for r in page["ResourceTagMappingList"]}

    def _retention(self, configs: list[dict[str, Any]]) -> dict[str, int]:
        groups: dict[str, int] = {}
        paginator = self.client("logs").get_paginator("describe_log_groups")
        custom = {(c.get("LoggingConfig") or {}).get("LogGroup") or "/aws/lambda/" for c in configs}
        prefixes = {"/aws/lambda/"} | {g for g in custom if not g.startswith("/aws/lambda/")}
        for prefix in sorted(prefixes):
            for page in paginator.paginate(logGroupNamePrefix=prefix):
                groups.update({g["logGroupName"]: g.get("retentionInDays", 0) for g in page["logGroups"]})
        return groups

    def _zones(self, configs: list[dict[str, Any]]) -> dict[str, str]:
        subnets = sorted({s for c in configs for s in c.get("VpcConfig", {}).get("SubnetIds", [])})
        if not subnets:
            return {}
        response = self.client("ec2").describe_subnets(SubnetIds=subnets)
        return {s["SubnetId"]: s["AvailabilityZone"] for s in response["Subnets"]}

    def _failure_destinations(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for page in self.lam.get_paginator("list_event_source_mappings").paginate():
            for mapping in page["EventSourceMappings"]:
                target = mapping.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
                if target:
                    found[mapping["FunctionArn"]] = target
        return found

    def _keys(self, configs: list[dict[str, Any]]) -> dict[str, KeyFacts | str]:
        found: dict[str, KeyFacts | str] = {}
        for key_arn in sorted({c["KMSKeyArn"] for c in configs if c.get("KMSKeyArn")}):
            kms = self.client("kms")
            try:
                meta = kms.describe_key(KeyId=key_arn)["KeyMetadata"]
                customer = meta.get("KeyManager") == "CUSTOMER"
                rotation = kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"] if customer else True
                found[key_arn] = KeyFacts(key_id=key_arn, state=_KEY_STATES.get(meta.get("KeyState", ""), "other"),
                                          customer_managed=customer, rotation_enabled=rotation)
            except _AWS_ERRORS as exc:
                found[key_arn] = describe(exc, "kms:DescribeKey")
        return found

    def _function(self, cfg: dict[str, Any], region_facts: dict[str, Any]) -> ServerlessFunction:
        arn = cfg["FunctionArn"]
        fn = ServerlessFunction(provider="aws", account=self.account.id, account_name=self.account.name,
                                region=self.region, id=arn, name=cfg["FunctionName"], kind="lambda")
        assign(fn, LAMBDA_FIXED_FACTS)
        _configuration_facts(fn, cfg)
        _region_facts(fn, cfg, region_facts)
        self._identity(fn, cfg)
        self._invocation(fn)
        self._code_signing(fn)
        self.progress.advance()
        return fn

    def _identity(self, fn: ServerlessFunction, cfg: dict[str, Any]) -> None:
        role_arn = cfg.get("Role", "")
        fn.identity.kind = "aws_iam_role"
        fn.identity.principal = role_arn
        fn.identity.name = role_arn.rsplit("/", 1)[-1]
        facts = self.iam.facts(role_arn)
        if isinstance(facts, str):
            for path in ("admin", "wildcard", "privilege_escalation", "modify_functions"):
                fn.mark_unknown(f"identity.{path}", facts)
        else:
            fn.identity.admin = facts.admin
            fn.identity.wildcard = facts.wildcard
            fn.identity.privilege_escalation = facts.privilege_escalation
            fn.identity.modify_functions = other_function_grants(facts, fn.id)
        trust = self.iam.trust(role_arn)
        if isinstance(trust, str):
            fn.mark_unknown("identity.trust", trust)
        else:
            fn.identity.trust = trust

    def _invocation(self, fn: ServerlessFunction) -> None:
        policy: str | None = None
        url: dict[str, Any] | None = None
        try:
            policy = self.lam.get_policy(FunctionName=fn.id)["Policy"]
        except _AWS_ERRORS as exc:
            if not is_not_found(exc):
                fn.mark_unknown("network.invocation", describe(exc, "lambda:GetPolicy"))
        try:
            url = self.lam.get_function_url_config(FunctionName=fn.id)
            cors = url.get("Cors") or {}
            fn.network.endpoint_url = url["FunctionUrl"]
            fn.network.public_ingress = True
            fn.network.cors = Cors(allowed_origins=cors.get("AllowOrigins", []),
                                   allow_credentials=bool(cors.get("AllowCredentials")))
        except _AWS_ERRORS as exc:
            if is_not_found(exc):
                fn.network.endpoint_url, fn.network.public_ingress, fn.network.cors = None, None, None
            else:
                for path in ("network.invocation", "network.cors", "network.endpoint_url", "network.public_ingress"):
                    fn.mark_unknown(path, describe(exc, "lambda:GetFunctionUrlConfig"))
        try:
            fn.network.invocation = invocation_paths(policy, url, fn.account)
        except PolicyError as exc:
            fn.mark_unknown("network.invocation", f"resource policy could not be read: {exc}")
            fn.network.invocation = []

    def _code_signing(self, fn: ServerlessFunction) -> None:
        try:
            config_arn = self.lam.get_function_code_signing_config(FunctionName=fn.id).get("CodeSigningConfigArn")
            if not config_arn:
                fn.supply_chain.code_signing = "none"
                return
            policies = self.lam.get_code_signing_config(CodeSigningConfigArn=config_arn)["CodeSigningConfig"]
            mode = policies.get("CodeSigningPolicies", {}).get("UntrustedArtifactOnDeployment", "Warn")
            fn.supply_chain.code_signing = "enforce" if mode == "Enforce" else "warn"
        except _AWS_ERRORS as exc:
            fn.mark_unknown("supply_chain.code_signing", describe(exc, "lambda:GetCodeSigningConfig"))


class _Failed(str):
    """A region-wide read that failed; the text is the reason."""


def parse_runtime(name: str) -> tuple[str | None, str | None]:
    match = _RUNTIME.match(name)
    return (match.group(1), match.group(2)) if match else (None, None)


def _configuration_facts(fn: ServerlessFunction, cfg: dict[str, Any]) -> None:
    """Facts that list_functions already returns."""
    runtime = cfg.get("Runtime")
    fn.runtime.package_type = cfg.get("PackageType", "Zip")
    fn.runtime.architectures = cfg.get("Architectures", [])
    if runtime:
        fn.runtime.name = runtime
        fn.runtime.language, fn.runtime.version = parse_runtime(runtime)
        fn.runtime.deprecated_on = runtimes.end_of_support("aws", runtime)
        fn.runtime.lifecycle_source = runtimes.data_version()

    environment = cfg.get("Environment") or {}
    if "Error" in environment:
        code = environment["Error"].get("ErrorCode")
        fn.mark_unknown("secrets.settings", f"environment could not be decrypted: {code}")
    fn.secrets.settings = [classify(k, v) for k, v in (environment.get("Variables") or {}).items()]

    fn.encryption.https_only = True  # Lambda's invoke and URL endpoints accept only HTTPS
    fn.encryption.min_tls_version = "1.2"

    vpc = cfg.get("VpcConfig") or {}
    subnets = vpc.get("SubnetIds") or []
    fn.network.private_network.attached = bool(subnets)
    fn.network.private_network.network_id = vpc.get("VpcId") or None
    fn.network.private_network.subnets = subnets
    fn.network.private_network.security_groups = vpc.get("SecurityGroupIds") or []
    # Attached to a VPC, a function's every outbound connection leaves through the VPC.
    fn.network.private_network.egress_via_private = bool(subnets)

    fn.monitoring.tracing = (cfg.get("TracingConfig") or {}).get("Mode") == "Active"
    fn.monitoring.failure_destination = (cfg.get("DeadLetterConfig") or {}).get("TargetArn")

    fn.supply_chain.layers = [
        Layer(id=layer["Arn"], owner=layer["Arn"].split(":")[4], external=layer["Arn"].split(":")[4] != fn.account)
        for layer in cfg.get("Layers", [])
    ]


def _region_facts(fn: ServerlessFunction, cfg: dict[str, Any], facts: dict[str, Any]) -> None:
    tags, retention, zones, mappings, keys = (facts[k] for k in ("tags", "retention", "zones", "mappings", "keys"))
    if isinstance(tags, _Failed):
        fn.mark_unknown("tags", tags)
    else:
        fn.tags = tags.get(fn.id, {})

    log_group = (cfg.get("LoggingConfig") or {}).get("LogGroup") or f"/aws/lambda/{fn.name}"
    if isinstance(retention, _Failed):
        fn.mark_unknown("monitoring.log_retention_days", retention)
    else:
        # A group that does not exist yet is created on first invocation with no expiry.
        fn.monitoring.log_retention_days = retention.get(log_group, 0)

    if isinstance(zones, _Failed):
        fn.mark_unknown("network.private_network.availability_zones", zones)
    elif fn.network.private_network.attached:
        fn.network.private_network.availability_zones = sorted(
            {zones[s] for s in fn.network.private_network.subnets if s in zones}
        )
    else:
        fn.network.private_network.availability_zones = None

    if isinstance(mappings, _Failed):
        if not fn.monitoring.failure_destination:
            fn.mark_unknown("monitoring.failure_destination", mappings)
    elif not fn.monitoring.failure_destination:
        fn.monitoring.failure_destination = mappings.get(fn.id)

    key_arn = cfg.get("KMSKeyArn")
    fn.encryption.cmk = None  # absent KMSKeyArn: an AWS-owned key
    if key_arn:
        key = keys.get(key_arn, "not read") if not isinstance(keys, _Failed) else keys
        if isinstance(key, str):
            fn.mark_unknown("encryption.cmk", key)
        elif key.customer_managed:
            fn.encryption.cmk = key
