"""The demo's AWS estate: a dozen Lambda functions, good and bad, seeded into a moto server
through the real AWS APIs (the same calls a deployment would make)."""

from __future__ import annotations

import io
import json
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import boto3

DEMO_ACCOUNT = "123456789012"
PARTNER_ACCOUNT = "210987654321"
LAYER_ACCOUNT = "999888777666"
REGIONS = ("us-east-1", "eu-west-1")

LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
BASIC_LOGS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                   "Resource": "arn:aws:logs:*:123456789012:log-group:/aws/lambda/*"}],
}


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


ROLES: dict[str, dict[str, Any]] = {
    "orders-admin": {"managed": ["arn:aws:iam::aws:policy/AdministratorAccess"]},
    "deployer": {"inline": _policy({"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction",
                                                                   "lambda:UpdateFunctionCode"], "Resource": "*"})},
    "reader": {"inline": BASIC_LOGS},
    "shared-worker": {"inline": _policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})},
    "partner-trust": {
        "inline": BASIC_LOGS,
        "trust": _policy(
            LAMBDA_TRUST["Statement"][0],
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER_ACCOUNT}:root"},
             "Action": "sts:AssumeRole"},
        ),
    },
}


@dataclass
class DemoFunction:
    name: str
    runtime: str
    role: str
    region: str = "us-east-1"
    env: dict[str, str] = field(default_factory=dict)
    url_auth: str | None = None
    cors: dict[str, Any] | None = None
    permissions: list[dict[str, Any]] = field(default_factory=list)
    cmk: bool = False
    cmk_disabled: bool = False  # a key that was switched off, without rotation
    vpc_subnets: int = 0
    tracing: bool = False
    log_retention: int | None = None
    layers: list[str] = field(default_factory=list)  # layer version ARNs
    tags: dict[str, str] = field(default_factory=dict)
    dead_letter: str | None = None  # a queue ARN: moto drops it, the proxy overlay adds it back


# Fake credentials in the demo are shaped like real ones so detectors recognise them.
FUNCTIONS = [
    DemoFunction("orders-api", "python3.12", "orders-admin", url_auth="NONE",
                 permissions=[{"StatementId": "FunctionURLAllowPublicAccess", "Principal": "*",
                               "Action": "lambda:InvokeFunctionUrl", "FunctionUrlAuthType": "NONE"}],
                 cors={"AllowOrigins": ["*"], "AllowCredentials": False},
                 env={"TABLE_NAME": "orders", "DB_PASSWORD": "Sup3r-Secret-Passw0rd!"},
                 tags={"team": "commerce", "env": "prod"}),
    DemoFunction("payments-webhook", "nodejs18.x", "reader", url_auth="NONE",
                 permissions=[{"StatementId": "public-invoke", "Principal": "*"},
                              {"StatementId": "FunctionURLAllowPublicAccess", "Principal": "*",
                               "Action": "lambda:InvokeFunctionUrl", "FunctionUrlAuthType": "NONE"}],
                 env={"STRIPE_API_KEY": "sk_live_51H8xYzAbCdEfGhIjKlMnOpQrStUvWx", "LOG_LEVEL": "info"},
                 tags={"team": "payments"}),
    DemoFunction("image-resizer", "python3.13", "reader", cmk=True, vpc_subnets=2, tracing=True, log_retention=30,
                 dead_letter=f"arn:aws:sqs:us-east-1:{DEMO_ACCOUNT}:image-resizer-dlq",
                 env={"BUCKET": "images-prod", "DB_SECRET_ARN":
                      f"arn:aws:secretsmanager:us-east-1:{DEMO_ACCOUNT}:secret:resizer-db-AbCdEf"},
                 permissions=[{"StatementId": "s3-trigger", "Principal": "s3.amazonaws.com",
                               "SourceArn": "arn:aws:s3:::images-prod", "SourceAccount": DEMO_ACCOUNT}],
                 tags={"team": "media", "env": "prod"}),
    DemoFunction("report-builder", "python3.9", "deployer",
                 env={"REPORT_BUCKET": "reports", "API_TOKEN_ARN":
                      f"arn:aws:ssm:us-east-1:{DEMO_ACCOUNT}:parameter/report/token"}),
    DemoFunction("internal-auth", "python3.12", "reader", url_auth="AWS_IAM", cmk=True, tracing=True,
                 log_retention=90, cors={"AllowOrigins": ["https://portal.example.com"], "AllowCredentials": True},
                 env={"ISSUER": "https://login.example.com"}),
    DemoFunction("partner-sync", "java17", "partner-trust",
                 permissions=[{"StatementId": "partner", "Principal": f"arn:aws:iam::{PARTNER_ACCOUNT}:root"}]),
    DemoFunction("sns-fanout", "nodejs22.x", "reader",
                 permissions=[{"StatementId": "sns", "Principal": "sns.amazonaws.com"}]),
    DemoFunction("thumbnail-worker", "python3.12", "shared-worker", log_retention=14),
    DemoFunction("video-worker", "python3.12", "shared-worker", log_retention=14),
    DemoFunction("analytics-etl", "python3.11", "reader",
                 layers=[f"arn:aws:lambda:us-east-1:{LAYER_ACCOUNT}:layer:pandas-fast:3"],
                 env={"GITHUB_TOKEN": "ghp_R4nd0mT0k3nV4lu3F0rD3m0Purp0s3sXyZ12"}),
    DemoFunction("health-check", "nodejs22.x", "reader", tracing=True, log_retention=7, region="eu-west-1"),
    DemoFunction("sso-callback", "nodejs22.x", "reader", url_auth="AWS_IAM", cmk=True, cmk_disabled=True,
                 vpc_subnets=1, tracing=True, log_retention=30, region="eu-west-1",
                 cors={"AllowOrigins": ["*"], "AllowCredentials": True},
                 env={"SESSION_SECRET_NAME": "sso/session", "ADMIN_PASSWORD": "x7k2"}),
    DemoFunction("billing-export", "python3.10", "reader", region="eu-west-1",
                 env={"EXPORT_KEY_ID": "AKIAZ7EXAMPLEDEMO123", "CURRENCY": "EUR"}),
]


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


def seed_function(c: dict[str, Any], spec: DemoFunction, role_arn: str, code: bytes) -> dict[str, Any]:
    """Create the function; return the fields moto drops, for the proxy overlay."""
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
    if spec.vpc_subnets:
        sg = c["ec2"].describe_security_groups()["SecurityGroups"][0]["GroupId"]
        kwargs["VpcConfig"] = {"SubnetIds": _subnets(c["ec2"], spec.vpc_subnets), "SecurityGroupIds": [sg]}
    if spec.layers:
        # moto cannot resolve another account's layer, so the overlay carries it as AWS reports it.
        dropped["Layers"] = [{"Arn": arn, "CodeSize": 4096} for arn in spec.layers]
    c["lambda"].create_function(**kwargs)
    for permission in spec.permissions:
        c["lambda"].add_permission(**{"FunctionName": spec.name, "Action": "lambda:InvokeFunction", **permission})
    if spec.url_auth:
        url: dict[str, Any] = {"FunctionName": spec.name, "AuthType": spec.url_auth}
        if spec.cors:
            url["Cors"] = spec.cors
        c["lambda"].create_function_url_config(**url)
    if spec.log_retention:
        group = f"/aws/lambda/{spec.name}"
        c["logs"].create_log_group(logGroupName=group)
        c["logs"].put_retention_policy(logGroupName=group, retentionInDays=spec.log_retention)
    return dropped


def seed(endpoint: str, functions: list[DemoFunction] | None = None,
         roles: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """Create the roles once and every function in its region (regions in parallel, as moto
    serves them independently); return the proxy overlay."""
    functions = FUNCTIONS if functions is None else functions
    role_arns = seed_roles(_clients(endpoint, REGIONS[0])["iam"], ROLES if roles is None else roles)
    code = _zip()
    regions = sorted({spec.region for spec in functions})
    clients = {region: _clients(endpoint, region) for region in regions}

    def seed_region(region: str) -> dict[str, dict[str, Any]]:
        dropped = {spec.name: seed_function(clients[region], spec, role_arns[spec.role], code)
                   for spec in functions if spec.region == region}
        return {name: fields for name, fields in dropped.items() if fields}

    with ThreadPoolExecutor(max(1, len(regions))) as pool:
        return {name: fields for part in pool.map(seed_region, regions) for name, fields in part.items()}
