"""Fixed answers of the emulator that do not depend on the estate: the runtime list and the
predefined IAM roles."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

RUNTIMES = [
    # name, stage, deprecation, decommission: what v2 list_runtimes reports
    ("python39", "DEPRECATED", (2025, 10, 5), (2026, 4, 30)),
    ("python310", "DEPRECATED", (2026, 10, 4), (2027, 4, 30)),
    ("python311", "GA", None, None),
    ("python312", "GA", None, None),
    ("nodejs18", "DEPRECATED", (2025, 4, 30), (2025, 10, 31)),
    ("nodejs22", "GA", (2027, 4, 30), (2027, 10, 31)),
    ("go121", "DEPRECATED", (2025, 8, 1), (2026, 2, 1)),
    ("go125", "GA", None, None),
]


def runtimes_json() -> list[dict[str, Any]]:
    out = []
    for name, stage, dep, dec in RUNTIMES:
        item: dict[str, Any] = {"name": name, "displayName": name, "stage": stage, "environment": "GEN_2"}
        if dep:
            item["deprecationDate"] = {"year": dep[0], "month": dep[1], "day": dep[2]}
        if dec:
            item["decommissionDate"] = {"year": dec[0], "month": dec[1], "day": dec[2]}
        out.append(item)
    return out


def predefined_roles() -> dict[str, dict[str, Any]]:
    """Predefined roles as roles.get returns them (name, title, includedPermissions, stage, etag:
    https://cloud.google.com/iam/docs/reference/rest/v1/roles/get). The permissions are those of
    ztscan's bundled dataset, itself taken from Google's roles and permissions index."""
    text = resources.files("providers.gcp.data").joinpath("predefined_roles.toml").read_text(encoding="utf-8")
    out = {}
    for name, body in tomllib.loads(text)["roles"].items():
        out[name] = {
            "name": name,
            "title": name.removeprefix("roles/"),
            "description": f"Predefined role {name}",
            "includedPermissions": body["permissions"],
            "stage": "GA",
            "etag": "AA==",
        }
    return out
