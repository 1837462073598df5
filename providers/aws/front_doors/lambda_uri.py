"""Function ARNs in integration URIs, with stage variables resolved."""

from __future__ import annotations

import re

_FUNCTION_IN_URI = re.compile(r"/functions/(?P<arn>arn:[^/]+:lambda:[^/]+)/invocations")
_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.(?P<name>[A-Za-z0-9_]+)\}")


class Unresolved(ValueError):
    """A stage variable the stage does not define."""


def function_arn(uri: str, variables: dict[str, str] | None = None) -> str | None:
    """The function an integration invokes (``arn:aws:apigateway:REGION:lambda:path/2015-03-31/
    functions/FUNCTION_ARN/invocations``, https://docs.aws.amazon.com/apigateway/latest/api/API_Integration.html),
    or the ARN itself for an integration that names it directly (HTTP APIs); None when it is not a
    Lambda integration. Stage variables are substituted from ``variables``
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/aws-api-gateway-stage-variables-reference.html)."""
    values = variables or {}

    def substitute(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in values:
            raise Unresolved(f"stage variable {name} is not defined on the stage")
        return values[name]

    resolved = _STAGE_VARIABLE.sub(substitute, uri)
    found = _FUNCTION_IN_URI.search(resolved)
    if found:
        return found.group("arn")
    return resolved if resolved.startswith("arn:") and ":lambda:" in resolved and ":function:" in resolved else None
