"""The GCP provider: Cloud Functions 1st gen (v1 API) and 2nd gen (v2 API + Cloud Run).

Collection runs in phases on one bounded thread pool, so no task ever waits on another task in
the same pool (which could deadlock a small pool):
0. the projects in scope, then the folders above them, walked up to the organization;
1. per project: list v1 functions, list v2 functions, read the project IAM policy; per folder and
   organization above: its IAM policy (once, however many projects share it);
2. per function: the invoker IAM policy (v1 function, or the Cloud Run service for 2nd gen) and
   the Cloud Run service; per project and location: the live runtime list; per CMEK key: the key;
3. per role named in any policy read: its permissions (IAM roles.get);
4. map and enrich, with every refused call recorded in ``unknown``.
Every policy is read with requestedPolicyVersion 3. No phase makes a per-function call except 2.

1st gen functions appear in both APIs (the v2 API lists them with ``environment: GEN_1``). The v1
API is the authority for them: only it reports ``httpsTrigger.securityLevel``, build environment
variables and the function's own invoker policy. The v2 copy is used only when the v1 listing failed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ClassVar

from providers.gcp import clients as gclients
from providers.gcp import enrich, iam, lifecycle, mapping, projects, roles
from providers.gcp.clients import RETRY, TIMEOUT, Clients, describe
from providers.gcp.enrich import Inherited, ProjectScan
from providers.gcp.hierarchy import POLICY_OPTIONS, Hierarchy
from providers.gcp.options import GcpOptions
from providers.gcp.outcome import Outcome, run
from providers.gcp.roles import RolePermissions
from scanner.inventory import ServerlessFunction
from scanner.provider import Collection, ProgressSink, Provider, TargetStatus


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
        hierarchy = Hierarchy()
        keys: dict[str, Outcome] = {}
        with ThreadPoolExecutor(max_workers=opts.workers, thread_name_prefix="gcp") as pool:
            infos, failed = projects.resolve(opts, api, pool)
            scans = [ProjectScan(info) for info in infos]
            while pending := hierarchy.pending([s.info.parent for s in scans]):
                self._phase(pool, progress, "gcp folders", hierarchy.read_folder_tasks(api, pending))
            nodes = {n for s in scans for n in hierarchy.chain(s.info.parent)[0]}
            self._phase(
                pool,
                progress,
                "gcp projects",
                [task for scan in scans for task in self._project_tasks(api, scan)]
                + hierarchy.policy_tasks(api, nodes),
            )
            detail_tasks: list[Callable[[], None]] = []
            for scan in scans:
                detail_tasks += self._function_tasks(api, scan)
            detail_tasks += self._key_tasks(api, scans, keys)
            self._phase(pool, progress, "gcp functions", detail_tasks)
            book = self._roles(api, pool, progress, scans, hierarchy)
        if book:
            scope["role permissions"] = roles.sources_used(book)
        reach = iam.FunctionReach(self._functions_below(scans, hierarchy))
        functions: list[ServerlessFunction] = []
        targets = list(failed)
        for scan in scans:
            found = self._finish(scan, enrich.inherited(scan, hierarchy), book, keys, reach)
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

    def _project_tasks(self, api: Clients, scan: ProjectScan) -> list[Callable[[], None]]:
        parent = f"projects/{scan.info.project_id}/locations/-"

        def v1() -> None:
            scan.v1 = run(
                lambda: list(api.functions_v1.list_functions(request={"parent": parent}, retry=RETRY, timeout=TIMEOUT))
            )

        def v2() -> None:
            scan.v2 = run(lambda: list(api.functions_v2.list_functions(parent=parent, retry=RETRY, timeout=TIMEOUT)))

        def policy() -> None:
            scan.policy = run(
                lambda: api.projects.get_iam_policy(
                    request={"resource": f"projects/{scan.info.project_id}", "options": POLICY_OPTIONS},
                    retry=RETRY,
                    timeout=TIMEOUT,
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
    def _detail_tasks(api: Clients, source: str, record: Any, slot: dict[str, Outcome]) -> list[Callable[[], None]]:
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
    def _key_tasks(api: Clients, scans: list[ProjectScan], keys: dict[str, Outcome]) -> list[Callable[[], None]]:
        """One cryptoKeys.get per CMEK key, however many functions use it."""
        names = sorted({r.kms_key_name for scan in scans for _, r, _ in scan.records if r.kms_key_name})

        def task(name: str) -> Callable[[], None]:
            def read() -> None:
                keys[name] = run(lambda: api.kms.get_crypto_key(name=name, retry=RETRY, timeout=TIMEOUT))

            return read

        return [task(n) for n in names]

    def _roles(
        self, api: Clients, pool: ThreadPoolExecutor, progress: ProgressSink, scans: list[ProjectScan], tree: Hierarchy
    ) -> dict[str, RolePermissions]:
        """Every role named in any policy read, resolved once (roles.get; full permissions)."""
        policies = [s.policy for s in scans] + list(tree.policies.values())
        policies += [slot["policy"] for s in scans for _, _, slot in s.records if "policy" in slot]
        names = sorted({b.role for o in policies if o.error is None for b in o.value.bindings})
        book: dict[str, RolePermissions] = {}

        def task(name: str) -> Callable[[], None]:
            def read() -> None:
                got = run(lambda: api.iam.get_role(name))
                ok = got.error is None
                book[name] = roles.from_api(name, got.value) if ok else roles.from_failure(name, got.error)

            return read

        self._phase(pool, progress, "gcp roles", [task(n) for n in names])
        return book

    # -- map and enrich

    @staticmethod
    def _functions_below(scans: list[ProjectScan], tree: Hierarchy) -> dict[str, list[dict[str, str]]]:
        """Node (project, folder, organization) -> the scanned functions and services below it."""
        below: dict[str, list[dict[str, str]]] = defaultdict(list)
        for scan in scans:
            found = [r for _, record, _ in scan.records for r in enrich.resources_of(record, scan.info)]
            for node in (f"projects/{scan.info.project_id}", *tree.chain(scan.info.parent)[0]):
                below[node] += found
        return below

    def _finish(
        self,
        scan: ProjectScan,
        above: Inherited,
        book: dict[str, RolePermissions],
        keys: dict[str, Outcome],
        reach: iam.FunctionReach,
    ) -> list[ServerlessFunction]:
        out = []
        for source, record, slot in scan.records:
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
            enrich.identity(fn, above, book, reach)
            enrich.encryption_key(fn, keys)
            out.append(fn)
        return out

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
