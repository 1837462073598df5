"""Set environment variables for the length of a block (the demo's SDKs read credentials and CA
bundles from the environment, as they would on a user's machine)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping


@contextlib.contextmanager
def scoped_environ(updates: Mapping[str, str], remove: tuple[str, ...] = ()) -> Iterator[None]:
    touched = set(updates) | set(remove)
    saved = {k: os.environ.get(k) for k in touched}
    for key in remove:
        os.environ.pop(key, None)
    os.environ.update(updates)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
