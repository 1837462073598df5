"""The GCP provider: Cloud Functions 1st gen (v1 API) and 2nd gen (v2 API + Cloud Run), one shard
per project.

Planning resolves the projects in scope. A shard reads its project in phases on the process's
bounded thread pool, so no task ever waits on another task in the same pool (which could deadlock
a small pool):
0. the folders above the project, walked up to the organization, and every node's IAM policy
   (once per process, however many projects share it);
1. list v1 functions, list v2 functions, read the project IAM policy;
2. per function: the invoker IAM policy (v1 function, or the Cloud Run service for 2nd gen) and the
   Cloud Run service; per location: the live runtime list; per CMEK key and per trigger topic: the
   key, the topic's IAM policy (once per process);
3. per role named in any policy read: its permissions (IAM roles.get, once per process);
4. map and enrich, with every refused call recorded in ``unknown``.
Every policy is read with requestedPolicyVersion 3. No phase makes a per-function call except 2.
What crosses projects (front doors, the functions a folder grant reaches) comes from the process's
shared reads (providers.gcp.shared), so a shard's functions get the facts of an unsharded scan.
"""

from __future__ import annotations

from typing import Any, ClassVar

from providers.gcp import enrich, lifecycle, mapping, roles
from providers.gcp.clients import RETRY, TIMEOUT, Clients, describe
from providers.gcp.enrich import ProjectScan
from providers.gcp.front_doors import paths as door_paths
from providers.gcp.hierarchy import POLICY_OPTIONS
from providers.gcp.listing import list_v1, list_v2, select
from providers.gcp.options import GcpOptions
from providers.gcp.outcome import Outcome, run
from providers.gcp.roles import RolePermissions
from providers.gcp.shared import Shared, Task, run_all
from scanner.inventory import ServerlessFunction
from scanner.once import Kept
from scanner.provider import Collection, ProgressSink, ProviderConfigError, ShardedProvider, ShardSpec, TargetStatus


class GcpProvider(ShardedProvider):
    name: ClassVar[str] = "gcp"
    title: ClassVar[str] = "Google Cloud Functions"
    Options: ClassVar[type[GcpOptions]] = GcpOptions

    options: GcpOptions

    def __init__(self, options: GcpOptions) -> None:
        super().__init__(options)
        self._kept = Kept(lambda: Shared(options))

    def close(self) -> None:
        self._kept.close()

    def plan_shards(self, progress: ProgressSink) -> list[ShardSpec]:
        infos, failed = self._kept.get().projects()
        progress.note(f"gcp: {len(infos)} project(s)")
        return [ShardSpec(provider="gcp", account=t.account, error=t.error) for t in failed] + [
            ShardSpec(provider="gcp", account=i.project_id, account_name=i.display_name) for i in infos]

    def _scope(self) -> dict[str, list[str] | str]:
        opts = self.options
        scope: dict[str, list[str] | str] = {"projects": opts.projects or "all ACTIVE projects visible"}
        if opts.organization:
            scope["organization"] = f"organizations/{opts.organization}"
        if opts.folder:
            scope["folder"] = f"folders/{opts.folder}"
        if opts.gcp_endpoint:
            scope["endpoint"] = opts.gcp_endpoint
        return scope

    def collect_shard(self, spec: ShardSpec, progress: ProgressSink) -> Collection:
        scope = self._scope()
        if spec.error:
            return spec.failed(spec.error, scope)
        kept = self._kept.get()
        try:
            info = next((i for i in kept.projects()[0] if i.project_id == spec.account), None)
        except ProviderConfigError as exc:  # this process cannot resolve the projects: this shard fails
            return spec.failed(str(exc), scope)
        if info is None:
            return spec.failed("project no longer in scope when its shard ran", scope)
        scan = ProjectScan(info)
        found, book = self._project(kept, scan)
        if book:
            scope["role permissions"] = roles.sources_used(book)
        return Collection(functions=found, targets=[self._target(scan, found)], scope=scope)

    def _project(self, kept: Shared, scan: ProjectScan) -> tuple[list[ServerlessFunction], dict[str, RolePermissions]]:
        api, project = kept.api, scan.info.project_id

        def v1() -> None:
            scan.v1 = list_v1(api, project)

        def v2() -> None:
            scan.v2 = list_v2(api, project)

        def policy() -> None:
            scan.policy = run(lambda: api.projects.get_iam_policy(
                request={"resource": f"projects/{project}", "options": POLICY_OPTIONS}, retry=RETRY, timeout=TIMEOUT))

        run_all(kept.pool, [v1, v2, policy])
        kept.ancestry([scan.info.parent], policies=True)
        records, scan.problems = select(scan.v1, scan.v2)
        kept.keep_resources(project, [r for _, rec in records for r in enrich.resources_of(rec, scan.info)])
        keys: dict[str, Outcome] = {}
        topics: dict[str, Outcome] = {}
        run_all(kept.pool, self._function_tasks(api, scan, records) + self._shared_tasks(kept, scan, keys, topics))
        book = self._roles(kept, scan, topics)
        above = enrich.inherited(scan, kept.tree)
        doors = kept.doors()
        found = []
        for source, record, slot in scan.records:
            fn = self._finish(scan, source, record, slot, above, book, keys, kept)
            service = getattr(getattr(record, "service_config", None), "service", "")
            # After the invoker IAM: a front door's path counts only where that IAM admits its caller.
            door_paths.gateway_paths(fn, doors)
            door_paths.lb_paths(fn, doors, service)
            door_paths.topic_paths(fn, record, topics, book, scan.info)
            found.append(fn)
        return found, book

    # -- functions

    def _function_tasks(self, api: Clients, scan: ProjectScan, records: list[tuple[str, Any]]) -> list[Task]:
        """The calls each record to scan needs, and one runtime list per location."""
        tasks: list[Task] = []
        locations = sorted({r.name.split("/")[3] for _, r in records})
        for location in locations:
            tasks.append(self._runtime_task(api, scan, location))
        for source, record in records:
            slot: dict[str, Outcome] = {}
            scan.records.append((source, record, slot))
            tasks += self._detail_tasks(api, source, record, slot)
        return tasks

    @staticmethod
    def _runtime_task(api: Clients, scan: ProjectScan, location: str) -> Task:
        def task() -> None:
            scan.runtimes[location] = run(
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
    def _detail_tasks(api: Clients, source: str, record: Any, slot: dict[str, Outcome]) -> list[Task]:
        if source == "v1":

            def v1_policy() -> None:
                slot["policy"] = run(
                    lambda: api.functions_v1.get_iam_policy(
                        request={"resource": record.name, "options": POLICY_OPTIONS}, retry=RETRY, timeout=TIMEOUT
                    )
                )

            return [v1_policy]
        service = record.service_config.service
        if not service:  # a GEN_1 record from the v2 API: no Cloud Run service behind it
            return []

        def run_policy() -> None:
            slot["policy"] = run(
                lambda: api.run.get_iam_policy(
                    request={"resource": service, "options": POLICY_OPTIONS}, retry=RETRY, timeout=TIMEOUT
                )
            )

        def run_service() -> None:
            slot["service"] = run(lambda: api.run.get_service(name=service, retry=RETRY, timeout=TIMEOUT))

        return [run_policy, run_service]

    @staticmethod
    def _shared_tasks(kept: Shared, scan: ProjectScan, keys: dict[str, Outcome],
                      topics: dict[str, Outcome]) -> list[Task]:
        """The project's CMEK keys and trigger topics, each read once per process."""
        key_names = sorted({r.kms_key_name for _, r, _ in scan.records if r.kms_key_name})
        topic_names = sorted({t[0] for _, r, _ in scan.records if (t := door_paths.topic_of(r))})

        def key(name: str) -> Task:
            return lambda: keys.__setitem__(name, kept.key(name))

        def topic(name: str) -> Task:
            return lambda: topics.__setitem__(name, kept.topic(name))

        return [key(n) for n in key_names] + [topic(n) for n in topic_names]

    @staticmethod
    def _roles(kept: Shared, scan: ProjectScan, topics: dict[str, Outcome]) -> dict[str, RolePermissions]:
        """Every role named in a policy this project's functions are judged by (roles.get, once per process)."""
        policies = [scan.policy, *topics.values()]
        policies += [kept.tree.policies[n] for n in kept.tree.chain(scan.info.parent)[0] if n in kept.tree.policies]
        policies += [slot["policy"] for _, _, slot in scan.records if "policy" in slot]
        names = sorted({b.role for o in policies if o.error is None for b in o.value.bindings})
        book: dict[str, RolePermissions] = {}

        def task(name: str) -> Task:
            return lambda: book.__setitem__(name, kept.role(name))

        run_all(kept.pool, [task(n) for n in names])
        return book

    # -- map and enrich

    @staticmethod
    def _finish(scan: ProjectScan, source: str, record: Any, slot: dict[str, Outcome], above: enrich.Inherited,
                book: dict[str, RolePermissions], keys: dict[str, Outcome], kept: Shared) -> ServerlessFunction:
        location = record.name.split("/")[3]
        rt = scan.runtimes.get(location)
        live = rt.value if rt is not None and rt.error is None else None
        if source == "v1":
            fn = mapping.from_v1(record, scan.info, live)
            enrich.invokers(fn, above, slot.get("policy"), book, scan.info, True, record.name)
        else:
            fn = mapping.from_v2(record, scan.info, live)
            if fn.kind == "cloud_function_v1":
                reason = "1st gen invoker policy needs the v1 API, which failed"
                fn.mark_unknown("network.invocation", reason)
                fn.mark_unknown("encryption.https_only", reason)
            else:
                enrich.cloud_run(fn, slot.get("service"))
                service = record.service_config.service
                enrich.invokers(fn, above, slot.get("policy"), book, scan.info, False, service)
        enrich.identity(fn, above, book, kept.reach)
        enrich.encryption_key(fn, keys)
        return fn

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
