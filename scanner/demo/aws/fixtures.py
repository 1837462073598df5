"""The demo's AWS estate as data: accounts, roles and a dozen Lambda functions, good and bad.

What moto cannot store the way AWS does (alias policies and URLs, code-signing configurations) is
described here too; scanner.demo.aws.estate turns it into recorded responses for the proxy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
class DemoAlias:
    """An alias with its own resource policy and function URL, which AWS keeps apart from the
    function's (https://docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html)."""

    name: str
    statements: list[dict[str, Any]] = field(default_factory=list)  # as GetPolicy(Qualifier) returns them
    url_auth: str | None = None
    cors: dict[str, Any] | None = None


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
    on_failure: str | None = None  # asynchronous invocation's on-failure destination
    aliases: list[DemoAlias] = field(default_factory=list)
    code_signing: str | None = None  # UntrustedArtifactOnDeployment of its code-signing config
    deleted_subnet: bool = False  # one of its subnets is deleted after the function is created


# The statement the console adds for a URL with AuthType NONE: without it AWS answers 403
# (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html#urls-auth-none).
PUBLIC_URL: dict[str, Any] = {"StatementId": "FunctionURLAllowPublicAccess", "Principal": "*",
                              "Action": "lambda:InvokeFunctionUrl", "FunctionUrlAuthType": "NONE"}

# Fake credentials in the demo are shaped like real ones so detectors recognise them.
FUNCTIONS = [
    DemoFunction("orders-api", "python3.12", "orders-admin", url_auth="NONE",
                 permissions=[PUBLIC_URL],
                 cors={"AllowOrigins": ["*"], "AllowCredentials": False},
                 env={"TABLE_NAME": "orders", "DB_PASSWORD": "Sup3r-Secret-Passw0rd!"},
                 tags={"team": "commerce", "env": "prod"}),
    DemoFunction("payments-webhook", "nodejs18.x", "reader", url_auth="NONE",
                 permissions=[{"StatementId": "public-invoke", "Principal": "*"},
                              PUBLIC_URL],
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
