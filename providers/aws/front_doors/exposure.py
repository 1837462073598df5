"""Who gets through a front door, from its own resource policy and authentication, as the common
schema's principal fields. Shared by the API Gateway, SNS, SQS and S3 readers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from providers.aws.evaluation.document import PolicyError
from providers.aws.evaluation.resource import admissions
from scanner.inventory import PrincipalKind


@dataclass(frozen=True)
class Exposure:
    principal: str
    kind: PrincipalKind
    narrowed: bool
    evidence: str
    cross_account: bool = False


def policy_text(raw: Any) -> str | None:
    """API Gateway returns a REST API's policy as JSON whose quotes are backslash-escaped
    (https://docs.aws.amazon.com/apigateway/latest/api/API_RestApi.html, ``policy``); other
    services return plain JSON."""
    if not raw:
        return None
    text = str(raw)
    try:
        json.loads(text)
    except ValueError:
        return text.replace('\\"', '"').replace("\\/", "/")
    return text


def public(policy: Any, actions: tuple[str, ...], account: str, anonymous: bool) -> list[Exposure]:
    """The callers a resource policy lets do the actions, broadest first. ``anonymous``: the
    service takes unsigned requests when the policy admits everyone (S3, SNS, SQS, an API method
    without authorization); otherwise everyone means every AWS principal. Raises PolicyError."""
    found = []
    for admitted in admissions(policy_text(policy), actions):
        p = admitted.principal
        if p.everyone:
            kind: PrincipalKind = "anonymous" if anonymous else "any_authenticated"
            found.append(Exposure("*", kind, admitted.narrowed, admitted.evidence))
        elif p.kind != "service":  # another service publishing is not a caller from outside
            found.append(Exposure(p.text, p.kind, admitted.narrowed, admitted.evidence,
                                  cross_account=p.account is not None and p.account != account))
    return sorted(found, key=lambda e: (e.kind not in ("anonymous", "any_authenticated"), e.narrowed))


__all__ = ["Exposure", "PolicyError", "policy_text", "public"]
