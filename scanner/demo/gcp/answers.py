"""Shared by the emulator's routes: Google-style errors and IAM policies by requested version."""

from __future__ import annotations

import hashlib
from typing import Any


def versioned(policy: dict[str, Any], query: dict[str, list[str]]) -> dict[str, Any]:
    """A policy as getIamPolicy returns it for the requested version: below 3, conditional
    bindings come back under a mangled role without their condition
    (https://cloud.google.com/iam/docs/policies#versions)."""
    requested = int((query.get("options.requestedPolicyVersion") or ["0"])[0] or 0)
    conditional = any("condition" in b for b in policy.get("bindings", []))
    if not conditional:
        return {**policy, "version": 1}
    if requested >= 3:
        return {**policy, "version": 3}
    bindings = []
    for b in policy["bindings"]:
        if "condition" in b:
            digest = hashlib.sha256(repr(b["condition"]).encode()).hexdigest()[:16]
            b = {"role": f"{b['role']}_withcond_{digest}", "members": b["members"]}
        bindings.append(b)
    return {**policy, "version": 1, "bindings": bindings}


class ApiError(Exception):
    """An answer with a Google-style JSON error body."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
