"""Who a resource or trust policy statement names.

IAM treats ``"Principal": "*"`` and ``{"AWS": "*"}`` the same: every principal of every account
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous).
Lambda's Invoke API and sts:AssumeRole accept only SigV4-signed requests, so for them that is every
principal of every AWS account (``any_authenticated``); only a function URL with AuthType NONE lets
unsigned callers in (``anonymous``, decided in resource.py from the URL config).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from providers.aws.evaluation.document import PolicyError, as_list
from scanner.inventory import PrincipalKind

_ACCOUNT_IN_ARN = re.compile(r"^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):")
_ACCOUNT_ID = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class Principal:
    text: str
    kind: PrincipalKind
    account: str | None
    everyone: bool = False  # "*" / {"AWS": "*"} / NotPrincipal: no one in particular
    federated: str | None = None  # the identity provider of a Federated principal


def _aws(text: str) -> Principal:
    if text == "*":
        return Principal('{"AWS": "*"}', "any_authenticated", None, everyone=True)
    if _ACCOUNT_ID.match(text):  # moto keeps add_permission's bare account id as written
        return Principal(text, "account", text)
    match = _ACCOUNT_IN_ARN.match(text)
    account = match.group(1) if match else None
    return Principal(text, "account" if text.endswith(":root") else "identity", account)


def named(statement: dict[str, Any]) -> list[Principal]:
    """The principals a statement applies to; NotPrincipal reads as everyone except those named."""
    if "NotPrincipal" in statement:
        return [Principal(f"everyone except {_flat(statement['NotPrincipal'])}", "any_authenticated", None,
                          everyone=True)]
    principal = statement.get("Principal")
    if principal == "*":
        return [Principal("*", "any_authenticated", None, everyone=True)]
    if isinstance(principal, str) and principal:  # moto keeps add_permission's principal as a bare string
        kind = "Service" if principal.endswith(".amazonaws.com") else "AWS"
        principal = {kind: principal}
    if not isinstance(principal, dict):
        raise PolicyError(f"statement {statement.get('Sid', '')!r} has no usable Principal")
    found = []
    for kind, values in principal.items():
        for value in as_list(values):
            text = str(value)
            if kind == "AWS":
                found.append(_aws(text))
            elif kind == "Service":
                found.append(Principal(text, "service", None))
            elif kind == "CanonicalUser":
                found.append(Principal(text, "account", None))
            elif kind == "Federated":  # a web identity, SAML or Cognito provider
                found.append(Principal(text, "identity", None, federated=text.rsplit("/", 1)[-1]))
            else:
                raise PolicyError(f"statement {statement.get('Sid', '')!r} has unknown principal type {kind!r}")
    return found


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(str(v) for values in value.values() for v in as_list(values))
    return str(value)


def excluded_by_not_principal(statement: dict[str, Any]) -> set[str]:
    """Principals a NotPrincipal statement leaves out (bare account ids included both ways)."""
    value = statement.get("NotPrincipal")
    texts = {str(v) for values in (value.values() if isinstance(value, dict) else [value])
             for v in as_list(values)}
    return texts | {f"arn:aws:iam::{t}:root" for t in texts if _ACCOUNT_ID.match(t)}
