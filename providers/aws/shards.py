"""What one process keeps across the AWS shards it runs: one Api (so one set of quota buckets per
account and region), one pool of call threads shared fairly by the regions running at once, and
each account's session and IAM read, made once however many of its regions the process runs."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

from providers.aws.iam import AccountIam
from providers.aws.targets import Account, Api
from scanner.pacing import FairShare

T = TypeVar("T")


class Once(Generic[T]):
    """A value per key, made by the first caller; callers that arrive meanwhile wait for it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._made: dict[str, Future[T]] = {}

    def put(self, key: str, value: T) -> None:
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


class Kept:
    def __init__(self, api: Api, workers: int) -> None:
        self.api = api
        # A paced call spends much of its time waiting for a token (a 15/s bucket hands one out every
        # 67 ms, longer than a request takes), so twice the workers keep every region's buckets busy;
        # the buckets, not the thread count, bound the request rate.
        self.calls = ThreadPoolExecutor(workers * 2, "aws-call")
        self.share = FairShare(workers * 2)
        # Its own pool: call threads wait on an account's IAM read, so it must never queue behind them.
        self.iam_reads = ThreadPoolExecutor(workers, "aws-iam")
        self.accounts: Once[Account] = Once()
        self.iam: Once[AccountIam] = Once()

    def close(self) -> None:
        self.calls.shutdown(wait=True)
        self.iam_reads.shutdown(wait=True)
