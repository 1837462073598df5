"""Lambda resource policies and role trust policies: who can invoke or assume, and what pins them.

Function URLs (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html): with AuthType NONE
Lambda authenticates no one, but the resource policy "must grant public access" before the URL takes
requests, so a NONE URL is anonymous exactly when a statement admits ``*`` to
lambda:InvokeFunctionUrl. ``lambda:FunctionUrlAuthType`` only says which kind of URL a statement is
for; with AWS_IAM it still lets every AWS account call the URL. Since October 2025 new URLs also
need lambda:InvokeFunction with ``lambda:InvokedViaFunctionUrl``; such a statement works only through
the URL, so it is never a direct-invoke path. Accounts AWS exempted until November 2026 still answer
on lambda:InvokeFunctionUrl alone, so the InvokeFunctionUrl statements decide who the URL admits.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from providers.aws.evaluation import conditions as cond
from providers.aws.evaluation.document import as_list, parse_document, sid
from providers.aws.evaluation.principals import Principal, excluded_by_not_principal, named
from scanner.inventory import InvocationPath, TrustPrincipal

_DIRECT = ("lambda:invokefunction", "lambda:invokeasync")
_URL = ("lambda:invokefunctionurl",)
_ASSUME = ("sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml")
_FUNCTION_SERVICES = {"lambda.amazonaws.com", "edgelambda.amazonaws.com"}


def granted(statement: dict[str, Any], wanted: tuple[str, ...]) -> tuple[str, ...]:
    """The wanted actions that the statement's Action (or NotAction) covers."""
    if "NotAction" in statement:
        excluded = [str(a).lower() for a in as_list(statement["NotAction"])]
        return tuple(w for w in wanted if not any(fnmatch.fnmatchcase(w, a) for a in excluded))
    patterns = [str(a).lower() for a in as_list(statement.get("Action"))]
    return tuple(w for w in wanted if any(fnmatch.fnmatchcase(w, a) for a in patterns))


def _url_only(conditions: list[cond.Condition]) -> bool:
    """Statements that match only requests through the function URL: direct Invoke requests carry
    neither lambda:InvokedViaFunctionUrl nor lambda:FunctionUrlAuthType."""
    return any((c.key.lower() == "lambda:invokedviafunctionurl" and [v.lower() for v in c.values] == ["true"])
               or c.key.lower() == "lambda:functionurlauthtype"
               for c in conditions if not c.negated and not c.if_exists and not c.for_all_values)


def _url_auth_types(conditions: list[cond.Condition]) -> set[str] | None:
    """The URL auth types a statement is limited to, or None when it names none."""
    for c in conditions:
        if c.key.lower() == "lambda:functionurlauthtype" and not c.negated and not c.if_exists:
            return {v.upper() for v in c.values}
    return None


@dataclass
class _Denies:
    """What the Deny statements of one policy do to the grants of some actions."""

    everyone: str | None = None  # evidence of an unconditional Deny on every caller
    principals: dict[str, str] = field(default_factory=dict)  # principal text -> evidence
    pins: list[str] = field(default_factory=list)  # Denies that exclude everyone outside a pin

    def blocks(self, principal: Principal) -> str | None:
        return self.everyone or self.principals.get(principal.text)


def _denies(statements: list[dict[str, Any]], wanted: tuple[str, ...]) -> _Denies:
    found = _Denies()
    for index, st in enumerate(statements):
        if st.get("Effect") != "Deny" or not granted(st, wanted):
            continue
        conditions = cond.parse(st)
        label = f"Deny {sid(st, index)}"
        if "NotPrincipal" in st:
            if not conditions:
                found.pins.append(f"{label} on everyone except {', '.join(sorted(excluded_by_not_principal(st)))}")
            continue
        targets = named(st)
        pins = cond.deny_pins(conditions)
        if conditions and len(pins) == len(conditions) and all(p.everyone for p in targets):
            found.pins.append(f"{label} unless " + "; ".join(str(p) for p in pins))
        elif not conditions:
            for p in targets:
                if p.everyone:
                    found.everyone = label
                else:
                    found.principals[p.text] = label
    return found


@dataclass(frozen=True)
class _Grant:
    statement: str
    actions: str
    principal: Principal
    conditions: list[cond.Condition]
    pins: list[str]


_Keep = Callable[[dict[str, Any], list[cond.Condition]], bool]


def _grants(statements: list[dict[str, Any]], wanted: tuple[str, ...], denies: _Denies,
            keep: _Keep | None = None) -> list[_Grant]:
    grants = []
    for index, st in enumerate(statements):
        if st.get("Effect") != "Allow" or not granted(st, wanted):
            continue
        conditions = cond.parse(st)
        if keep is not None and not keep(st, conditions):
            continue
        for p in named(st):
            if denies.blocks(p):
                continue
            pins = [str(c) for c in cond.allow_pins(conditions, everyone=p.everyone, federated=p.federated)]
            actions = ", ".join(str(a) for a in as_list(st.get("Action") or st.get("NotAction")))
            grants.append(_Grant(sid(st, index), actions, p, conditions, pins + denies.pins))
    return grants


def _evidence(grant: _Grant, qualifier: str | None) -> str:
    where = f" (qualifier {qualifier})" if qualifier else ""
    words = list(cond.narrowing(grant.conditions, []))
    if grant.pins:
        words = ["narrowed by " + "; ".join(grant.pins)]
    return f"{grant.statement}{where}: {grant.actions}" + "".join(f"; {w}" for w in words)


def invocation_paths(policy: str | dict[str, Any] | None, url_config: dict[str, Any] | None, own_account: str,
                     qualifier: str | None = None) -> list[InvocationPath]:
    """Every way to invoke one function (or one alias/version): direct invoke through the resource
    policy, and the function URL; raises PolicyError on a malformed policy."""
    statements = parse_document(policy) if policy else []
    paths = []
    direct_denies = _denies(statements, _DIRECT)
    for grant in _grants(statements, _DIRECT, direct_denies, keep=lambda st, c: not _url_only(c)):
        p = grant.principal
        paths.append(InvocationPath(
            via="resource_policy", principal=p.text, principal_kind=p.kind,
            cross_account=p.account is not None and p.account != own_account,
            conditions=cond.keys(grant.conditions), narrowed=bool(grant.pins), auth="iam",
            evidence=_evidence(grant, qualifier), qualifier=qualifier,
        ))
    if url_config:
        paths += _url_paths(statements, url_config, own_account, qualifier)
    return paths


def _url_paths(statements: list[dict[str, Any]], url_config: dict[str, Any], own_account: str,
               qualifier: str | None) -> list[InvocationPath]:
    auth_type = str(url_config.get("AuthType", "")).upper()
    url = url_config.get("FunctionUrl", "function URL")

    def for_this_url(st: dict[str, Any], conditions: list[cond.Condition]) -> bool:
        types = _url_auth_types(conditions)
        return types is None or auth_type in types

    grants = _grants(statements, _URL, _denies(statements, _URL), keep=for_this_url)
    public = auth_type == "NONE"
    paths = []
    if not public:  # AWS_IAM: the account's own principals whose identity policies allow it
        paths.append(InvocationPath(
            via="function_url", principal=f"IAM principals of {own_account}", principal_kind="identity", auth="iam",
            evidence=f"function URL {url} AuthType AWS_IAM: principals of the account allowed by IAM",
            qualifier=qualifier,
        ))
    for grant in grants:
        p = grant.principal
        if public and not p.everyone:
            continue  # unsigned requests carry no principal: only a statement for everyone admits them
        paths.append(InvocationPath(
            via="function_url", principal="*" if public else p.text,
            principal_kind="anonymous" if public else p.kind,
            cross_account=not public and p.account is not None and p.account != own_account,
            conditions=cond.keys(grant.conditions), narrowed=bool(grant.pins),
            auth="none" if public else "iam", qualifier=qualifier,
            evidence=f"function URL {url} AuthType {auth_type}; " + _evidence(grant, qualifier),
        ))
    return paths


@dataclass(frozen=True)
class Admission:
    """One principal a resource policy lets do some actions, after the policy's own Denies."""

    principal: Principal
    narrowed: bool
    evidence: str


def admissions(policy: str | dict[str, Any] | None, actions: tuple[str, ...]) -> list[Admission]:
    """Who a resource policy (topic, queue, bucket, API) allows the lowercase actions to; raises
    PolicyError on a malformed policy. No policy admits no one."""
    statements = parse_document(policy) if policy else []
    return [Admission(g.principal, bool(g.pins), _evidence(g, None))
            for g in _grants(statements, actions, _denies(statements, actions))]


def trust_principals(document: str | dict[str, Any]) -> list[TrustPrincipal]:
    statements = parse_document(document)
    trusted = []
    for grant in _grants(statements, _ASSUME, _denies(statements, _ASSUME)):
        p = grant.principal
        trusted.append(TrustPrincipal(
            principal=p.text, kind=p.kind, is_function_service=p.kind == "service" and p.text in _FUNCTION_SERVICES,
            conditions=cond.keys(grant.conditions), narrowed=bool(grant.pins),
        ))
    return trusted
