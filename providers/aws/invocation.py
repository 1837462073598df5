"""Per-function reads of who can invoke a function: its resource policy and URL, and those of each
alias, which AWS keeps apart from the function's (an alias has its own policy, read with GetPolicy
Qualifier, and may have its own URL: https://docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html,
https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html).

Cost per function: GetPolicy once plus once per alias (GetPolicy's own 15/s bucket), ListAliases and
ListFunctionUrlConfigs (the shared control-plane bucket; one URL listing covers the function and all
its aliases, where GetFunctionUrlConfig would take a call per alias).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from providers.aws.errors import describe, is_not_found
from providers.aws.policies import PolicyError, invocation_paths
from providers.aws.regional import AWS_ERRORS
from scanner.inventory import Cors, InvocationPath

_URL_FACTS = ("network.invocation", "network.endpoint_url", "network.public_ingress", "network.cors")


@dataclass
class Invocation:
    """What the reads found, and the facts they could not read (dotted path -> reason)."""

    paths: list[InvocationPath] = field(default_factory=list)
    endpoint_url: str | None = None
    public_ingress: bool | None = None
    cors: Cors | None = None
    unknown: dict[str, str] = field(default_factory=dict)
    # Qualifier (None: the function itself) -> its resource policy text (None: it has none), for
    # the qualifiers whose policy was read; front doors are judged against them.
    policies: dict[str | None, str | None] = field(default_factory=dict)


def read_invocation(lam: Any, function_arn: str, account: str) -> Invocation:
    found = Invocation()
    qualifiers: list[str | None] = [None]
    try:
        pages = lam.get_paginator("list_aliases").paginate(FunctionName=function_arn)
        qualifiers += [alias["Name"] for page in pages for alias in page["Aliases"]]
    except AWS_ERRORS as exc:
        found.unknown["network.invocation"] = describe(exc, "lambda:ListAliases")
    urls = _url_configs(lam, function_arn, found)
    for qualifier in qualifiers:
        policy = _policy(lam, function_arn, qualifier, found)
        try:
            found.paths += invocation_paths(policy, urls.get(qualifier), account, qualifier)
        except PolicyError as exc:
            where = f"alias {qualifier}" if qualifier else "function"
            found.unknown["network.invocation"] = f"resource policy of the {where} could not be read: {exc}"
    return found


def _policy(lam: Any, function_arn: str, qualifier: str | None, found: Invocation) -> str | None:
    try:
        found.policies[qualifier] = read_policy(lam, function_arn, qualifier)
    except AWS_ERRORS as exc:
        found.unknown["network.invocation"] = describe(exc, "lambda:GetPolicy")
    return found.policies.get(qualifier)


def read_policy(lam: Any, function_arn: str, qualifier: str | None) -> str | None:
    """The resource policy of the function or of one alias or version; None when it has none."""
    try:
        kwargs = {"Qualifier": qualifier} if qualifier else {}
        return str(lam.get_policy(FunctionName=function_arn, **kwargs)["Policy"])
    except AWS_ERRORS as exc:
        if is_not_found(exc):
            return None
        raise


def _url_configs(lam: Any, function_arn: str, found: Invocation) -> dict[str | None, dict[str, Any]]:
    """Qualifier (None for the function itself) -> its URL config. The function's own URL (else an
    alias's) gives endpoint_url and CORS; any URL, the function's or an alias's, makes the function
    reachable from the internet."""
    try:
        pages = lam.get_paginator("list_function_url_configs").paginate(FunctionName=function_arn)
        configs = [config for page in pages for config in page["FunctionUrlConfigs"]]
    except AWS_ERRORS as exc:
        if is_not_found(exc):
            return {}
        for path in _URL_FACTS:
            found.unknown[path] = describe(exc, "lambda:ListFunctionUrlConfigs")
        return {}
    urls = {_qualifier(config["FunctionArn"], function_arn): config for config in configs}
    main = urls.get(None) or next(iter(urls.values()), None)
    if main is not None:
        cors = main.get("Cors") or {}
        found.endpoint_url = main["FunctionUrl"]
        found.public_ingress = True
        found.cors = Cors(allowed_origins=cors.get("AllowOrigins", []),
                          allow_credentials=bool(cors.get("AllowCredentials")))
    return urls


def _qualifier(url_function_arn: str, function_arn: str) -> str | None:
    """An alias URL's FunctionArn ends in :ALIAS; $LATEST is the function itself."""
    suffix = url_function_arn[len(function_arn):].lstrip(":") if url_function_arn.startswith(function_arn) else ""
    return suffix if suffix and suffix != "$LATEST" else None


def failure_destination(lam: Any, function_arn: str) -> str | None:
    """The on-failure destination of asynchronous invocations of the function itself (unqualified or
    $LATEST); raises the SDK's error. An alias's own destination covers only calls through that alias."""
    pages = lam.get_paginator("list_function_event_invoke_configs").paginate(FunctionName=function_arn)
    for page in pages:
        for config in page["FunctionEventInvokeConfigs"]:
            if _qualifier(config.get("FunctionArn", ""), function_arn) is None:
                target = ((config.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
                if target:
                    return str(target)
    return None
