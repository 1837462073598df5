"""A read-only view of a function that refuses to hand out facts the provider could not read.

Checks read facts through this view, so a check cannot PASS on a default value that stands in
for an unknown fact: reading it raises ``FactUnknown`` and the engine records NOT_ASSESSED.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel

from scanner.inventory import ServerlessFunction


class FactUnknown(Exception):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@cache
def _field_names(model: type[BaseModel]) -> frozenset[str]:
    # Checks read ~20,000 facts per 600 functions; pydantic's model_fields is a descriptor that checks for
    # deprecated instance access on every read, which was a fifth of the check phase.
    return frozenset(model.model_fields)


class FactView:
    __slots__ = ("_model", "_prefix", "_unknown")

    def __init__(self, model: BaseModel, unknown: dict[str, str], prefix: str = "") -> None:
        object.__setattr__(self, "_model", model)
        object.__setattr__(self, "_unknown", unknown)
        object.__setattr__(self, "_prefix", prefix)

    def __getattr__(self, name: str) -> Any:
        path = f"{self._prefix}{name}"
        if name in _field_names(type(self._model)):
            self._refuse_if_unknown(path, below=False)
        else:
            # A property or method may read any field below this object.
            self._refuse_if_unknown(self._prefix.rstrip("."), below=True)
        value = getattr(self._model, name)
        if isinstance(value, BaseModel):
            return FactView(value, self._unknown, f"{path}.")
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("facts are read-only inside checks")

    def _refuse_if_unknown(self, path: str, *, below: bool) -> None:
        for known_gap, reason in self._unknown.items():
            is_ancestor = path == known_gap or path.startswith(known_gap + ".")
            is_below = below and (not path or known_gap.startswith(path + "."))
            if is_ancestor or is_below:
                raise FactUnknown(known_gap, reason)


def view(function: ServerlessFunction) -> ServerlessFunction:
    """The function as checks see it; typed as the model so checks keep their type hints."""
    return FactView(function, function.unknown)  # type: ignore[return-value]
