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


def sources_used(book: dict[str, RolePermissions]) -> str:
    """One line for the scan scope: where role permissions came from."""
    fallback = sorted(r.role for r in book.values() if r.permissions is not None and r.source != API_SOURCE
                      and not r.source.startswith(API_SOURCE))
    unresolved = sorted(r.role for r in book.values() if r.permissions is None)
    parts = [f"{API_SOURCE} for {len(book) - len(fallback) - len(unresolved)} role(s)"]
    if fallback:
        parts.append(f"{bundled()[0]} for {', '.join(fallback)} (the API refused them)")
    if unresolved:
        parts.append(f"unresolved: {', '.join(unresolved)}")
    return "; ".join(parts)
