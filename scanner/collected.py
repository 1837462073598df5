"""The "collected or unknown" rule: a fact the provider never assigned is not a fact.

Every field of a fact section starts at a default (an empty list, ``None``, ``False``) that would
read as "nothing there". A provider states what it read by assigning the field (``[]`` for "read,
and empty", ``None`` for "the concept does not exist here"); pydantic records each assignment in
``model_fields_set``. Whatever stays unassigned is listed in ``unknown`` as not collected, so the
engine turns every check that reads it into NOT_ASSESSED instead of a PASS on a default.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from scanner.inventory import ServerlessFunction

FACT_SECTIONS = ("identity", "network", "secrets", "encryption", "runtime", "supply_chain", "monitoring")
NOT_COLLECTED = "not collected by the provider"
# Facts the engine derives from the whole inventory after collection; no provider assigns them.
ENGINE_FILLED = frozenset({"identity.shared_with"})


def _covered(path: str, unknown: dict[str, str]) -> bool:
    return any(path == gap or path.startswith(gap + ".") for gap in unknown)


def _touched(model: BaseModel) -> bool:
    return bool(model.model_fields_set) or any(
        isinstance(value, BaseModel) and _touched(value)
        for value in (getattr(model, name) for name in type(model).model_fields)
    )


def _uncollected(model: BaseModel, prefix: str) -> list[str]:
    found = []
    for name in type(model).model_fields:
        path, value = f"{prefix}.{name}", getattr(model, name)
        if path in ENGINE_FILLED:
            continue
        if isinstance(value, BaseModel):
            # A sub-model the provider filled in part is judged field by field; one it never
            # touched is one gap, not one per field.
            found += _uncollected(value, path) if name in model.model_fields_set or _touched(value) else [path]
        elif name not in model.model_fields_set:
            found.append(path)
    return found


def mark_uncollected(fn: ServerlessFunction) -> None:
    gaps = [] if "tags" in fn.model_fields_set else ["tags"]
    for section in FACT_SECTIONS:
        facts = getattr(fn, section)
        gaps += _uncollected(facts, section) if _touched(facts) else [section]
    for path in gaps:
        if not _covered(path, fn.unknown):
            fn.mark_unknown(path, NOT_COLLECTED)


def assign(fn: ServerlessFunction, facts: Mapping[str, Any]) -> None:
    """Assign facts by dotted path: what a cloud fixes for all its functions, said in one table."""
    for path, value in facts.items():
        *parents, name = path.split(".")
        target: Any = fn
        for part in parents:
            target = getattr(target, part)
        setattr(target, name, copy.deepcopy(value))
