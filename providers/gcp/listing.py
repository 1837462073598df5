"""One project's functions from both APIs, and which record of each function is the one to scan.

1st gen functions appear in both APIs (the v2 API lists them with ``environment: GEN_1``). The v1
API is the authority for them: only it reports ``httpsTrigger.securityLevel``, build environment
variables and the function's own invoker policy. The v2 copy is used only when the v1 listing failed."""

from __future__ import annotations

from typing import Any

from providers.gcp import mapping
from providers.gcp.clients import RETRY, TIMEOUT, Clients, describe
from providers.gcp.outcome import Outcome, run


def _parent(project: str) -> str:
    return f"projects/{project}/locations/-"


def list_v1(api: Clients, project: str) -> Outcome:
    return run(lambda: list(api.functions_v1.list_functions(request={"parent": _parent(project)}, retry=RETRY,
                                                            timeout=TIMEOUT)))


def list_v2(api: Clients, project: str) -> Outcome:
    return run(lambda: list(api.functions_v2.list_functions(parent=_parent(project), retry=RETRY, timeout=TIMEOUT)))


def select(v1: Outcome, v2: Outcome) -> tuple[list[tuple[str, Any]], list[str]]:
    """(source API, record) of every function to scan, and what the listings could not say."""
    records: list[tuple[str, Any]] = []
    problems: list[str] = []
    if v1.error is None:
        records += [("v1", f) for f in v1.value]
    else:
        problems.append(f"1st gen functions listed through the v2 API only: {describe(v1.error)}")
    if v2.error is None:
        for f in v2.value:
            gen1 = mapping._enum(f.environment) == "GEN_1"
            if not gen1 or v1.error is not None:
                records.append(("v2", f))
    else:
        problems.append(f"2nd gen functions not listed: {describe(v2.error)}")
    return records, problems
