"""Seed front doors (API Gateway REST and HTTP APIs, Application Load Balancers, SNS topics, SQS
queues, S3 buckets) into moto through the real AWS APIs, the calls a deployment would make.
Moto stores these faithfully (see the demo's cloud API notes), so nothing is recorded for the proxy."""

from __future__ import annotations

import json
from typing import Any

import boto3

from scanner.demo.aws.fixtures import DEMO_ACCOUNT

EVERYONE_STATEMENT = {"Effect": "Allow", "Principal": "*"}


def clients(endpoint: str, region: str = "us-east-1") -> dict[str, Any]:
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region)
    names = ("lambda", "apigateway", "apigatewayv2", "elbv2", "ec2", "sns", "sqs", "s3", "s3control")
    return {name: session.client(name, endpoint_url=endpoint) for name in names}


def function_arn(name: str, region: str = "us-east-1") -> str:
    return f"arn:aws:lambda:{region}:{DEMO_ACCOUNT}:function:{name}"


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def rest_api(c: dict[str, Any], name: str, path: str, uri_function: str, *, method: str = "GET",
             authorization: str = "NONE", api_key: bool = False, endpoint_type: str = "REGIONAL",
             resource_policy: str | None = None, stages: dict[str, dict[str, str]] | None = None) -> str:
    """A REST API with one method on /PATH integrated (AWS_PROXY) with ``uri_function`` (an ARN, which
    may hold ${stageVariables.x}); deployed to each stage with its variables. Returns the API id."""
    ag = c["apigateway"]
    kwargs: dict[str, Any] = {"name": name, "endpointConfiguration": {"types": [endpoint_type]}}
    if resource_policy:
        kwargs["policy"] = resource_policy
    api = ag.create_rest_api(**kwargs)["id"]
    root = ag.get_resources(restApiId=api)["items"][0]["id"]
    resource = ag.create_resource(restApiId=api, parentId=root, pathPart=path.strip("/"))["id"]
    method_kwargs: dict[str, Any] = {}
    if authorization in ("COGNITO_USER_POOLS", "CUSTOM"):
        method_kwargs["authorizerId"] = ag.create_authorizer(
            restApiId=api, name=f"{name}-auth", type="COGNITO_USER_POOLS" if authorization != "CUSTOM" else "TOKEN",
            providerARNs=[f"arn:aws:cognito-idp:us-east-1:{DEMO_ACCOUNT}:userpool/us-east-1_demo"],
            identitySource="method.request.header.Authorization",
            **({"authorizerUri": _uri(function_arn("authorizer"))} if authorization == "CUSTOM" else {}),
        )["id"]
    ag.put_method(restApiId=api, resourceId=resource, httpMethod=method, authorizationType=authorization,
                  apiKeyRequired=api_key, **method_kwargs)
    ag.put_integration(restApiId=api, resourceId=resource, httpMethod=method, type="AWS_PROXY",
                       integrationHttpMethod="POST", uri=_uri(uri_function))
    for stage, variables in (stages or {"prod": {}}).items():
        ag.create_deployment(restApiId=api, stageName=stage, variables=variables)
    return str(api)


def _uri(target: str) -> str:
    return f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{target}/invocations"


def http_api(c: dict[str, Any], name: str, route: str, target: str, *, authorization: str = "NONE") -> str:
    """An HTTP API with one route integrated with the function ARN ``target``, on a $default stage."""
    gw = c["apigatewayv2"]
    api = gw.create_api(Name=name, ProtocolType="HTTP")["ApiId"]
    integration = gw.create_integration(ApiId=api, IntegrationType="AWS_PROXY", IntegrationUri=target,
                                        PayloadFormatVersion="2.0")["IntegrationId"]
    route_kwargs: dict[str, Any] = {"AuthorizationType": authorization}
    if authorization == "JWT":
        route_kwargs["AuthorizerId"] = gw.create_authorizer(
            ApiId=api, Name=f"{name}-jwt", AuthorizerType="JWT", IdentitySource=["$request.header.Authorization"],
            JwtConfiguration={"Audience": ["orders"], "Issuer": "https://login.example.com"})["AuthorizerId"]
    gw.create_route(ApiId=api, RouteKey=route, Target=f"integrations/{integration}", **route_kwargs)
    gw.create_stage(ApiId=api, StageName="$default")
    return str(api)


def grant_api(c: dict[str, Any], name: str, api: str, region: str = "us-east-1") -> None:
    """The permission the console adds for an API integration: apigateway.amazonaws.com from that API only."""
    c["lambda"].add_permission(FunctionName=name, StatementId=f"apigw-{api}", Action="lambda:InvokeFunction",
                               Principal="apigateway.amazonaws.com", SourceArn=execute_api_source(api, region))


def execute_api_source(api: str, region: str = "us-east-1") -> str:
    """The SourceArn a function's permission names to admit every stage, method and path of the API."""
    return f"arn:aws:execute-api:{region}:{DEMO_ACCOUNT}:{api}/*/*/*"


def load_balancer(c: dict[str, Any], name: str, target: str, *, scheme: str = "internet-facing",
                  open_cidr: str = "0.0.0.0/0", authenticate: bool = False) -> str:
    """An ALB with an HTTP:80 listener whose default rule forwards to a lambda target group holding
    ``target`` (after an authenticate-oidc action when asked); its security group admits ``open_cidr``
    on 80. Returns the target group ARN (the SourceArn the function's policy must admit)."""
    ec2 = c["ec2"]
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.30.{i}.0/24", AvailabilityZone=z)["Subnet"]["SubnetId"]
               for i, z in enumerate(zones)]
    group = ec2.create_security_group(GroupName=f"{name}-sg", Description="alb", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": open_cidr}]}])
    elb = c["elbv2"]
    lb = elb.create_load_balancer(Name=name, Subnets=subnets, SecurityGroups=[group], Scheme=scheme,
                                  Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elb.create_target_group(Name=f"{name}-tg", TargetType="lambda")["TargetGroups"][0]["TargetGroupArn"]
    c["lambda"].add_permission(FunctionName=target, StatementId=f"{name}-elb", Action="lambda:InvokeFunction",
                               Principal="elasticloadbalancing.amazonaws.com", SourceArn=tg)
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": target}])
    actions: list[dict[str, Any]] = []
    if authenticate:
        actions.append({"Type": "authenticate-oidc", "Order": 1, "AuthenticateOidcConfig": {
            "Issuer": "https://login.example.com", "AuthorizationEndpoint": "https://login.example.com/authorize",
            "TokenEndpoint": "https://login.example.com/token", "UserInfoEndpoint": "https://login.example.com/me",
            "ClientId": "orders", "ClientSecret": "not-a-secret-demo", "OnUnauthenticatedRequest": "authenticate"}})
    actions.append({"Type": "forward", "Order": 2, "TargetGroupArn": tg})
    elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=actions)
    return str(tg)


def topic(c: dict[str, Any], name: str, target: str, topic_policy: str | None = None) -> str:
    """A topic with ``target`` subscribed (protocol lambda), and the function's permission for it."""
    arn = c["sns"].create_topic(Name=name)["TopicArn"]
    if topic_policy:
        c["sns"].set_topic_attributes(TopicArn=arn, AttributeName="Policy", AttributeValue=topic_policy)
    c["lambda"].add_permission(FunctionName=target, StatementId=f"{name}-sns", Action="lambda:InvokeFunction",
                               Principal="sns.amazonaws.com", SourceArn=arn)
    c["sns"].subscribe(TopicArn=arn, Protocol="lambda", Endpoint=target)
    return str(arn)


def queue(c: dict[str, Any], name: str, target: str, queue_policy: str | None = None) -> str:
    """A queue with an event source mapping to ``target``."""
    attributes = {"Policy": queue_policy} if queue_policy else {}
    url = c["sqs"].create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = c["sqs"].get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    c["lambda"].create_event_source_mapping(EventSourceArn=arn, FunctionName=target, BatchSize=10)
    return str(arn)


def bucket(c: dict[str, Any], name: str, target: str, *, bucket_policy: str | None = None,
           restrict_public: bool = False) -> str:
    """A bucket whose object-created events invoke ``target``, with the function's permission."""
    s3 = c["s3"]
    s3.create_bucket(Bucket=name)
    if bucket_policy:
        s3.put_bucket_policy(Bucket=name, Policy=bucket_policy)
    if restrict_public:
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True})
    c["lambda"].add_permission(FunctionName=target, StatementId=f"{name}-s3", Action="lambda:InvokeFunction",
                               Principal="s3.amazonaws.com", SourceArn=f"arn:aws:s3:::{name}",
                               SourceAccount=DEMO_ACCOUNT)
    s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": target, "Events": ["s3:ObjectCreated:*"]}]})
    return f"arn:aws:s3:::{name}"
