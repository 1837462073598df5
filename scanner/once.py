"""A value per key, made once per process however many shards and threads ask for it: what a
provider reads once and shares across the shards it runs (an account's session, a tenant's role
assignments, a folder's IAM policy)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")


class Once(Generic[T]):
    """A value per key, made by the first caller; callers that arrive meanwhile wait for it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._made: dict[str, Future[T]] = {}

    def put(self, key: str, value: T) -> None:
        """Keep a value made elsewhere, unless the key already has one."""
        made: Future[T] = Future()
        made.set_result(value)
        with self._lock:
            self._made.setdefault(key, made)

    def get(self, key: str, make: Callable[[], T]) -> T:
        with self._lock:
            job = self._made.get(key)
            mine = job is None
            if job is None:
                job = self._made[key] = Future()
        if mine:
            try:
                job.set_result(make())
            except BaseException as exc:  # every caller of this key sees the same failure
                job.set_exception(exc)
        return job.result()
