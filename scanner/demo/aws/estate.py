"""Seed the demo's AWS estate into a moto server through the real AWS APIs (the same calls a
deployment would make), and record for the proxy what moto cannot store the way AWS does."""

from __future__ import annotations

import io
import json
import zipfile
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3

from scanner.demo.aws import front_doors
from scanner.demo.aws.fixtures import FUNCTIONS, LAMBDA_TRUST, REGIONS, ROLES, DemoAlias, DemoFunction
from scanner.demo.aws.responses import CodeSigningConfig, Recorded, url_config


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return {'ok': True}\n")
    return buffer.getvalue()


def _clients(endpoint: str, region: str) -> dict[str, Any]:
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region)
    clients: dict[str, Any] = {name: session.client(name, endpoint_url=endpoint)
                               for name in ("iam", "lambda", "kms", "ec2", "logs")}
    clients["endpoint"] = endpoint
    return clients


def seed_roles(iam: Any, roles: dict[str, dict[str, Any]]) -> dict[str, str]:
    arns = {}
    for name, spec in roles.items():
        arns[name] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(
            spec.get("trust", LAMBDA_TRUST)))["Role"]["Arn"]
        for policy_arn in spec.get("managed", []):
            iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
        if "inline" in spec:
            iam.put_role_policy(RoleName=name, PolicyName=f"{name}-policy", PolicyDocument=json.dumps(spec["inline"]))
    return arns


def _subnets(ec2: Any, count: int) -> list[str]:
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    return [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=zones[i % len(zones)])
            ["Subnet"]["SubnetId"] for i in range(count)]


def seed_function(c: dict[str, Any], spec: DemoFunction, role_arn: str, code: bytes, recorded: Recorded) -> None:
    """Create the function through moto; add to ``recorded`` what moto drops or stores differently."""
    dropped: dict[str, Any] = {}
    kwargs: dict[str, Any] = {
        "FunctionName": spec.name, "Runtime": spec.runtime, "Role": role_arn, "Handler": "handler.handler",
        "Code": {"ZipFile": code}, "Tags": spec.tags,
        "TracingConfig": {"Mode": "Active" if spec.tracing else "PassThrough"},
    }
    if spec.env:
        kwargs["Environment"] = {"Variables": spec.env}
    if spec.cmk:
        kwargs["KMSKeyArn"] = c["kms"].create_key(Description=f"{spec.name} env key")["KeyMetadata"]["Arn"]
        if spec.cmk_disabled:
            c["kms"].disable_key(KeyId=kwargs["KMSKeyArn"].rsplit("/", 1)[-1])  # moto wants the bare id
        else:
            c["kms"].enable_key_rotation(KeyId=kwargs["KMSKeyArn"])
        dropped["KMSKeyArn"] = kwargs["KMSKeyArn"]
    if spec.dead_letter:
        kwargs["DeadLetterConfig"] = dropped["DeadLetterConfig"] = {"TargetArn": spec.dead_letter}
    subnets = _subnets(c["ec2"], spec.vpc_subnets) if spec.vpc_subnets else []
    if subnets:
        sg = c["ec2"].describe_security_groups()["SecurityGroups"][0]["GroupId"]
        kwargs["VpcConfig"] = {"SubnetIds": subnets, "SecurityGroupIds": [sg]}
    if spec.layers:
        # moto cannot resolve another account's layer, so the overlay carries it as AWS reports it.
        dropped["Layers"] = [{"Arn": arn, "CodeSize": 4096} for arn in spec.layers]
    arn = c["lambda"].create_function(**kwargs)["FunctionArn"]
    if spec.deleted_subnet:
        c["ec2"].delete_subnet(SubnetId=subnets[-1])
    for permission in spec.permissions:
        c["lambda"].add_permission(**{"FunctionName": spec.name, "Action": "lambda:InvokeFunction", **permission})
    if spec.url_auth:
        url: dict[str, Any] = {"FunctionName": spec.name, "AuthType": spec.url_auth}
        if spec.cors:
            url["Cors"] = spec.cors
        c["lambda"].create_function_url_config(**url)
    if spec.on_failure:
        c["lambda"].put_function_event_invoke_config(
            FunctionName=spec.name, DestinationConfig={"OnFailure": {"Destination": spec.on_failure}})
    if spec.log_retention:
        group = f"/aws/lambda/{spec.name}"
        c["logs"].create_log_group(logGroupName=group)
        c["logs"].put_retention_policy(logGroupName=group, retentionInDays=spec.log_retention)
    if spec.aliases:
        version = c["lambda"].publish_version(FunctionName=spec.name)["Version"]
        for alias in spec.aliases:
            _seed_alias(c["lambda"], spec.name, arn, version, alias, recorded)
    if spec.code_signing:
        _record_code_signing(arn, spec.code_signing, recorded)
    if dropped:
        recorded.overlay[spec.name] = dropped


def _seed_alias(lam: Any, name: str, arn: str, version: str, alias: DemoAlias, recorded: Recorded) -> None:
    """The alias itself lives in moto; its policy and URL are recorded as AWS keeps them, apart
    from the function's (https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html)."""
    lam.create_alias(FunctionName=name, Name=alias.name, FunctionVersion=version)
    qualified = f"{arn}:{alias.name}"
    if alias.statements:
        statements = [{"Effect": "Allow", "Resource": qualified, **statement} for statement in alias.statements]
        recorded.alias_policies[(name, alias.name)] = {"Version": "2012-10-17", "Id": "default",
                                                       "Statement": statements}
    if alias.url_auth:
        recorded.alias_urls.setdefault(name, []).append(url_config(qualified, alias.url_auth, alias.cors))


def _record_code_signing(arn: str, policy: str, recorded: Recorded) -> None:
    """One configuration per region and policy, shared by the functions that use it, as accounts do."""
    region, account = arn.split(":")[3:5]
    configs = recorded.code_signing.setdefault(region, [])
    config = next((c for c in configs if c.policy == policy), None)
    if config is None:
        config_arn = f"arn:aws:lambda:{region}:{account}:code-signing-config:csc-{len(configs):017x}"
        config = CodeSigningConfig(config_arn, policy)
        configs.append(config)
    config.function_arns.append(arn)


def seed(endpoint: str, functions: list[DemoFunction] | None = None,
         roles: dict[str, dict[str, Any]] | None = None) -> Recorded:
    """Create the roles once and every function in its region (regions in parallel, as moto
    serves them independently); return what the proxy must serve in moto's place."""
    functions = FUNCTIONS if functions is None else functions
    role_arns = seed_roles(_clients(endpoint, REGIONS[0])["iam"], ROLES if roles is None else roles)
    code = _zip()
    regions = sorted({spec.region for spec in functions})
    clients = {region: _clients(endpoint, region) for region in regions}

    def seed_region(region: str) -> Recorded:
        recorded = Recorded()
        for spec in functions:
            if spec.region == region:
                seed_function(clients[region], spec, role_arns[spec.role], code, recorded)
        return recorded

    merged = Recorded()
    with ThreadPoolExecutor(max(1, len(regions))) as pool:
        for part in pool.map(seed_region, regions):
            merged.merge(part)
    if functions is FUNCTIONS:
        _seed_front_doors(endpoint)
    return merged


def _seed_front_doors(endpoint: str) -> None:
    """The demo's front door: a reports API whose GET /reports needs only an API key (a shared key,
    not authentication: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html)."""
    c = front_doors.clients(endpoint)
    api = front_doors.rest_api(c, "reports-api", "/reports", front_doors.function_arn("report-builder"), api_key=True)
    front_doors.grant_api(c, "report-builder", api)
