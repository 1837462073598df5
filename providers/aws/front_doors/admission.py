"""Whether a function's own resource policy lets a front door call it.

A front door calls Lambda as its service principal and sends aws:SourceArn (the API's method ARN,
the target group, the topic, the bucket) and aws:SourceAccount
(https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html). The statement
that admits it must name that service (or everyone) and every one of its conditions must hold for
that request; an unconditional or matching Deny wins
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
"""

from __future__ import annotations

from typing import Any

from providers.aws.evaluation import conditions as cond
from providers.aws.evaluation.arns import overlap
from providers.aws.evaluation.document import parse_document
from providers.aws.evaluation.principals import named
from providers.aws.evaluation.resource import granted

_INVOKE = ("lambda:invokefunction",)


def _for_service(statement: dict[str, Any], service: str) -> bool:
    return any(p.everyone or p.text == service for p in named(statement))


def admits(policy: str | dict[str, Any] | None, service: str, source_arn: str, source_account: str) -> bool:
    """Whether the policy lets ``service`` invoke for a request from ``source_arn``; raises PolicyError."""
    context = {"aws:sourcearn": source_arn, "aws:sourceaccount": source_account}
    allowed = False
    for statement in parse_document(policy) if policy else []:
        if not granted(statement, _INVOKE) or "NotPrincipal" in statement or not _for_service(statement, service):
            continue
        holds = cond.role_context_holds(cond.parse(statement), context)
        if statement["Effect"] == "Deny" and holds:
            return False
        allowed = allowed or holds
    return allowed


def may_admit(policy: str | dict[str, Any] | None, service: str, source_pattern: str) -> bool:
    """Whether some request of ``service`` from a source matching the pattern could be admitted: used
    when the front door itself could not be read. Conditions on other keys are taken as holding."""
    for statement in parse_document(policy) if policy else []:
        if statement["Effect"] != "Allow" or not granted(statement, _INVOKE) or "NotPrincipal" in statement:
            continue
        if not _for_service(statement, service):
            continue
        sources = [v for c in cond.parse(statement) if c.key.lower() == "aws:sourcearn" and not c.negated
                   for v in c.values]
        if not sources or any(overlap(v, source_pattern) for v in sources):
            return True
    return False
