"""Read Lambda resource policies and role trust policies into invocation paths and trust facts.

A statement only counts as narrowed when a positive condition pins the caller to a known
source. ``...IfExists`` operators, negated operators and wildcard values do not narrow, because
a caller that simply lacks the key (or matches the wildcard) still gets in.
"""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from typing import Any

from scanner.inventory import InvocationPath, PrincipalKind, TrustPrincipal

_NARROWING_KEYS = {
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourceip",
    "lambda:eventsourcetoken",
    "sts:externalid",
}
_OPEN_NETWORKS = {"0.0.0.0/0", "::/0"}
_INVOKE_ACTIONS = ("lambda:invokefunction", "lambda:invokefunctionurl", "lambda:invokeasync")
_ASSUME_ACTIONS = ("sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml")
_FUNCTION_SERVICES = {"lambda.amazonaws.com", "edgelambda.amazonaws.com"}
_ACCOUNT_IN_ARN = re.compile(r"^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):")


class PolicyError(ValueError):
    """The policy document is not valid IAM JSON."""


@dataclass(frozen=True)
class _Principal:
    text: str
    kind: PrincipalKind
    account: str | None


def parse_document(document: str | dict[str, Any]) -> list[dict[str, Any]]:
    try:
        doc = json.loads(document) if isinstance(document, str) else document
    except json.JSONDecodeError as exc:
        raise PolicyError(f"policy is not JSON ({exc.msg})") from exc
    if not isinstance(doc, dict):
        raise PolicyError("policy is not a JSON object")
    statements = doc.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    if not isinstance(statements, list) or not all(isinstance(s, dict) for s in statements):
        raise PolicyError("policy Statement is not a list of objects")
    return statements


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _principals(statement: dict[str, Any]) -> list[_Principal]:
    principal = statement.get("Principal")
    if principal == "*":
        return [_Principal("*", "anonymous", None)]
    if not isinstance(principal, dict):
        raise PolicyError(f"statement {statement.get('Sid', '')!r} has no usable Principal")
    found = []
    for kind, values in principal.items():
        for value in as_list(values):
            text = str(value)
            if kind == "AWS":
                if text == "*":
                    found.append(_Principal('{"AWS":"*"}', "any_authenticated", None))
                elif text.isdigit():
                    found.append(_Principal(text, "account", text))
                else:
                    match = _ACCOUNT_IN_ARN.match(text)
                    account = match.group(1) if match else None
                    root = text.endswith(":root")
                    found.append(_Principal(text, "account" if root else "identity", account))
            elif kind == "Service":
                found.append(_Principal(text, "service", None))
            elif kind == "CanonicalUser":
                found.append(_Principal(text, "account", None))
            else:  # Federated: a web identity or SAML provider
                found.append(_Principal(text, "identity", None))
    return found


def _narrowing_value(key: str, value: Any) -> bool:
    text = str(value).strip()
    if not text or text == "*" or (key == "aws:sourceip" and text in _OPEN_NETWORKS):
        return False
    # "arn:aws:s3:::*" or "arn:aws:sns:*:*:*" names every resource of a service: no narrowing.
    return not all(part in {"", "*"} for part in text.split(":")[3:]) if text.startswith("arn:") else True


def conditions(statement: dict[str, Any]) -> tuple[list[str], bool]:
    """The condition keys on a statement, and whether any of them narrows who can call."""
    block = statement.get("Condition") or {}
    if not isinstance(block, dict):
        raise PolicyError(f"statement {statement.get('Sid', '')!r} has a malformed Condition")
    keys: list[str] = []
    narrowed = False
    for operator, pairs in block.items():
        if not isinstance(pairs, dict):
            raise PolicyError(f"statement {statement.get('Sid', '')!r} has a malformed Condition")
        positive = "not" not in operator.lower() and not operator.endswith("IfExists")
        for key, values in pairs.items():
            keys.append(key)
            lowered = key.lower()
            if not positive:
                continue
            if lowered == "lambda:functionurlauthtype":
                narrowed |= any(str(v) == "AWS_IAM" for v in as_list(values))
            elif lowered in _NARROWING_KEYS:
                narrowed |= all(_narrowing_value(lowered, v) for v in as_list(values)) and bool(as_list(values))
    return keys, narrowed


def _grants(statement: dict[str, Any], wanted: tuple[str, ...]) -> bool:
    if statement.get("Effect") != "Allow":
        return False
    if "NotAction" in statement:  # Allow everything except: grants whatever it does not exclude
        excluded = [str(a).lower() for a in as_list(statement.get("NotAction"))]
        return any(not any(fnmatch.fnmatchcase(w, a) for a in excluded) for w in wanted)
    actions = [str(a).lower() for a in as_list(statement.get("Action"))]
    return any(fnmatch.fnmatchcase(w, a) for a in actions for w in wanted)


def invocation_paths(document: str | dict[str, Any], own_account: str) -> list[InvocationPath]:
    paths = []
    for index, statement in enumerate(parse_document(document)):
        if not _grants(statement, _INVOKE_ACTIONS):
            continue
        keys, narrowed = conditions(statement)
        sid = statement.get("Sid") or f"statement {index}"
        for p in _principals(statement):
            paths.append(
                InvocationPath(
                    via="resource_policy",
                    principal=p.text,
                    principal_kind=p.kind,
                    cross_account=p.account is not None and p.account != own_account,
                    conditions=keys,
                    narrowed=narrowed,
                    auth="iam" if p.kind != "anonymous" else None,
                    evidence=f"{sid}: {', '.join(str(a) for a in as_list(statement.get('Action')))}",
                )
            )
    return paths


def trust_principals(document: str | dict[str, Any]) -> list[TrustPrincipal]:
    trusted = []
    for statement in parse_document(document):
        if not _grants(statement, _ASSUME_ACTIONS):
            continue
        keys, narrowed = conditions(statement)
        for p in _principals(statement):
            trusted.append(
                TrustPrincipal(
                    principal=p.text,
                    kind=p.kind,
                    is_function_service=p.text in _FUNCTION_SERVICES,
                    conditions=keys,
                    narrowed=narrowed,
                )
            )
    return trusted
