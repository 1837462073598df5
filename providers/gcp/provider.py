"""The GCP provider: Cloud Functions 1st gen (v1 API) and 2nd gen (v2 API + Cloud Run).

Collection runs in three phases on one bounded thread pool, so no task ever waits on another
task in the same pool (which could deadlock a small pool):
1. per project: list v1 functions, list v2 functions, read the project IAM policy;
2. per function: the invoker IAM policy (v1 function, or the Cloud Run service for 2nd gen) and
   the Cloud Run service; per project and location: the live runtime list;
3. map and enrich, with every refused call recorded in ``unknown``.

1st gen functions appear in both APIs (the v2 API lists them with ``environment: GEN_1``). The v1
API is the authority for them: only it reports ``httpsTrigger.securityLevel``, build environment
variables and the function's own invoker policy. The v2 copy is used only when the v1 listing failed.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, ClassVar

from providers.gcp import clients as gclients
from providers.gcp import iam, lifecycle, mapping
from providers.gcp.clients import RETRY, TIMEOUT, Clients, describe, is_fatal
from providers.gcp.mapping import ProjectInfo
from providers.gcp.options import GcpOptions
from scanner.inventory import InvocationPath, ServerlessFunction
from scanner.provider import Collection, ProgressSink, Provider, ProviderConfigError, TargetStatus

IDENTITY_PATHS = (
    "identity.admin",
    "identity.wildcard",
    "identity.privilege_escalation",
    "identity.modify_functions",
)
V1_INVOKER = ("roles/cloudfunctions.invoker",)
RUN_INVOKER = ("roles/run.invoker",)


@dataclass
class Outcome:
    """A call's answer or the exception it raised; threads never lose an error."""

    value: Any = None
    error: BaseException | None = None


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


def _run(call: Callable[[], Any]) -> Outcome:
    try:
        return Outcome(value=call())
    except Exception as exc:  # recorded, then reported as unknown facts or a failed target
        return Outcome(error=exc)


class GcpProvider(Provider):
    name: ClassVar[str] = "gcp"
    title: ClassVar[str] = "Google Cloud Functions"
    Options: ClassVar[type[GcpOptions]] = GcpOptions

    options: GcpOptions

    def collect(self, progress: ProgressSink) -> Collection:
        opts = self.options
        api = gclients.build(opts)
        scope: dict[str, list[str] | str] = {"projects": opts.projects or "all ACTIVE projects visible"}
        if opts.organization:
            scope["organization"] = f"organizations/{opts.organization}"
        if opts.folder:
            scope["folder"] = f"folders/{opts.folder}"
        if opts.gcp_endpoint:
            scope["endpoint"] = opts.gcp_endpoint
        with ThreadPoolExecutor(max_workers=opts.workers, thread_name_prefix="gcp") as pool:
            scans, failed = self._resolve_projects(api, pool)
            self._phase(
                pool,
                progress,
                "gcp projects",
                [task for scan in scans for task in self._project_tasks(api, scan)],
            )
            detail_tasks: list[Callable[[], None]] = []
            for scan in scans:
                detail_tasks += self._function_tasks(api, scan)
            self._phase(pool, progress, "gcp functions", detail_tasks)
        functions: list[ServerlessFunction] = []
        targets = list(failed)
        for scan in scans:
            found = self._finish(scan)
            functions += found
            targets.append(self._target(scan, found))
        return Collection(functions=functions, targets=targets, scope=scope)

    # -- phase plumbing

    @staticmethod
    def _phase(pool: ThreadPoolExecutor, progress: ProgressSink, label: str, tasks: list[Callable[[], None]]) -> None:
        if not tasks:
            return
        progress.add_work(len(tasks), label)
        futures: list[Future[None]] = [pool.submit(task) for task in tasks]
        for future in futures:
            future.result()  # tasks catch their own errors; this only waits
            progress.advance()

    # -- projects

    def _resolve_projects(self, api: Clients, pool: ThreadPoolExecutor) -> tuple[list[ProjectScan], list[TargetStatus]]:
        opts = self.options
        where = f"at {opts.gcp_endpoint}" if opts.gcp_endpoint else ""
        if opts.projects:
            outcomes = list(
                pool.map(
                    lambda p: _run(
                        lambda: api.projects.get_project(name=f"projects/{p}", retry=RETRY, timeout=TIMEOUT)
                    ),
                    opts.projects,
                )
            )
            scans, failed = [], []
            for project_id, outcome in zip(opts.projects, outcomes, strict=True):
                if outcome.error is not None:
                    if is_fatal(outcome.error):
                        raise ProviderConfigError(
                            f"gcp: cannot use the Google APIs {where}: {describe(outcome.error)}".replace("  ", " ")
                        )
                    failed.append(
                        TargetStatus(
                            provider="gcp",
                            account=project_id,
                            status="failed",
                            error=f"project not readable: {describe(outcome.error)}",
                        )
                    )
                elif outcome.value.state.name != "ACTIVE":
                    failed.append(
                        TargetStatus(
                            provider="gcp",
                            account=project_id,
                            status="failed",
                            error=f"project is {outcome.value.state.name}, not ACTIVE",
                        )
                    )
                else:
                    scans.append(ProjectScan(self._info(outcome.value)))
            return scans, failed
        query = "state:ACTIVE"
        if opts.organization:
            query += f" parent:organizations/{opts.organization}"
        if opts.folder:
            query += f" parent:folders/{opts.folder}"
        found = _run(lambda: list(api.projects.search_projects(query=query, retry=RETRY, timeout=TIMEOUT)))
        if found.error is not None:
            if is_fatal(found.error):
                raise ProviderConfigError(
                    f"gcp: cannot use the Google APIs {where}: {describe(found.error)}".replace("  ", " ")
                )
            raise ProviderConfigError(
                f"gcp: cannot search projects ({describe(found.error)}); name them with --project"
            )
        return [ProjectScan(self._info(p)) for p in found.value], []

    @staticmethod
    def _info(project: Any) -> ProjectInfo:
        return ProjectInfo(
            project_id=project.project_id,
            number=project.name.rsplit("/", 1)[-1],
            display_name=project.display_name or project.project_id,
        )

    def _project_tasks(self, api: Clients, scan: ProjectScan) -> list[Callable[[], None]]:
        parent = f"projects/{scan.info.project_id}/locations/-"

        def v1() -> None:
            scan.v1 = _run(
                lambda: list(api.functions_v1.list_functions(request={"parent": parent}, retry=RETRY, timeout=TIMEOUT))
            )

        def v2() -> None:
            scan.v2 = _run(lambda: list(api.functions_v2.list_functions(parent=parent, retry=RETRY, timeout=TIMEOUT)))

        def policy() -> None:
            scan.policy = _run(
                lambda: api.projects.get_iam_policy(
                    resource=f"projects/{scan.info.project_id}", retry=RETRY, timeout=TIMEOUT
                )
            )

        return [v1, v2, policy]

    # -- functions

    def _function_tasks(self, api: Clients, scan: ProjectScan) -> list[Callable[[], None]]:
        """Pick the records to scan (see the module docstring) and the calls each one needs."""
        records: list[tuple[str, Any]] = []
        if scan.v1.error is None:
            records += [("v1", f) for f in scan.v1.value]
        else:
            scan.problems.append(f"1st gen functions listed through the v2 API only: {describe(scan.v1.error)}")
        if scan.v2.error is None:
            for f in scan.v2.value:
                gen1 = mapping._enum(f.environment) == "GEN_1"
                if not gen1 or scan.v1.error is not None:
                    records.append(("v2", f))
        else:
            scan.problems.append(f"2nd gen functions not listed: {describe(scan.v2.error)}")

        tasks: list[Callable[[], None]] = []
        locations = sorted({r.name.split("/")[3] for _, r in records})
        for location in locations:
            tasks.append(self._runtime_task(api, scan, location))
        for source, record in records:
            slot: dict[str, Outcome] = {}
            scan.records.append((source, record, slot))
            tasks += self._detail_tasks(api, source, record, slot)
        return tasks

    @staticmethod
    def _runtime_task(api: Clients, scan: ProjectScan, location: str) -> Callable[[], None]:
        def task() -> None:
            scan.runtimes[location] = _run(
                lambda: lifecycle.live_table(
                    api.functions_v2.list_runtimes(
                        parent=f"projects/{scan.info.project_id}/locations/{location}",
                        retry=RETRY,
                        timeout=TIMEOUT,
                    )
                )
            )

        return task

    @staticmethod
    def _detail_tasks(api: Clients, source: str, record: Any, slot: dict[str, Outcome]) -> list[Callable[[], None]]:
        if source == "v1":

            def v1_policy() -> None:
                slot["policy"] = _run(
                    lambda: api.functions_v1.get_iam_policy(
                        request={"resource": record.name}, retry=RETRY, timeout=TIMEOUT
                    )
                )

            return [v1_policy]
        service = record.service_config.service
        if not service:  # a GEN_1 record from the v2 API: no Cloud Run service behind it
            return []

        def run_policy() -> None:
            slot["policy"] = _run(
                lambda: api.run.get_iam_policy(request={"resource": service}, retry=RETRY, timeout=TIMEOUT)
            )

        def run_service() -> None:
            slot["service"] = _run(lambda: api.run.get_service(name=service, retry=RETRY, timeout=TIMEOUT))

        return [run_policy, run_service]

    # -- phase 3: map and enrich

    def _finish(self, scan: ProjectScan) -> list[ServerlessFunction]:
        out = []
        for source, record, slot in scan.records:
            location = record.name.split("/")[3]
            rt = scan.runtimes.get(location)
            live = rt.value if rt is not None and rt.error is None else None
            if source == "v1":
                fn = mapping.from_v1(record, scan.info, live)
                self._invokers(fn, slot.get("policy"), V1_INVOKER, scan.info, "the function")
            else:
                fn = mapping.from_v2(record, scan.info, live)
                if fn.kind == "cloud_function_v1":
                    reason = "1st gen invoker policy needs the v1 API, which failed"
                    fn.mark_unknown("network.invocation", reason)
                    fn.mark_unknown("encryption.https_only", reason)
                else:
                    self._cloud_run(fn, slot.get("service"))
                    self._invokers(fn, slot.get("policy"), RUN_INVOKER, scan.info, "the Cloud Run service")
            self._identity(fn, scan)
            out.append(fn)
        return out

    @staticmethod
    def _invokers(
        fn: ServerlessFunction, outcome: Outcome | None, roles: tuple[str, ...], info: ProjectInfo, what: str
    ) -> None:
        if outcome is None or outcome.error is not None:
            reason = describe(outcome.error) if outcome and outcome.error else "not fetched"
            fn.mark_unknown("network.invocation", f"getIamPolicy on {what} failed: {reason}")
            return
        fn.network.invocation += iam.invocation_paths(outcome.value, roles, info.project_id, info.number, what)

    @staticmethod
    def _cloud_run(fn: ServerlessFunction, outcome: Outcome | None) -> None:
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

    @staticmethod
    def _identity(fn: ServerlessFunction, scan: ProjectScan) -> None:
        if scan.policy.error is not None:
            reason = f"project getIamPolicy failed: {describe(scan.policy.error)}"
            for path in IDENTITY_PATHS:
                fn.mark_unknown(path, reason)
            return
        grants = iam.identity_grants(scan.policy.value, fn.identity.principal or "", scan.info.project_id)
        fn.identity.admin = grants.admin
        fn.identity.wildcard = grants.wildcard
        fn.identity.privilege_escalation = grants.privilege_escalation
        fn.identity.modify_functions = grants.modify_functions

    @staticmethod
    def _target(scan: ProjectScan, found: list[ServerlessFunction]) -> TargetStatus:
        project = scan.info.project_id
        if scan.v1.error is not None and scan.v2.error is not None:
            return TargetStatus(
                provider="gcp",
                account=project,
                status="failed",
                error=f"functions not listed: {describe(scan.v2.error)}",
            )
        problems = list(scan.problems)
        if scan.policy.error is not None:
            problems.append(f"project IAM policy not readable: {describe(scan.policy.error)}")
        gaps = [fn for fn in found if fn.unknown]
        if gaps:
            path, reason = next(iter(gaps[0].unknown.items()))
            problems.append(f"{len(gaps)} function(s) with unread facts, e.g. {gaps[0].name}: {path} ({reason})")
        if problems:
            return TargetStatus(
                provider="gcp",
                account=project,
                status="partial",
                functions=len(found),
                error="; ".join(problems),
            )
        return TargetStatus(provider="gcp", account=project, status="complete", functions=len(found))
