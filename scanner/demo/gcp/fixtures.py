"""Fixed answers of the emulator that do not depend on the estate: the runtime list."""

from __future__ import annotations

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
