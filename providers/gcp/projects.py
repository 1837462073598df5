"""Which projects a scan covers: the ones named with --project (projects.get), or every ACTIVE
project the credentials can see, optionally under one organization or folder (projects.search)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from providers.gcp.clients import RETRY, TIMEOUT, Clients, describe, is_fatal
from providers.gcp.mapping import ProjectInfo
from providers.gcp.options import GcpOptions
from providers.gcp.outcome import run
from scanner.provider import ProviderConfigError, TargetStatus


def info(project: Any) -> ProjectInfo:
    return ProjectInfo(
        project_id=project.project_id,
        number=project.name.rsplit("/", 1)[-1],
        display_name=project.display_name or project.project_id,
        parent=project.parent,
    )


def _fatal(opts: GcpOptions, error: BaseException) -> ProviderConfigError:
    where = f"at {opts.gcp_endpoint}" if opts.gcp_endpoint else ""
    return ProviderConfigError(f"gcp: cannot use the Google APIs {where}: {describe(error)}".replace("  ", " "))


def _failed(project_id: str, error: str) -> TargetStatus:
    return TargetStatus(provider="gcp", account=project_id, status="failed", error=error)


def resolve(
    opts: GcpOptions, api: Clients, pool: ThreadPoolExecutor
) -> tuple[list[ProjectInfo], list[TargetStatus]]:
    if opts.projects:
        outcomes = list(
            pool.map(
                lambda p: run(lambda: api.projects.get_project(name=f"projects/{p}", retry=RETRY, timeout=TIMEOUT)),
                opts.projects,
            )
        )
        found, failed = [], []
        for project_id, outcome in zip(opts.projects, outcomes, strict=True):
            if outcome.error is not None:
                if is_fatal(outcome.error):
                    raise _fatal(opts, outcome.error)
                failed.append(_failed(project_id, f"project not readable: {describe(outcome.error)}"))
            elif outcome.value.state.name != "ACTIVE":
                failed.append(_failed(project_id, f"project is {outcome.value.state.name}, not ACTIVE"))
            else:
                found.append(info(outcome.value))
        return found, failed
    query = "state:ACTIVE"
    if opts.organization:
        query += f" parent:organizations/{opts.organization}"
    if opts.folder:
        query += f" parent:folders/{opts.folder}"
    listed = run(lambda: list(api.projects.search_projects(query=query, retry=RETRY, timeout=TIMEOUT)))
    if listed.error is not None:
        if is_fatal(listed.error):
            raise _fatal(opts, listed.error)
        raise ProviderConfigError(f"gcp: cannot search projects ({describe(listed.error)}); name them with --project")
    return [info(p) for p in listed.value], []
