"""Which conditions pin a resource or trust policy grant to known callers.

A grant is narrowed only by a condition that pins the caller to a known account, source, network or
organization with a concrete value. Keys that describe the request (transport, time, region, MFA,
tags) never narrow; ``ForAllValues:`` is satisfied by a request without the key; ``...IfExists`` is
satisfied by a request without the key; a negated operator in an Allow admits everyone else
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
In a Deny, a negated operator on a pinning key excludes everyone outside the pin, with or without
IfExists (a request without the key is denied too), so such a Deny narrows every grant it covers.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from providers.aws.evaluation.document import PolicyError, as_list

_POSITIVE = {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"}
_NEGATED = {"stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike",
            "notipaddress"}
_ACCOUNT = re.compile(r"^\d{12}$")
_ORG = re.compile(r"^o-[a-z0-9]{10,32}$")
_ORG_PATH = re.compile(r"^o-[a-z0-9]{10,32}/")
_VPC = re.compile(r"^vpc-[0-9a-f]+$")
_VPCE = re.compile(r"^vpce-[0-9a-f]+$")
# The smallest networks that still count as "everyone": a /7 of IPv4 is 1/128 of the internet.
_MIN_PREFIX = {4: 8, 6: 32}
# GitHub's OIDC tokens all carry aud sts.amazonaws.com: only :sub tells one repository from another
# (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services).
_SHARED_AUDIENCE_PROVIDERS = {"token.actions.githubusercontent.com"}


@dataclass(frozen=True)
class Condition:
    operator: str  # as written
    key: str  # as written
    values: tuple[str, ...]
    negated: bool
    if_exists: bool
    for_all_values: bool
    matching: bool  # a string/ARN/IP matching operator (not Bool, Date, Null, Numeric ...)

    def __str__(self) -> str:
        return f"{self.operator} {self.key}={','.join(self.values)}"


def parse(statement: dict[str, Any]) -> list[Condition]:
    block = statement.get("Condition") or {}
    if not isinstance(block, dict):
        raise PolicyError(f"statement {statement.get('Sid', '')!r} has a malformed Condition")
    found = []
    for operator, pairs in block.items():
        if not isinstance(pairs, dict):
            raise PolicyError(f"statement {statement.get('Sid', '')!r} has a malformed Condition")
        qualifier, _, base = str(operator).rpartition(":")
        base = base.lower()
        if_exists = base.endswith("ifexists")
        base = base.removesuffix("ifexists")
        for key, values in pairs.items():
            found.append(Condition(
                operator=str(operator), key=str(key), values=tuple(str(v) for v in as_list(values)),
                negated=base in _NEGATED, if_exists=if_exists,
                for_all_values=qualifier.lower() == "forallvalues",
                matching=base in _POSITIVE | _NEGATED,
            ))
    return found


def _concrete_arn(value: str) -> bool:
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return False
    if parts[4]:
        return bool(_ACCOUNT.match(parts[4]))
    # Account-less ARNs (S3 buckets) name a globally unique bucket: pinned if the name is exact.
    bucket = parts[5].split("/", 1)[0]
    return bool(bucket) and not any(c in bucket for c in "*?$")


def _bounded_network(value: str) -> bool:
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return network.prefixlen >= _MIN_PREFIX[network.version]


def _pins_value(key: str, value: str, federated: str | None) -> bool:
    """Whether one value of a pinning key names a concrete caller, source or network."""
    if "${" in value:
        return False
    if key in ("aws:sourcearn", "aws:principalarn"):
        return _concrete_arn(value)
    if key in ("aws:sourceaccount", "aws:sourceowner", "aws:principalaccount"):
        return bool(_ACCOUNT.match(value))
    if key in ("aws:principalorgid", "aws:sourceorgid"):
        return bool(_ORG.match(value))
    if key in ("aws:principalorgpaths", "aws:sourceorgpaths"):
        return bool(_ORG_PATH.match(value))
    if key == "aws:sourcevpc":
        return bool(_VPC.match(value))
    if key == "aws:sourcevpce":
        return bool(_VPCE.match(value))
    if key == "aws:sourceip":
        return _bounded_network(value)
    if key in ("sts:externalid", "lambda:eventsourcetoken") or _federated_key(key, federated):
        return bool(value.strip("*? "))
    return False


def _federated_key(key: str, federated: str | None) -> bool:
    if not federated or not key.startswith(federated.lower() + ":"):
        return False
    claim = key.rsplit(":", 1)[-1]
    return claim == "sub" or (claim == "aud" and federated not in _SHARED_AUDIENCE_PROVIDERS)


_PINNING_KEYS = {
    "aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:principalorgid", "aws:principalorgpaths",
    "aws:sourceorgid", "aws:sourceorgpaths", "aws:principalaccount", "aws:principalarn", "aws:sourcevpc",
    "aws:sourcevpce", "aws:sourceip", "sts:externalid", "lambda:eventsourcetoken",
}


def _is_pin(condition: Condition, *, everyone: bool, federated: str | None) -> bool:
    key = condition.key.lower()
    if key == "sts:externalid" and everyone:
        return False  # any caller can send any external id: it only pins a named principal
    if key not in _PINNING_KEYS and not _federated_key(key, federated):
        return False
    return bool(condition.values) and condition.matching and not condition.for_all_values and all(
        _pins_value(key, v, federated) for v in condition.values
    )


def allow_pins(conditions: list[Condition], *, everyone: bool, federated: str | None = None) -> list[Condition]:
    """The conditions of an Allow that pin its callers (all conditions of a statement must hold)."""
    return [c for c in conditions
            if not c.negated and not c.if_exists and _is_pin(c, everyone=everyone, federated=federated)]


def deny_pins(conditions: list[Condition]) -> list[Condition]:
    """The conditions of a Deny that exclude everyone outside a pin (Deny unless the key matches)."""
    return [c for c in conditions if c.negated and _is_pin(c, everyone=True, federated=None)]


def keys(conditions: list[Condition]) -> list[str]:
    return [c.key for c in conditions]


def role_context_holds(conditions: list[Condition], context: dict[str, str]) -> bool:
    """Whether every condition holds for every request the role makes, judged only from keys whose
    value is fixed for the role (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType)."""
    return all(_holds(c, context) for c in conditions)


def _holds(condition: Condition, context: dict[str, str]) -> bool:
    actual = context.get(condition.key.lower())
    if actual is None or not condition.matching or condition.key.lower() == "aws:sourceip":
        return False
    hit = any(_matches(condition.operator.lower(), pattern, actual) for pattern in condition.values)
    return hit != condition.negated


def _matches(operator: str, pattern: str, actual: str) -> bool:
    if "like" in operator:
        regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
        return re.fullmatch(regex, actual) is not None
    if "ignorecase" in operator:
        return pattern.lower() == actual.lower()
    return pattern == actual


def narrowing(conditions: list[Condition], pins: list[Condition]) -> Iterator[str]:
    """Evidence words: what pins the grant, or which conditions do not."""
    if pins:
        yield "narrowed by " + "; ".join(str(p) for p in pins)
    elif conditions:
        yield "conditions " + ", ".join(keys(conditions)) + " do not pin the caller"
