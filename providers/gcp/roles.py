"""Roles resolved to their permissions, once per role per scan.

Every role goes through IAM roles.get (custom roles at project and organization level, and
predefined roles alike). Only a predefined role whose roles.get failed falls back to the bundled,
dated dataset in ``data/predefined_roles.toml``; which source answered is kept per role.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from providers.gcp.clients import describe

API_SOURCE = "IAM API roles.get"


@dataclass(frozen=True)
class RolePermissions:
    """A role's permissions, or why they are unknown (``permissions`` is None then)."""

    role: str
    permissions: frozenset[str] | None
    source: str
    error: str | None = None


@cache
def bundled() -> tuple[str, dict[str, frozenset[str]]]:
    """(dataset label, role -> permissions) from the bundled fallback."""
    text = resources.files("providers.gcp.data").joinpath("predefined_roles.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    meta = data["dataset"]
    label = f"bundled dataset {meta['version']} ({meta['source']})"
    return label, {name: frozenset(body["permissions"]) for name, body in data["roles"].items()}


def is_predefined(role: str) -> bool:
    return role.startswith("roles/")


def from_api(role: str, body: dict[str, Any]) -> RolePermissions:
    # A deleted custom role stays in bindings but grants nothing until it is undeleted.
    if body.get("deleted"):
        return RolePermissions(role, frozenset(), f"{API_SOURCE} (role is deleted)")
    return RolePermissions(role, frozenset(body.get("includedPermissions") or ()), API_SOURCE)


def from_failure(role: str, error: BaseException) -> RolePermissions:
    reason = describe(error)
    if is_predefined(role):
        label, table = bundled()
        if role in table:
            return RolePermissions(role, table[role], label, error=reason)
    return RolePermissions(role, None, "unresolved", error=f"roles.get on {role} failed: {reason}")


def sources_used(book: dict[str, RolePermissions]) -> list[str]:
    """For the scan scope, one line per role: where its permissions came from. A list, so the scope
    of a scan sharded by project is the union of its shards' lines."""
    lines = []
    for role in sorted(book):
        found = book[role]
        if found.permissions is None:
            lines.append(f"{role}: unresolved")
        elif found.source.startswith(API_SOURCE):
            lines.append(f"{role}: {API_SOURCE}")
        else:
            lines.append(f"{role}: {found.source} (the API refused it)")
    return lines
