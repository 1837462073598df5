"""The resource hierarchy above the scanned projects: folders walked up to the organization, and
the IAM policy of every node, each read once per scan however many projects share it.

References: https://cloud.google.com/resource-manager/reference/rest/v3/folders/get and
https://cloud.google.com/resource-manager/reference/rest/v3/folders/getIamPolicy
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from providers.gcp.clients import RETRY, TIMEOUT, Clients, describe
from providers.gcp.outcome import Outcome, run

# Conditional bindings come back intact only when version 3 is requested; otherwise their roles
# are mangled (roles/x_withcond_<hash>) and the condition dropped.
# https://cloud.google.com/iam/docs/policies#versions
POLICY_OPTIONS = {"requested_policy_version": 3}


@dataclass
class Hierarchy:
    parents: dict[str, str] = field(default_factory=dict)  # folders/F -> its parent
    failed: dict[str, Outcome] = field(default_factory=dict)  # folders/F that could not be read
    policies: dict[str, Outcome] = field(default_factory=dict)  # folders/F, organizations/O -> policy

    def pending(self, parents: list[str]) -> list[str]:
        """Folders named as a parent but not read yet."""
        wanted = set(parents) | set(self.parents.values())
        return sorted(n for n in wanted if n.startswith("folders/") and n not in self.parents and n not in self.failed)

    def read_folder_tasks(self, api: Clients, names: list[str]) -> list[Callable[[], None]]:
        def task(name: str) -> Callable[[], None]:
            def read() -> None:
                got = run(lambda: api.folders.get_folder(name=name, retry=RETRY, timeout=TIMEOUT))
                if got.error is None:
                    self.parents[name] = got.value.parent
                else:
                    self.failed[name] = got

            return read

        return [task(n) for n in names]

    def chain(self, parent: str) -> tuple[list[str], str | None]:
        """The nodes above a project, nearest first, and why the walk stopped short (if it did)."""
        nodes: list[str] = []
        node = parent
        while node:
            if node in nodes:
                return nodes, f"the ancestry of {parent} loops at {node}"
            nodes.append(node)
            if node.startswith("organizations/"):
                return nodes, None
            if node in self.failed:
                return nodes, f"folders.get on {node} failed: {describe(self.failed[node].error)}"  # type: ignore[arg-type]
            node = self.parents.get(node, "")
        # A project or folder without a parent organization (no Cloud Identity organization).
        return nodes, None

    def policy_tasks(self, api: Clients, nodes: set[str]) -> list[Callable[[], None]]:
        def task(node: str) -> Callable[[], None]:
            client = api.folders if node.startswith("folders/") else api.organizations

            def read() -> None:
                self.policies[node] = run(
                    lambda: client.get_iam_policy(
                        request={"resource": node, "options": POLICY_OPTIONS}, retry=RETRY, timeout=TIMEOUT
                    )
                )

            return read

        return [task(n) for n in sorted(nodes) if n not in self.policies]
