"""A value per key, made once per process however many shards and threads ask for it: what a
provider reads once and shares across the shards it runs (an account's session, a tenant's role
assignments, a folder's IAM policy)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")


class Closable(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=Closable)


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

    def future(self, key: str, start: Callable[[], Future[T]]) -> Future[T]:
        """The value's future, started by the first caller; nobody waits here."""
        with self._lock:
            if key not in self._made:
                self._made[key] = start()
            return self._made[key]


class Kept(Generic[C]):
    """What a provider keeps for the shards one process runs: made by the first shard, released
    by ``close`` (the provider's own), made again if a later scan of the same provider needs it."""

    def __init__(self, make: Callable[[], C]) -> None:
        self._make = make
        self._lock = threading.Lock()
        self._kept: C | None = None

    def get(self) -> C:
        with self._lock:
            if self._kept is None:
                self._kept = self._make()
            return self._kept

    def close(self) -> None:
        with self._lock:
            kept, self._kept = self._kept, None
        if kept is not None:
            kept.close()
