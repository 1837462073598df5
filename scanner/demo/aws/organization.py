"""An AWS Organization with member accounts seeded straight into moto's backends, for estates too big to
create one API call at a time (the organisation-scale benchmark: 20,000 functions).

Through boto3 and a moto server each Lambda call costs ~8 ms (2 cores, any number of threads: moto serves
them under one GIL), so 20,000 functions with their permissions, URLs and aliases take minutes. Here the
same seeding code (scanner.demo.aws.estate.seed_function and seed_roles) runs against adapters that hand
each call's request body to the moto backend method that moto's own HTTP handler would call, in the
process that then serves those backends over HTTP: the stored models are the ones the API calls would
have made (tests/test_demo_organization.py compares the two), ~100x faster. The scanner still reads
everything over HTTP from that server, in another process.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scanner.demo.aws.estate import seed_function, seed_roles
from scanner.demo.aws.fixtures import DemoFunction
from scanner.demo.aws.responses import Recorded

MANAGEMENT_ACCOUNT = "123456789012"  # moto's default account: the organisation's management account
ORG_ROLE = "OrganizationAccountAccessRole"  # the role Organizations creates in every new member account


def _request(params: dict[str, Any], *in_path: str) -> dict[str, Any]:
    """The JSON body boto3 sends: every parameter but those it puts in the path or the query string."""
    return {key: value for key, value in params.items() if key not in ("FunctionName", "Qualifier", *in_path)}


class DirectLambda:
    """The Lambda calls seed_function makes, shaped like boto3's client, answered by moto's backend for
    one account and region (the calls moto.awslambda.responses makes for each request)."""

    def __init__(self, account: str, region: str) -> None:
        from moto.awslambda.models import lambda_backends

        self.backend = lambda_backends[account][region]

    def create_function(self, **params: Any) -> dict[str, Any]:
        body = {**params, "Code": {**params["Code"], "ZipFile": base64.b64encode(params["Code"]["ZipFile"]).decode()}}
        return self.backend.create_function(body).get_configuration(on_create=True)  # type: ignore[no-any-return]

    def add_permission(self, **params: Any) -> dict[str, Any]:
        statement = self.backend.add_permission(params["FunctionName"], params.get("Qualifier"),
                                                json.dumps(_request(params)))
        return {"Statement": json.dumps(statement)}

    def create_function_url_config(self, **params: Any) -> dict[str, Any]:
        return self.backend.create_function_url_config(params["FunctionName"], _request(params)).to_dict()  # type: ignore[no-any-return]

    def put_function_event_invoke_config(self, **params: Any) -> dict[str, Any]:
        return self.backend.put_function_event_invoke_config(params["FunctionName"], _request(params))  # type: ignore[no-any-return]

    def publish_version(self, **params: Any) -> dict[str, Any]:
        version = self.backend.publish_version(params["FunctionName"], params.get("Description", ""))
        return version.get_configuration()  # type: ignore[no-any-return]

    def create_alias(self, **params: Any) -> dict[str, Any]:
        alias = self.backend.create_alias(name=params["Name"], function_name=params["FunctionName"],
                                          function_version=params["FunctionVersion"],
                                          description=params.get("Description", ""),
                                          routing_config=params.get("RoutingConfig"))
        return alias.to_json()  # type: ignore[no-any-return]


class DirectIam:
    """The IAM calls seed_roles makes, answered by moto's IAM backend of one account."""

    def __init__(self, account: str) -> None:
        from moto.iam.models import iam_backends

        self.backend = iam_backends[account]["global"]

    def create_role(self, **params: Any) -> dict[str, Any]:
        role = self.backend.create_role(params["RoleName"], params["AssumeRolePolicyDocument"], params.get("Path"),
                                        None, params.get("Description"), [], params.get("MaxSessionDuration", 3600))
        return {"Role": {"Arn": role.arn, "RoleName": role.name}}

    def attach_role_policy(self, **params: Any) -> None:
        self.backend.attach_role_policy(params["PolicyArn"], params["RoleName"])

    def put_role_policy(self, **params: Any) -> None:
        self.backend.put_role_policy(params["RoleName"], params["PolicyName"], params["PolicyDocument"])


def create_organization(members: int) -> list[str]:
    """An organisation (all features) run from the management account, with ``members`` new member
    accounts; moto gives each new account its OrganizationAccountAccessRole, as AWS does
    (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_create-cross-account-role.html).
    Returns the member account ids in creation order."""
    from moto.organizations.models import organizations_backends

    org = organizations_backends[MANAGEMENT_ACCOUNT]["aws"]
    org.create_organization(region="us-east-1", FeatureSet="ALL")
    return [org.create_account(AccountName=f"workloads-{i:02d}", Email=f"workloads-{i:02d}@example.com")
            ["CreateAccountStatus"]["AccountId"] for i in range(members)]


@dataclass
class AccountEstate:
    """One member account's roles (as estate.seed_roles takes them) and functions."""

    account: str
    functions: list[DemoFunction]
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)


def seed_account(estate: AccountEstate, code: bytes) -> Recorded:
    """Seed one account's roles and functions through the backend adapters; what the proxy must serve in
    moto's place comes back as seed_function records it. Only the Lambda calls are adapted: a spec that
    needs KMS, EC2 or CloudWatch Logs (cmk, vpc_subnets, log_retention) raises KeyError."""
    role_arns = seed_roles(DirectIam(estate.account), estate.roles)
    clients: dict[str, dict[str, Any]] = {}
    recorded = Recorded()
    for spec in estate.functions:
        if spec.region not in clients:
            clients[spec.region] = {"lambda": DirectLambda(estate.account, spec.region)}
        seed_function(clients[spec.region], spec, role_arns[spec.role], code, recorded)
    return recorded


def attached_aws_policies_only(accounts: list[str]) -> None:
    """Keep in each account's IAM only the AWS-managed policies something is attached to.
    GetAccountAuthorizationDetails lists AWS-managed policies only where attached (AWS's behaviour, noted
    in https://github.com/cloudquery/cloudquery/pull/13322); moto lists all ~1,600 it loads, ~5 s and
    ~2 MB of XML per account, a cost per account that no real organisation pays."""
    from moto.iam.models import iam_backends

    for account in accounts:
        iam = iam_backends[account]["global"]
        unused = {p.arn for p in iam.aws_managed_policies if p.attachment_count == 0}
        iam.aws_managed_policies = [p for p in iam.aws_managed_policies if p.arn not in unused]
        for arn in unused:
            del iam.managed_policies[arn]


# A read of every service a scan calls: moto imports a service's code and builds its URL map on the first
# request to it (up to ~5 s, once per server), an emulator cost no real AWS endpoint has.
WARM_UP = (("sts", "get_caller_identity"), ("organizations", "describe_organization"), ("iam", "list_roles"),
           ("lambda", "list_functions"), ("lambda", "list_event_source_mappings"), ("apigateway", "get_rest_apis"),
           ("apigatewayv2", "get_apis"), ("elbv2", "describe_load_balancers"), ("sns", "list_subscriptions"),
           ("sqs", "list_queues"), ("s3", "list_buckets"), ("logs", "describe_log_groups"),
           ("resourcegroupstaggingapi", "get_resources"), ("ec2", "describe_security_groups"), ("kms", "list_keys"))


def serve_warm(port: int, ready: Callable[[], None]) -> None:
    """Serve this process's moto backends on a loopback port, warm every service a scan reads, call
    ``ready``, and serve until the process is ended (SIGTERM)."""
    import boto3
    from botocore.config import Config
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    patient = Config(read_timeout=900, retries={"max_attempts": 1})  # a cold service on a busy machine: minutes
    for service, read in WARM_UP:
        getattr(session.client(service, endpoint_url=f"http://127.0.0.1:{port}", config=patient), read)()
    ready()
    threading.Event().wait()
