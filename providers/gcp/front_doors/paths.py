"""Front-door invocation paths of one function, from the reads of the whole scan.

A front door only adds exposure where the function lets it through: its ingress must admit the
front door's traffic and its invoker IAM (already resolved into ``network.invocation``) must admit
the caller the front door presents."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from providers.gcp import iam
from providers.gcp.clients import describe
from providers.gcp.front_doors import openapi
from providers.gcp.front_doors.load_balancers import Backend, backends
from providers.gcp.front_doors.reads import FrontDoorReads
from providers.gcp.mapping import ProjectInfo
from providers.gcp.outcome import Outcome
from providers.gcp.roles import RolePermissions
from scanner.inventory import InvocationPath, ServerlessFunction

# Ingress that lets an external Application Load Balancer through (internal-only does not):
# https://cloud.google.com/functions/docs/networking/network-settings#ingress_settings
ADMITS_LB = {"ALLOW_ALL", "ALLOW_INTERNAL_AND_GCLB", "INGRESS_TRAFFIC_ALL", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"}
PUBLISH = "pubsub.topics.publish"
PUBLIC_KINDS = ("anonymous", "any_authenticated")
INVOCATION = "network.invocation"


@dataclass(frozen=True)
class GatewayRoute:
    gateway: str
    service_account: str
    route: openapi.Route


@dataclass
class Doors:
    """Scan-wide index of what the front doors reach, and the projects whose doors are unknown."""

    routes: list[GatewayRoute] = field(default_factory=list)
    gateway_gaps: dict[str, str] = field(default_factory=dict)  # project -> why
    lb: list[Backend] = field(default_factory=list)
    lb_gaps: dict[str, str] = field(default_factory=dict)
    masks: list[Backend] = field(default_factory=list)


def index(reads: FrontDoorReads) -> Doors:
    doors = Doors()
    for project, found in reads.projects.items():
        if found.gateways.error is not None:
            doors.gateway_gaps[project] = f"API Gateway gateways.list failed: {describe(found.gateways.error)}"
        else:
            for gateway in found.gateways.value:
                _gateway(doors, reads, project, gateway)
        failed = [(c, o.error) for c, o in found.compute.items() if o.error is not None]
        if failed:
            doors.lb_gaps[project] = f"Compute {failed[0][0]}.list failed: {describe(failed[0][1])}"
            continue
        for backend in backends(project, {c: o.value for c, o in found.compute.items()}):
            (doors.masks if backend.target is None else doors.lb).append(backend)
    return doors


def _gateway(doors: Doors, reads: FrontDoorReads, project: str, gateway: dict[str, Any]) -> None:
    name = str(gateway.get("name", ""))
    config = reads.configs.get(str(gateway.get("apiConfig", "")))
    if config is None or config.error is not None:
        cause = describe(config.error) if config and config.error else "not read"
        doors.gateway_gaps[project] = f"API config of gateway {name} not read: {cause}"
        return
    try:
        routes = [r for doc in openapi.documents(config.value) for r in openapi.routes(doc)]
    except openapi.Unresolved as exc:
        doors.gateway_gaps[project] = f"API config of gateway {name}: {exc}"
        return
    account = str(config.value.get("gatewayServiceAccount", ""))
    doors.routes += [GatewayRoute(name, account, r) for r in routes]


def _urls(fn: ServerlessFunction) -> set[str]:
    """The function's URLs without scheme: its own, and the cloudfunctions.net one both generations have."""
    urls = {f"{fn.region}-{fn.account}.cloudfunctions.net/{fn.name}"}
    if fn.network.endpoint_url:
        parts = urlsplit(fn.network.endpoint_url)
        urls.add(f"{parts.netloc}{parts.path}".rstrip("/"))
    return urls


def _reaches(address: str, urls: set[str]) -> bool:
    parts = urlsplit(address)
    target = f"{parts.netloc}{parts.path}".rstrip("/")
    return any(target == u or target.startswith(u + "/") for u in urls)


def _public(fn: ServerlessFunction) -> list[InvocationPath]:
    direct = ("iam_binding", "http_trigger")
    return [p for p in fn.network.invocation if p.via in direct and p.principal_kind in PUBLIC_KINDS]


def _admits_account(fn: ServerlessFunction, account: str) -> bool:
    return bool(_public(fn)) or any(p.principal == f"serviceAccount:{account}" for p in fn.network.invocation)


def _unknown(fn: ServerlessFunction, reason: str) -> None:
    if INVOCATION not in fn.unknown:
        fn.mark_unknown(INVOCATION, reason)


def gateway_paths(fn: ServerlessFunction, doors: Doors) -> None:
    """API Gateway calls the backend's public URL as its own service account (an ID token), unless
    ``disable_auth``: https://cloud.google.com/api-gateway/docs/securing-backend-services"""
    urls = _urls(fn)
    for entry in doors.routes:
        route = entry.route
        if not _reaches(route.address, urls):
            continue
        if fn.network.public_ingress is not True:
            # The gateway is outside the project's network: internal-only ingress refuses it.
            if fn.network.public_ingress is None:
                _unknown(fn, f"gateway {entry.gateway} routes to it and its ingress is unknown")
            continue
        account = entry.service_account
        if account and "@" not in account:  # projects/P/accounts/UNIQUE_ID: not comparable to IAM members
            _unknown(fn, f"gateway {entry.gateway} calls it as {account}, an account not named by email")
            continue
        if route.disable_auth or not account:
            # No ID token reaches the backend: only allUsers (or invoker IAM disabled) lets it in.
            admitted = any(p.principal_kind == "anonymous" for p in _public(fn))
        else:
            admitted = _admits_account(fn, account)
        if not admitted:
            continue
        who = route.who
        fn.network.invocation.append(
            InvocationPath(
                via="api_gateway",
                principal=who.principal,
                principal_kind=who.kind,
                auth=who.auth,
                front_door=entry.gateway,
                route=f"{route.method} {route.path}",
                evidence=f"API Gateway {entry.gateway.rsplit('/', 1)[-1]} {route.method} {route.path} ({who.why}), "
                + ("without an ID token" if route.disable_auth or not account else f"calling as {account}"),
            )
        )
    if fn.network.endpoint_url and fn.network.public_ingress and fn.account in doors.gateway_gaps:
        _unknown(fn, doors.gateway_gaps[fn.account])


def _lb_target(fn: ServerlessFunction, service: str) -> set[tuple[str, str, str, str]]:
    out = {("function", fn.account, fn.region, fn.name)}
    if service:
        out.add(("service", fn.account, fn.region, service.rsplit("/", 1)[-1]))
    return out


def lb_paths(fn: ServerlessFunction, doors: Doors, service: str) -> None:
    """A load balancer passes ingress set to admit it, never IAM: the caller still needs an invoker
    grant, which only allUsers / allAuthenticatedUsers (or invoker IAM disabled) give the internet.
    https://cloud.google.com/run/docs/securing/ingress#internal-services"""
    if (fn.network.ingress or "") not in ADMITS_LB:
        return
    public = _public(fn)
    if not public:
        return
    targets = _lb_target(fn, service)
    for backend in doors.lb:
        if backend.target not in targets:
            continue
        route = f"{backend.rule_name} {backend.route}"
        lead = f"load balancer {backend.rule_name} ({backend.address}) {backend.route} -> {backend.backend_service}"
        if backend.iap:
            # IAP signs users in before the request reaches the backend.
            fn.network.invocation.append(
                InvocationPath(via="load_balancer", principal=f"users IAP admits on {backend.backend_service}",
                               principal_kind="identity", auth="platform", front_door=backend.rule, route=route,
                               evidence=f"{lead} (IAP enabled)")
            )
            continue
        fn.network.invocation += [
            InvocationPath(via="load_balancer", principal=p.principal, principal_kind=p.principal_kind,
                           auth=p.auth, front_door=backend.rule, route=route,
                           evidence=f"{lead} (no IAP; invoker {p.principal} from {p.evidence})")
            for p in public
        ]
    if fn.account in doors.lb_gaps:
        _unknown(fn, doors.lb_gaps[fn.account])
    elif any(b.rule.startswith(f"projects/{fn.account}/") and b.target is None for b in doors.masks):
        _unknown(fn, "a serverless NEG with a URL mask may route to it")


def topic_of(record: Any) -> tuple[str, str] | None:
    """(topic, event type) of a Pub/Sub-triggered function: 1st gen ``eventTrigger.resource``, 2nd gen
    ``eventTrigger.pubsubTopic`` (the Eventarc trigger's transport topic)."""
    if "event_trigger" not in record:
        return None
    trigger = record.event_trigger
    event = trigger.event_type
    topic = getattr(trigger, "pubsub_topic", "") or ""
    if not topic and "pubsub" in event and "/topics/" in getattr(trigger, "resource", ""):
        topic = trigger.resource
    return (topic, event) if topic else None


def topic_paths(
    fn: ServerlessFunction,
    record: Any,
    topics: Mapping[str, Outcome],
    book: Mapping[str, RolePermissions],
    info: ProjectInfo,
) -> None:
    """Whoever may publish to the trigger topic invokes the function. allUsers / allAuthenticatedUsers
    can be granted only on the topic itself, never on a project, folder or organization
    (https://cloud.google.com/iam/docs/principals-overview#all-users), so the topic's policy decides."""
    found = topic_of(record)
    if found is None:
        return
    topic, event = found
    outcome = topics.get(topic)
    if outcome is None or outcome.error is not None:
        cause = describe(outcome.error) if outcome and outcome.error else "not read"
        _unknown(fn, f"getIamPolicy on trigger topic {topic} failed: {cause}")
        return
    resource = [{"resource.name": topic, "resource.type": "pubsub.googleapis.com/Topic",
                 "resource.service": "pubsub.googleapis.com"}]
    publishers = iam.invokers(iam.bindings(outcome.value, topic), PUBLISH, book, resource, info.project_id, info.number)
    fn.network.invocation += [
        InvocationPath(via="event_source", principal=p.principal, principal_kind=p.principal_kind, auth=p.auth,
                       conditions=p.conditions, front_door=topic, route=event,
                       evidence=f"Pub/Sub topic {topic.rsplit('/', 1)[-1]} publishers ({p.evidence})")
        for p in publishers.paths
        if p.principal_kind in PUBLIC_KINDS
    ]
    if publishers.gaps:
        _unknown(fn, f"publishers of trigger topic {topic} not all known: {publishers.gaps[0]}")


