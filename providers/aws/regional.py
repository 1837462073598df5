"""Region-wide reads: one call (or one paginated listing) answers a fact for every function of the
region, so no per-function request is spent on it.

Lambda's quotas are per account and region: GetFunction 100 requests/s, GetPolicy 15/s, and every
other control-plane call 15/s shared (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
Code signing is therefore read per code-signing configuration, not per function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from botocore.exceptions import BotoCoreError, ClientError

from providers.aws.errors import describe
from scanner.inventory import KeyFacts

AWS_ERRORS = (ClientError, BotoCoreError)
_KEY_STATES = {"Enabled": "enabled", "Disabled": "disabled", "PendingDeletion": "pending_deletion",
               "PendingImport": "pending_import", "Unavailable": "unavailable"}
SigningMode = Literal["enforce", "warn", "none"]
_SIGNING_MODES: dict[str, SigningMode] = {"Enforce": "enforce", "Warn": "warn"}


class Failed(str):
    """A read that failed; the text is the reason."""


def attempt(call: Callable[[], Any], what: str) -> Any:
    """A region-wide read; its failure becomes an unknown fact on the functions that need it, not a crash."""
    try:
        return call()
    except AWS_ERRORS as exc:
        return Failed(describe(exc, what))


def mapping_destinations(mappings: list[dict[str, Any]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for mapping in mappings:
        target = (mapping.get("DestinationConfig") or {}).get("OnFailure", {}).get("Destination")
        if target:
            found[unqualified(mapping["FunctionArn"])] = target
    return found


def unqualified(function_arn: str) -> str:
    """arn:aws:lambda:REGION:ACCOUNT:function:NAME, without a version or alias suffix."""
    return ":".join(function_arn.split(":")[:7])


class RegionReads:
    def __init__(self, client: Callable[[str], Any], lam: Any, configs: list[dict[str, Any]]) -> None:
        self.client, self.lam, self.configs = client, lam, configs

    def all(self) -> dict[str, Any]:
        mappings = attempt(self.event_source_mappings, "lambda:ListEventSourceMappings")
        return {
            "tags": attempt(self.tags, "tag:GetResources"),
            "retention": attempt(self.retention, "logs:DescribeLogGroups"),
            "zones": attempt(self.zones, "ec2:DescribeSubnets"),
            "event_source_mappings": mappings,
            "mappings": mappings if isinstance(mappings, Failed) else mapping_destinations(mappings),
            "keys": attempt(self.keys, "kms:DescribeKey"),
            "signing": attempt(self.code_signing, "lambda:ListCodeSigningConfigs"),
        }

    def tags(self) -> dict[str, dict[str, str]]:
        pages = self.client("resourcegroupstaggingapi").get_paginator("get_resources").paginate(
            ResourceTypeFilters=["lambda:function"]
        )
        return {r["ResourceARN"]: {t["Key"]: t["Value"] for t in r.get("Tags", [])}
                for page in pages for r in page["ResourceTagMappingList"]}

    def retention(self) -> dict[str, int]:
        groups: dict[str, int] = {}
        paginator = self.client("logs").get_paginator("describe_log_groups")
        custom = {(c.get("LoggingConfig") or {}).get("LogGroup") or "/aws/lambda/" for c in self.configs}
        prefixes = {"/aws/lambda/"} | {g for g in custom if not g.startswith("/aws/lambda/")}
        for prefix in sorted(prefixes):
            for page in paginator.paginate(logGroupNamePrefix=prefix):
                groups.update({g["logGroupName"]: g.get("retentionInDays", 0) for g in page["logGroups"]})
        return groups

    def zones(self) -> dict[str, str]:
        """Zone of every subnet a function names that still exists. Asked with a subnet-id filter rather
        than SubnetIds: with SubnetIds one deleted subnet fails the whole call with
        InvalidSubnetID.NotFound, while a filter simply leaves it out
        (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSubnets.html)."""
        subnets = sorted({s for c in self.configs for s in (c.get("VpcConfig") or {}).get("SubnetIds") or []})
        if not subnets:
            return {}
        pages = self.client("ec2").get_paginator("describe_subnets").paginate(
            Filters=[{"Name": "subnet-id", "Values": subnets}])
        return {s["SubnetId"]: s["AvailabilityZone"] for page in pages for s in page["Subnets"]}

    def event_source_mappings(self) -> list[dict[str, Any]]:
        """Every mapping of the region: on-failure destinations, and the queues in front of functions."""
        return [m for page in self.lam.get_paginator("list_event_source_mappings").paginate()
                for m in page["EventSourceMappings"]]

    def keys(self) -> dict[str, KeyFacts | str]:
        found: dict[str, KeyFacts | str] = {}
        for key_arn in sorted({c["KMSKeyArn"] for c in self.configs if c.get("KMSKeyArn")}):
            kms = self.client("kms")
            try:
                meta = kms.describe_key(KeyId=key_arn)["KeyMetadata"]
                customer = meta.get("KeyManager") == "CUSTOMER"
                rotation = kms.get_key_rotation_status(KeyId=key_arn)["KeyRotationEnabled"] if customer else True
                found[key_arn] = KeyFacts(key_id=key_arn, state=_KEY_STATES.get(meta.get("KeyState", ""), "other"),
                                          customer_managed=customer, rotation_enabled=rotation)
            except AWS_ERRORS as exc:
                found[key_arn] = describe(exc, "kms:DescribeKey")
        return found

    def code_signing(self) -> dict[str, SigningMode]:
        """Unqualified function ARN -> enforce | warn, for every function that has a code-signing
        configuration; a function not listed has none. One ListCodeSigningConfigs for the region and one
        ListFunctionsByCodeSigningConfig per configuration, instead of a call per function."""
        modes: dict[str, SigningMode] = {}
        for page in self.lam.get_paginator("list_code_signing_configs").paginate():
            for config in page["CodeSigningConfigs"]:
                policy = (config.get("CodeSigningPolicies") or {}).get("UntrustedArtifactOnDeployment", "Warn")
                users = self.lam.get_paginator("list_functions_by_code_signing_config").paginate(
                    CodeSigningConfigArn=config["CodeSigningConfigArn"])
                for users_page in users:
                    modes.update({unqualified(arn): _SIGNING_MODES.get(policy, "warn")
                                  for arn in users_page["FunctionArns"]})
        return modes
