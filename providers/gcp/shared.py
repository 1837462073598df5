"""What one process keeps across the GCP projects (shards) it runs, each read once per process
however many of its shards need it: the API clients with their per-project pacing, the projects in
scope, the folders above them and every node's IAM policy, each role's permissions (roles.get), each
CMEK key, each trigger topic's IAM policy, the front doors of every scanned project (an API Gateway
in one project can route to a function in another), and what functions each project holds (what a
conditional folder or organization grant may reach)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from providers.gcp import clients as gclients
from providers.gcp import enrich, iam, projects, roles
from providers.gcp.clients import RETRY, TIMEOUT
from providers.gcp.front_doors import paths as door_paths
from providers.gcp.front_doors.reads import FrontDoorReads, topic_policy
from providers.gcp.hierarchy import Hierarchy
from providers.gcp.listing import list_v1, list_v2, select
from providers.gcp.mapping import ProjectInfo
from providers.gcp.options import GcpOptions
from providers.gcp.outcome import Outcome, run
from providers.gcp.roles import RolePermissions
from scanner.once import Once
from scanner.provider import TargetStatus

Task = Callable[[], None]


def run_all(pool: ThreadPoolExecutor, tasks: list[Task]) -> None:
    for future in [pool.submit(task) for task in tasks]:
        future.result()  # tasks catch their own errors; this only waits


class Shared:
    def __init__(self, options: GcpOptions) -> None:
        self.options = options
        self.api = gclients.build(options)
        self.pool = ThreadPoolExecutor(options.workers, "gcp")
        self.tree = Hierarchy()
        self._tree_lock = threading.Lock()
        self._projects: Once[tuple[list[ProjectInfo], list[TargetStatus]]] = Once()
        self._roles: Once[RolePermissions] = Once()
        self._keys: Once[Outcome] = Once()
        self._topics: Once[Outcome] = Once()
        self._doors: Once[door_paths.Doors] = Once()
        self._resources: Once[list[iam.Resource]] = Once()
        self.reach = iam.FunctionReach(self.below)

    def close(self) -> None:
        self.pool.shutdown(wait=True)

    def projects(self) -> tuple[list[ProjectInfo], list[TargetStatus]]:
        return self._projects.get("", lambda: projects.resolve(self.options, self.api, self.pool))

    def ancestry(self, parents: list[str], policies: bool) -> None:
        """Walk the folders above ``parents`` up to the organization, and read (``policies``) the IAM
        policy of every node on the way; whatever another shard of this process read is not read again."""
        with self._tree_lock:
            while pending := self.tree.pending(parents):
                run_all(self.pool, self.tree.read_folder_tasks(self.api, pending))
            if policies:
                nodes = {n for parent in parents for n in self.tree.chain(parent)[0]}
                run_all(self.pool, self.tree.policy_tasks(self.api, nodes))

    def role(self, name: str) -> RolePermissions:
        def read() -> RolePermissions:
            got = run(lambda: self.api.iam.get_role(name))
            return roles.from_api(name, got.value) if got.error is None else roles.from_failure(name, got.error)

        return self._roles.get(name, read)

    def key(self, name: str) -> Outcome:
        return self._keys.get(name, lambda: run(lambda: self.api.kms.get_crypto_key(name=name, retry=RETRY,
                                                                                    timeout=TIMEOUT)))

    def topic(self, name: str) -> Outcome:
        return self._topics.get(name, lambda: run(lambda: topic_policy(self.api.rest, name)))

    def doors(self) -> door_paths.Doors:
        """The front doors of every scanned project, read and indexed once (trigger topics aside)."""

        def read() -> door_paths.Doors:
            reads = FrontDoorReads()
            run_all(self.pool, [t for info in self.projects()[0] for t in reads.project_tasks(self.api.rest,
                                                                                            info.project_id)])
            run_all(self.pool, reads.config_tasks(self.api.rest))
            return door_paths.index(reads)

        return self._doors.get("", read)

    def keep_resources(self, project: str, found: list[iam.Resource]) -> None:
        self._resources.put(project, found)

    def below(self, node: str) -> list[iam.Resource]:
        """The scanned functions and services under a node (project, folder, organization); another
        project's functions are listed here only if its shard has not run in this process yet."""
        infos = self.projects()[0]
        if node.startswith("projects/"):
            chosen = [i for i in infos if f"projects/{i.project_id}" == node]
        else:
            self.ancestry([i.parent for i in infos], policies=False)
            chosen = [i for i in infos if node in self.tree.chain(i.parent)[0]]
        return [r for info in chosen for r in self._resources.get(info.project_id, lambda i=info: self._list(i))]

    def _list(self, info: ProjectInfo) -> list[iam.Resource]:
        records, _ = select(list_v1(self.api, info.project_id), list_v2(self.api, info.project_id))
        return [r for _, record in records for r in enrich.resources_of(record, info)]
