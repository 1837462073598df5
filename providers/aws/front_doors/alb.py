"""Application Load Balancers in front of functions.

Reads per region: the load balancers and the target groups (one paginated listing each), the
registered targets of each target group of type ``lambda`` (DescribeTargetHealth), the listeners
and rules of each load balancer, and the security groups of all of them in one DescribeSecurityGroups.

An ALB calls Lambda as elasticloadbalancing.amazonaws.com with the target group as aws:SourceArn
(https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html). Only an
internet-facing scheme has public addresses, and its security groups must allow the listener port
(https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html).
An authenticate-oidc or authenticate-cognito action before the forward authenticates the caller,
unless its OnUnauthenticatedRequest is ``allow``
(https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from providers.aws.errors import describe
from providers.aws.front_doors.model import Blind, Door, Doors
from providers.aws.regional import AWS_ERRORS
from scanner.inventory import InvocationPath

SERVICE = "elasticloadbalancing.amazonaws.com"
_EVERYWHERE = {"0.0.0.0/0", "::/0"}


@dataclass(frozen=True)
class _Rule:
    listener: str
    conditions: list[str]
    source_ip: list[str]
    authenticated: str | None
    target_groups: list[str]


def _all(client: Any, operation: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    return [item for page in client.get_paginator(operation).paginate(**kwargs) for item in page[key]]


def read_load_balancers(client: Callable[[str], Any], region: str, account: str) -> Doors:
    """``client`` makes a service's client: EC2's, the largest model there is, only for a region with
    a load balancer to check."""
    elbv2 = client("elbv2")
    try:
        balancers = [lb for lb in _all(elbv2, "describe_load_balancers", "LoadBalancers")
                     if lb.get("Type") == "application"]
        groups = [g for g in _all(elbv2, "describe_target_groups", "TargetGroups") if g.get("TargetType") == "lambda"]
    except AWS_ERRORS as exc:
        return Doors(blind=[Blind(describe(exc, "elasticloadbalancing:DescribeLoadBalancers/TargetGroups"), SERVICE,
                                  f"arn:aws:elasticloadbalancing:{region}:{account}:targetgroup/*")])
    if not groups or not balancers:
        return Doors()
    found = Doors()
    targets: dict[str, list[str]] = {}
    for group in groups:
        arn = group["TargetGroupArn"]
        try:
            health = elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
            targets[arn] = [str(t["Target"]["Id"]) for t in health]
        except AWS_ERRORS as exc:
            found.blind.append(Blind(describe(exc, "elasticloadbalancing:DescribeTargetHealth"), SERVICE, arn))
    open_ports = _open_ports(client("ec2"), balancers, found, targets)
    for lb in balancers:
        try:
            rules = _rules(elbv2, lb)
        except AWS_ERRORS as exc:
            found.blind += [Blind(describe(exc, "elasticloadbalancing:DescribeListeners/Rules"), SERVICE, arn)
                            for arn in targets]
            continue
        for rule in rules:
            for group_arn in rule.target_groups:
                for target in targets.get(group_arn, []):
                    found.doors.append(Door(target, SERVICE, (group_arn,), _path(lb, rule, open_ports)))
    return found


def _open_ports(ec2: Any, balancers: list[dict[str, Any]], found: Doors,
                targets: dict[str, list[str]]) -> dict[str, set[int | None]] | None:
    """Security group id -> ports open to the whole internet (None: every port); None when unread."""
    ids = sorted({g for lb in balancers for g in lb.get("SecurityGroups") or []})
    if not ids:
        return {}
    try:
        pages = ec2.get_paginator("describe_security_groups").paginate(GroupIds=ids)
        groups = [g for page in pages for g in page["SecurityGroups"]]
    except AWS_ERRORS as exc:
        found.blind += [Blind(describe(exc, "ec2:DescribeSecurityGroups"), SERVICE, arn) for arn in targets]
        return None
    ports: dict[str, set[int | None]] = {}
    for group in groups:
        for rule in group.get("IpPermissions") or []:
            cidrs = {r.get("CidrIp") for r in rule.get("IpRanges") or []} | {
                r.get("CidrIpv6") for r in rule.get("Ipv6Ranges") or []}
            if not cidrs & _EVERYWHERE:
                continue
            if rule.get("IpProtocol") == "-1" or "FromPort" not in rule:
                ports.setdefault(group["GroupId"], set()).add(None)
            else:
                ports.setdefault(group["GroupId"], set()).update(range(rule["FromPort"], rule["ToPort"] + 1))
    return ports


def _rules(elbv2: Any, lb: dict[str, Any]) -> list[_Rule]:
    rules = []
    for listener in _all(elbv2, "describe_listeners", "Listeners", LoadBalancerArn=lb["LoadBalancerArn"]):
        for rule in _all(elbv2, "describe_rules", "Rules", ListenerArn=listener["ListenerArn"]):
            rules.append(_rule(listener, rule))
    return rules


def _rule(listener: dict[str, Any], rule: dict[str, Any]) -> _Rule:
    conditions, source_ip = [], []
    for condition in rule.get("Conditions") or []:
        field = condition.get("Field", "")
        values = list(condition.get("Values") or []) or [
            v for config in condition.values() if isinstance(config, dict) for v in config.get("Values") or []]
        if field == "source-ip":
            source_ip += [v for v in values if v not in _EVERYWHERE]
        conditions.append(f"{field} {','.join(values)}")
    authenticated, groups = None, []
    for action in sorted(rule.get("Actions") or [], key=lambda a: a.get("Order", 0)):
        kind = action.get("Type", "")
        if kind.startswith("authenticate-"):
            config = action.get("AuthenticateOidcConfig") or action.get("AuthenticateCognitoConfig") or {}
            if str(config.get("OnUnauthenticatedRequest", "authenticate")).lower() != "allow":
                authenticated = kind
        elif kind == "forward":
            groups = [action["TargetGroupArn"]] if action.get("TargetGroupArn") else [
                g["TargetGroupArn"] for g in (action.get("ForwardConfig") or {}).get("TargetGroups") or []]
            break
        else:
            break  # a redirect or fixed response ends the rule without reaching a target
    where = f"{listener.get('Protocol', '')}:{listener.get('Port', '')}"
    label = "default rule" if rule.get("IsDefault") else "; ".join(conditions) or "rule"
    return _Rule(f"{where} {label}", conditions, source_ip, authenticated, groups)


def _path(lb: dict[str, Any], rule: _Rule, open_ports: dict[str, set[int | None]] | None) -> InvocationPath:
    port = int(rule.listener.split(" ", 1)[0].split(":")[-1] or 0)
    internet = lb.get("Scheme") == "internet-facing"
    reachable = internet and open_ports is not None and any(
        None in open_ports.get(g, set()) or port in open_ports.get(g, set()) for g in lb.get("SecurityGroups") or [])
    limits = []
    if not internet:
        limits.append("scheme internal")
    elif not reachable:
        limits.append(f"security groups do not open port {port} to 0.0.0.0/0 or ::/0")
    if rule.source_ip:
        limits.append(f"source-ip {','.join(rule.source_ip)}")
    authenticated = rule.authenticated
    return InvocationPath(
        via="load_balancer", principal=f"users the {authenticated} action signs in" if authenticated else "*",
        principal_kind="identity" if authenticated else "anonymous", narrowed=bool(limits),
        conditions=limits, auth="platform" if authenticated else "none", front_door=lb["LoadBalancerArn"],
        route=rule.listener,
        evidence=f"load balancer {lb.get('LoadBalancerName')} ({lb.get('Scheme')}) {rule.listener}"
                 + (f" ({authenticated})" if authenticated else " (no authentication)")
                 + (f"; {'; '.join(limits)}" if limits else ""),
    )
