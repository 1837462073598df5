"""Facts from the function's configuration (what ListFunctions returns) joined with the region-wide
reads. Every fact read is assigned explicitly ([] for "read, and empty"), what Lambda fixes for every
function is in providers.aws.lambda_facts, and a fact that could not be read is marked unknown."""

from __future__ import annotations

import re
from typing import Any

from providers.aws.regional import Failed, SigningMode, unqualified
from scanner import runtimes
from scanner.inventory import (
    EncryptionFacts,
    KeyFacts,
    Layer,
    PrivateNetwork,
    RuntimeFacts,
    SecretFacts,
    ServerlessFunction,
    SupplyChainFacts,
)
from scanner.secret_values import classify

_RUNTIME = re.compile(r"^([a-z]+?)(\d+(?:\.\d+)*)?(?:\.x|\.al2023|\.al2)?$")


def parse_runtime(name: str) -> tuple[str | None, str | None]:
    match = _RUNTIME.match(name)
    return (match.group(1), match.group(2)) if match else (None, None)


def runtime_facts(cfg: dict[str, Any]) -> RuntimeFacts:
    runtime = cfg.get("Runtime")  # absent for container images: the image brings its own runtime
    language, version = parse_runtime(runtime) if runtime else (None, None)
    return RuntimeFacts(
        name=runtime, language=language, version=version,
        deprecated_on=runtimes.end_of_support("aws", runtime) if runtime else None,
        lifecycle_source=runtimes.data_version() if runtime else None,
        package_type=cfg.get("PackageType", "Zip"), architectures=cfg.get("Architectures", []),
    )


def secret_facts(fn: ServerlessFunction, cfg: dict[str, Any]) -> SecretFacts:
    environment = cfg.get("Environment") or {}
    if "Error" in environment:
        code = environment["Error"].get("ErrorCode")
        fn.mark_unknown("secrets.settings", f"environment could not be decrypted: {code}")
    return SecretFacts(settings=[classify(k, v) for k, v in (environment.get("Variables") or {}).items()])


def encryption_facts(fn: ServerlessFunction, cfg: dict[str, Any], keys: dict[str, KeyFacts | str] | Failed
                     ) -> EncryptionFacts:
    cmk: KeyFacts | None = None
    key_arn = cfg.get("KMSKeyArn")
    if key_arn:
        key = keys if isinstance(keys, Failed) else keys.get(key_arn, "not read")
        if isinstance(key, str):
            fn.mark_unknown("encryption.cmk", key)
        elif key.customer_managed:
            cmk = key
    # Lambda's invoke and URL endpoints accept only HTTPS with TLS 1.2 or later.
    return EncryptionFacts(cmk=cmk, https_only=True, min_tls_version="1.2")


def private_network(fn: ServerlessFunction, cfg: dict[str, Any], zones: dict[str, str] | Failed) -> PrivateNetwork:
    """Zones are a fact only of a function in a VPC; only the subnets it names decide them."""
    vpc = cfg.get("VpcConfig") or {}
    subnets = vpc.get("SubnetIds") or []
    found: list[str] | None = None
    if subnets:
        missing = [s for s in subnets if isinstance(zones, Failed) or s not in zones]
        if isinstance(zones, Failed):
            fn.mark_unknown("network.private_network.availability_zones", zones)
        elif missing:
            fn.mark_unknown("network.private_network.availability_zones",
                            f"ec2:DescribeSubnets: subnet(s) {', '.join(missing)} not found (deleted?)")
        else:
            found = sorted({zones[s] for s in subnets})
    return PrivateNetwork(
        attached=bool(subnets), network_id=vpc.get("VpcId") or None, subnets=subnets,
        security_groups=vpc.get("SecurityGroupIds") or [], availability_zones=found,
        # Attached to a VPC, a function's every outbound connection leaves through the VPC.
        egress_via_private=bool(subnets),
    )


def supply_chain_facts(fn: ServerlessFunction, cfg: dict[str, Any], signing: dict[str, SigningMode] | Failed
                       ) -> SupplyChainFacts:
    code_signing: SigningMode | None = None
    if isinstance(signing, Failed):
        fn.mark_unknown("supply_chain.code_signing", signing)
    else:
        code_signing = signing.get(unqualified(fn.id), "none")
    owners = [(layer["Arn"], layer["Arn"].split(":")[4]) for layer in cfg.get("Layers", [])]
    layers = [Layer(id=arn, owner=owner, external=owner != fn.account) for arn, owner in owners]
    return SupplyChainFacts(code_signing=code_signing, layers=layers)


def log_retention(fn: ServerlessFunction, cfg: dict[str, Any], retention: dict[str, int] | Failed) -> int | None:
    if isinstance(retention, Failed):
        fn.mark_unknown("monitoring.log_retention_days", retention)
        return None
    log_group = (cfg.get("LoggingConfig") or {}).get("LogGroup") or f"/aws/lambda/{fn.name}"
    # A group that does not exist yet is created on first invocation with no expiry.
    return retention.get(log_group, 0)


def tags(fn: ServerlessFunction, found: dict[str, dict[str, str]] | Failed) -> dict[str, str]:
    if isinstance(found, Failed):
        fn.mark_unknown("tags", found)
        return {}
    return found.get(fn.id, {})
