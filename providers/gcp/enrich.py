"""Phase 3 of a GCP scan: facts that need more than the function's own record. Effective IAM
(inherited bindings resolved to permissions), Cloud Run service facts and CMEK key state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from providers.gcp import iam, kms, mapping, permissions
from providers.gcp.clients import describe
from providers.gcp.hierarchy import Hierarchy
from providers.gcp.mapping import ProjectInfo
from providers.gcp.outcome import Outcome
from providers.gcp.roles import RolePermissions
from scanner.inventory import InvocationPath, ServerlessFunction

IDENTITY_PATHS = (
    "identity.admin",
    "identity.wildcard",
    "identity.privilege_escalation",
    "identity.modify_functions",
)
GEN1_TYPE = ("cloudfunctions.googleapis.com/CloudFunction", "cloudfunctions.googleapis.com")
RUN_TYPE = ("run.googleapis.com/Service", "run.googleapis.com")


@dataclass
class ProjectScan:
    info: ProjectInfo
    v1: Outcome = field(default_factory=Outcome)
    v2: Outcome = field(default_factory=Outcome)
    policy: Outcome = field(default_factory=Outcome)
    runtimes: dict[str, Outcome] = field(default_factory=dict)
    # (source API, record, outcomes of its detail calls by name)
    records: list[tuple[str, Any, dict[str, Outcome]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class Inherited:
    """The bindings above one project, or why they are not all known."""

    bindings: list[iam.Binding]
    gap: str | None


def _forms(name: str, info: ProjectInfo, kind: tuple[str, str]) -> list[dict[str, str]]:
    """The resource a condition is evaluated against, named by project id and by number."""
    by_number = name.replace(f"projects/{info.project_id}/", f"projects/{info.number}/", 1)
    return [
        {"resource.name": n, "resource.type": kind[0], "resource.service": kind[1]}
        for n in dict.fromkeys((name, by_number))
    ]


def resources_of(record: Any, info: ProjectInfo) -> list[dict[str, str]]:
    """The function and, for 2nd gen, its Cloud Run service: what modify/invoke grants act on."""
    out = _forms(record.name, info, GEN1_TYPE)
    service = getattr(getattr(record, "service_config", None), "service", "")
    if service:
        out += _forms(service, info, RUN_TYPE)
    return out


def inherited(scan: ProjectScan, hierarchy: Hierarchy) -> Inherited:
    nodes, gap = hierarchy.chain(scan.info.parent)
    found: list[iam.Binding] = []
    if scan.policy.error is not None:
        gap = gap or f"project getIamPolicy failed: {describe(scan.policy.error)}"
    else:
        found += iam.bindings(scan.policy.value, f"projects/{scan.info.project_id}")
    for node in nodes:
        outcome = hierarchy.policies.get(node)
        if outcome is None or outcome.error is not None:
            cause = describe(outcome.error) if outcome and outcome.error else "not fetched"
            gap = gap or f"getIamPolicy on {node} failed: {cause}"
        else:
            found += iam.bindings(outcome.value, node)
    return Inherited(found, gap)


def invokers(
    fn: ServerlessFunction,
    above: Inherited,
    outcome: Outcome | None,
    book: Mapping[str, RolePermissions],
    info: ProjectInfo,
    gen1: bool,
    resource: str,
) -> None:
    """Who may invoke: the resource's own policy plus every inherited binding carrying the invoke
    permission (1st gen: cloudfunctions.functions.invoke; 2nd gen: run.routes.invoke on the service)."""
    what = "function" if gen1 else "Cloud Run service"
    if outcome is None or outcome.error is not None:
        reason = describe(outcome.error) if outcome and outcome.error else "not fetched"
        fn.mark_unknown("network.invocation", f"getIamPolicy on the {what} failed: {reason}")
        return
    own = iam.bindings(outcome.value, resource)
    permission = permissions.INVOKE_GEN1 if gen1 else permissions.INVOKE_RUN
    target = _forms(resource, info, GEN1_TYPE if gen1 else RUN_TYPE)
    found = iam.invokers([*above.bindings, *own], permission, book, target, info.project_id, info.number)
    fn.network.invocation += found.paths
    gap = above.gap or (found.gaps[0] if found.gaps else None)
    if gap:
        fn.mark_unknown("network.invocation", f"inherited invoker grants not all known: {gap}")


def cloud_run(fn: ServerlessFunction, outcome: Outcome | None) -> None:
    """Facts only the Cloud Run service knows: invoker IAM disabled, effective ingress, Direct VPC."""
    if outcome is None or outcome.error is not None:
        cause = describe(outcome.error) if outcome and outcome.error else "not fetched"
        reason = f"Cloud Run getService failed: {cause}"
        fn.mark_unknown("network.invocation", reason)
        if not fn.network.private_network.attached:
            fn.mark_unknown("network.private_network", reason)
        return
    service = outcome.value
    if service.invoker_iam_disabled:
        fn.network.invocation.append(
            InvocationPath(
                via="http_trigger",
                principal="allUsers",
                principal_kind="anonymous",
                auth="none",
                evidence="Cloud Run service has invokerIamDisabled: requests skip the IAM invoker check",
            )
        )
    run_ingress = mapping._enum(service.ingress)
    fn_public = fn.network.public_ingress
    if run_ingress and (fn_public is None or (run_ingress in mapping.ALLOW_ALL) != fn_public):
        # Changed on Cloud Run directly: the service's setting is the one enforced.
        fn.network.ingress = run_ingress
        fn.network.public_ingress = run_ingress in mapping.ALLOW_ALL
    vpc = service.template.vpc_access
    if vpc.network_interfaces:  # Direct VPC egress
        nic = vpc.network_interfaces[0]
        fn.network.private_network.attached = True
        fn.network.private_network.network_id = nic.network or fn.network.private_network.network_id
        fn.network.private_network.subnets = [n.subnetwork for n in vpc.network_interfaces if n.subnetwork]
    if vpc.connector or vpc.network_interfaces:
        fn.network.private_network.egress_via_private = mapping._enum(vpc.egress) == "ALL_TRAFFIC"


def identity(
    fn: ServerlessFunction,
    above: Inherited,
    book: Mapping[str, RolePermissions],
    reach: iam.FunctionReach,
) -> None:
    """What the runtime service account may do, from every binding above the function."""
    grants = iam.identity_grants(above.bindings, fn.identity.principal or "", book, reach)
    fn.identity.admin = grants.admin
    fn.identity.wildcard = grants.wildcard
    fn.identity.privilege_escalation = grants.privilege_escalation
    fn.identity.modify_functions = grants.modify_functions
    gap = above.gap or (grants.gaps[0] if grants.gaps else None)
    if gap is None:
        return
    for path in IDENTITY_PATHS:
        # A grant already found decides its check; only an empty category is in doubt.
        if not getattr(fn.identity, path.split(".", 1)[1]):
            fn.mark_unknown(path, f"grants not all known: {gap}")


def encryption_key(fn: ServerlessFunction, keys: Mapping[str, Outcome]) -> None:
    if fn.encryption.cmk is None:
        return
    key_id = fn.encryption.cmk.key_id
    fn.encryption.cmk, gap = kms.key_facts(key_id, keys.get(key_id))
    if gap:
        fn.mark_unknown("encryption.cmk.state", gap)
        fn.mark_unknown("encryption.cmk.rotation_enabled", gap)
