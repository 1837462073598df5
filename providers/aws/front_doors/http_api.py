"""HTTP and WebSocket APIs (API Gateway v2) in front of functions: one listing per region, then per
API its routes, integrations and stages (three paginated calls).

A route's authorizationType is NONE (anyone), AWS_IAM (signed callers IAM allows), JWT or CUSTOM (an
authorizer decides); HTTP APIs take no resource policy
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html).
"""

from __future__ import annotations

from typing import Any

from providers.aws.errors import describe
from providers.aws.front_doors.exposure import Exposure
from providers.aws.front_doors.lambda_uri import Unresolved, function_arn
from providers.aws.front_doors.model import Blind, Door, Doors
from providers.aws.front_doors.rest_api import SERVICE, each_api, execute_api_arn, method_sources
from providers.aws.regional import AWS_ERRORS
from scanner.inventory import InvocationPath


def _all(client: Any, operation: str, **kwargs: Any) -> list[dict[str, Any]]:
    return [item for page in client.get_paginator(operation).paginate(**kwargs) for item in page["Items"]]


def read_http_apis(apigw: Any, region: str, account: str) -> Doors:
    return each_api(lambda: _all(apigw, "get_apis"), "apigateway:GET /v2/apis", region, account,
                    lambda api: _api(apigw, region, account, api))


def _api(apigw: Any, region: str, account: str, api: dict[str, Any]) -> Doors:
    base = execute_api_arn(region, account, api["ApiId"])
    try:
        routes = _all(apigw, "get_routes", ApiId=api["ApiId"])
        integrations = {i["IntegrationId"]: i for i in _all(apigw, "get_integrations", ApiId=api["ApiId"])}
        stages = _all(apigw, "get_stages", ApiId=api["ApiId"])
    except AWS_ERRORS as exc:
        return Doors(blind=[Blind(describe(exc, f"apigateway:GET /v2/apis/{api['ApiId']}"), SERVICE, f"{base}/*")])
    found = Doors()
    for route in routes:
        integration = integrations.get(str(route.get("Target", "")).removeprefix("integrations/"))
        if integration is None or integration.get("IntegrationType") not in ("AWS_PROXY", "AWS"):
            continue
        who, auth = _caller(route, account)
        for stage in stages:
            try:
                target = function_arn(str(integration.get("IntegrationUri", "")), stage.get("StageVariables"))
            except Unresolved as exc:
                found.blind.append(Blind(f"API {api.get('Name')} stage {stage['StageName']} route "
                                         f"{route['RouteKey']}: {exc}", SERVICE, f"{base}/*"))
                continue
            if target is None:
                continue
            key = str(route["RouteKey"])
            method, _, path = key.partition(" ")
            sources = method_sources(base, stage["StageName"], method, path) if path else (
                f"{base}/{stage['StageName']}/{key}",)
            label = f"{stage['StageName']} {key}"
            found.doors.append(Door(target, SERVICE, sources, InvocationPath(
                via="api_gateway", principal=who.principal, principal_kind=who.kind, narrowed=False, auth=auth,
                front_door=base, route=label, evidence=f"API {api.get('Name', api['ApiId'])} {label} ({who.evidence})",
            )))
    return found


def _caller(route: dict[str, Any], account: str) -> tuple[Exposure, Any]:
    kind = str(route.get("AuthorizationType", "NONE")).upper()
    if kind == "NONE":
        return Exposure("*", "anonymous", False, "no authorizer"), "none"
    if kind == "AWS_IAM":
        return Exposure(f"IAM principals of {account}", "identity", False, "AWS_IAM: principals IAM allows"), "iam"
    authorizer = route.get("AuthorizerId") or "?"
    return Exposure(f"callers the {kind} authorizer {authorizer} accepts", "identity", False,
                    f"{kind} authorizer {authorizer}"), "platform"
