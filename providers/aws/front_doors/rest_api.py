"""REST APIs (API Gateway v1) in front of functions: one listing per region, then per API its
resources with their methods embedded (one paginated call) and its stages.

Who a method lets in (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html):
authorizationType NONE admits unsigned callers, limited only by the API's resource policy; AWS_IAM
admits signed callers the resource policy and IAM allow
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html);
COGNITO_USER_POOLS and CUSTOM put an authorizer in front. An API key is not authentication: "Don't
use API keys for authentication or authorization"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html).
A PRIVATE endpoint answers only through interface VPC endpoints
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-apis.html).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from providers.aws.errors import describe
from providers.aws.front_doors.exposure import Exposure, PolicyError, public
from providers.aws.front_doors.lambda_uri import Unresolved, function_arn
from providers.aws.front_doors.model import Blind, Door, Doors
from providers.aws.regional import AWS_ERRORS
from scanner.inventory import InvocationPath

SERVICE = "apigateway.amazonaws.com"
_INVOKE = ("execute-api:invoke",)
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def execute_api_arn(region: str, account: str, api_id: str) -> str:
    return f"arn:aws:execute-api:{region}:{account}:{api_id}"


def method_sources(base: str, stage: str, method: str, path: str) -> tuple[str, ...]:
    """aws:SourceArn of an invocation: API/STAGE/METHOD/PATH
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/arn-format-reference.html)."""
    methods = _METHODS if method in ("ANY", "*") else (method,)
    return tuple(f"{base}/{stage}/{m}/{path.lstrip('/')}" for m in methods)


def each_api(list_apis: Callable[[], list[dict[str, Any]]], call: str, region: str, account: str,
             read: Callable[[dict[str, Any]], Doors]) -> Doors:
    """The doors of every API the listing returns; a failed listing blinds every API of the region."""
    try:
        apis = list_apis()
    except AWS_ERRORS as exc:
        return Doors(blind=[Blind(describe(exc, call), SERVICE, execute_api_arn(region, account, "*"))])
    found = Doors()
    for api in apis:
        found.add(read(api))
    return found


def read_rest_apis(apigateway: Any, region: str, account: str) -> Doors:
    def listing() -> list[dict[str, Any]]:
        return [api for page in apigateway.get_paginator("get_rest_apis").paginate() for api in page["items"]]

    return each_api(listing, "apigateway:GetRestApis", region, account,
                    lambda api: _api(apigateway, region, account, api))


def _api(apigateway: Any, region: str, account: str, api: dict[str, Any]) -> Doors:
    base = execute_api_arn(region, account, api["id"])
    pattern = f"{base}/*"
    try:
        pages = apigateway.get_paginator("get_resources").paginate(restApiId=api["id"], embed=["methods"])
        resources = [r for page in pages for r in page["items"]]
        stages = apigateway.get_stages(restApiId=api["id"])["item"]
    except AWS_ERRORS as exc:
        return Doors(blind=[Blind(describe(exc, f"apigateway:GetResources/GetStages {api['id']}"), SERVICE, pattern)])
    try:
        anonymous = public(api.get("policy"), _INVOKE, account, anonymous=True)
        signed = public(api.get("policy"), _INVOKE, account, anonymous=False)
    except PolicyError as exc:
        return Doors(blind=[Blind(f"resource policy of API {api['id']} could not be read: {exc}", SERVICE, pattern)])
    has_policy = bool(api.get("policy"))
    private = "PRIVATE" in ((api.get("endpointConfiguration") or {}).get("types") or [])
    found = Doors()
    for resource in resources:
        for method, spec in (resource.get("resourceMethods") or {}).items():
            integration = spec.get("methodIntegration") or {}
            if integration.get("type") not in ("AWS", "AWS_PROXY"):
                continue
            who = _callers(spec, anonymous if has_policy else None, signed if has_policy else None, account)
            for stage in stages:
                try:
                    target = function_arn(str(integration.get("uri", "")), stage.get("variables"))
                except Unresolved as exc:
                    found.blind.append(Blind(f"API {api.get('name')} stage {stage['stageName']} {method} "
                                             f"{resource['path']}: {exc}", SERVICE, pattern))
                    continue
                if target is None:
                    continue
                route = f"{stage['stageName']} {method} {resource['path']}"
                sources = method_sources(base, stage["stageName"], method, resource["path"])
                found.doors += [Door(target, SERVICE, sources, _path(api, base, route, exposure, auth, private))
                                for exposure, auth in who]
    return found


def _callers(spec: dict[str, Any], anonymous: list[Exposure] | None, signed: list[Exposure] | None,
             account: str) -> list[tuple[Exposure, str]]:
    """(who, auth) for one method; ``anonymous``/``signed`` are None when the API has no policy."""
    kind = str(spec.get("authorizationType", "NONE")).upper()
    if kind == "NONE":
        if spec.get("apiKeyRequired"):
            return [(Exposure("holders of an API key", "identity", False, "API key required, no authorizer"),
                     "key")]
        if anonymous is None:
            return [(Exposure("*", "anonymous", False, "no authorizer"), "none")]
        return [(e, "none") for e in anonymous if e.kind == "anonymous"]
    if kind == "AWS_IAM":
        own = Exposure(f"IAM principals of {account}", "identity", False, "AWS_IAM: principals IAM allows")
        return [(own, "iam")] + [(e, "iam") for e in signed or []]
    authorizer = spec.get("authorizerId") or "?"
    return [(Exposure(f"callers the {kind} authorizer {authorizer} accepts", "identity", False,
                      f"{kind} authorizer {authorizer}"), "platform")]


def _path(api: dict[str, Any], base: str, route: str, who: Exposure, auth: str, private: bool) -> InvocationPath:
    return InvocationPath(
        via="api_gateway", principal=who.principal, principal_kind=who.kind, cross_account=who.cross_account,
        narrowed=who.narrowed or private, auth=auth,  # type: ignore[arg-type]
        conditions=["endpoint type PRIVATE"] if private else [],
        front_door=base, route=route,
        evidence=f"API {api.get('name', api['id'])} {route} ({who.evidence})"
                 + (" via a PRIVATE endpoint: VPC endpoints only" if private else ""),
    )
