"""Client-side pacing: token buckets that keep a scan within a cloud's documented request quotas.

Clouds limit their control planes per account (subscription, project), region and quota bucket.
Without pacing, a scan's worker threads send as fast as they can, get throttled and back off, so
retries set the speed. Here every request first takes a token from the bucket its quota belongs to;
one bucket per (scope..., quota name) is shared by every worker thread of a scan, so the scan sends
at the documented rate and no faster. A throttling answer that still arrives (another client of the
same account spends the same quota) pauses the bucket for the server's Retry-After and halves its
rate, which then climbs back to the configured rate over ``RECOVERY_SECONDS``.

Provider-agnostic: providers map their operations to quota names and call ``acquire`` before
each HTTP attempt and ``throttled`` on a throttling answer.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator

T = TypeVar("T")
R = TypeVar("R")

RECOVERY_SECONDS = 10.0  # from the halved rate back to the configured one, linearly
SLOWEST_FRACTION = 0.125  # repeated throttling never slows a bucket below 1/8 of its rate


@dataclass(frozen=True)
class Quota:
    """A documented request quota: ``rate`` requests per second, up to ``burst`` at once."""

    rate: float
    burst: float = 1.0


class TokenBucket:
    """A thread-safe token bucket (in its "theoretical arrival time" form: the time at which the
    bucket would next be full enough, so a caller can reserve a slot under the lock and wait for it
    outside the lock; waiters are served in the order they arrived)."""

    def __init__(self, quota: Quota, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.quota = quota
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._next = clock()  # when the next request may go at the steady rate
        self._paused_until = 0.0
        self._slowed_at: float | None = None
        self._slowed_rate = quota.rate
        self.throttles = 0

    def rate(self, now: float | None = None) -> float:
        """The rate in force: the configured one, or on the way back to it after a throttle."""
        now = self._clock() if now is None else now
        if self._slowed_at is None:
            return self.quota.rate
        progress = (now - self._slowed_at) / RECOVERY_SECONDS
        if progress >= 1:
            self._slowed_at = None
            return self.quota.rate
        return self._slowed_rate + (self.quota.rate - self._slowed_rate) * max(progress, 0.0)

    def reserve(self) -> float:
        """Take the next slot; return how long the caller must wait before sending."""
        with self._lock:
            now = self._clock()
            interval = 1.0 / self.rate(now)
            tolerance = (self.quota.burst - 1) * interval
            start = max(self._next, now, self._paused_until)
            send_at = max(now, start - tolerance, self._paused_until)
            self._next = start + interval
            return send_at - now

    def acquire(self) -> float:
        """Block until a request may be sent; return the seconds waited."""
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        return wait

    def throttled(self, retry_after: float | None = None) -> None:
        """The server throttled a request: pause for Retry-After (else one interval) and halve the
        rate. Throttles that arrive while already paused belong to the same episode and slow it once."""
        with self._lock:
            now = self._clock()
            self.throttles += 1
            current = self.rate(now)
            pause = retry_after if retry_after is not None and retry_after > 0 else 1.0 / current
            if now < self._paused_until:
                self._paused_until = max(self._paused_until, now + pause)
                return
            self._slowed_rate = max(current / 2, self.quota.rate * SLOWEST_FRACTION)
            self._slowed_at = now + pause
            self._paused_until = now + pause
            # Slots handed out at the old rate would let a burst through right after the pause.
            self._next = max(self._next, self._paused_until)


class Pacer:
    """Every bucket of one scan, created on first use: (scope..., quota name) -> TokenBucket.
    A quota name without a configured quota is not paced."""

    def __init__(self, quotas: Mapping[str, Quota], clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.quotas = dict(quotas)
        self._clock, self._sleep = clock, sleep
        self._buckets: dict[tuple[str, ...], TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, name: str, *scope: str) -> TokenBucket | None:
        quota = self.quotas.get(name)
        if quota is None:
            return None
        key = (*scope, name)
        with self._lock:
            if key not in self._buckets:
                self._buckets[key] = TokenBucket(quota, self._clock, self._sleep)
            return self._buckets[key]

    @property
    def throttles(self) -> int:
        with self._lock:
            return sum(b.throttles for b in self._buckets.values())


class FairShare:
    """Splits one pool of call workers evenly among the targets (account-regions) collected at once.

    Quotas are per target, so a worker waiting on one target's bucket is a worker lost to all the
    others. Without a share, the first region to list its functions queues all of them ahead of the
    other regions, every worker then waits on that one region's quota, and regions that could run in
    parallel (their quotas are independent) run one after the other."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._active = 0
        self._lock = threading.Lock()

    def _share(self) -> int:
        with self._lock:
            return max(1, math.ceil(self.workers / max(self._active, 1)))

    def map(self, pool: Executor, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """Like ``pool.map``, with at most this target's share of the workers busy at a time."""
        with self._lock:
            self._active += 1
        results: dict[int, R] = {}
        pending: dict[Future[R], int] = {}
        try:
            submitted = 0
            while submitted < len(items) or pending:
                while submitted < len(items) and len(pending) < self._share():
                    pending[pool.submit(fn, items[submitted])] = submitted
                    submitted += 1
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    results[pending.pop(future)] = future.result()
        finally:
            for future in pending:
                future.cancel()
            with self._lock:
                self._active -= 1
        return [results[i] for i in range(len(items))]


def retry_after_seconds(value: str | None) -> float | None:
    """An HTTP Retry-After value (delay-seconds or an HTTP-date: RFC 9110 section 10.2.3) in seconds."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(float(text), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


OFF = "off"
RateSetting = float | str  # requests per second, or "off" (no client-side pacing for that bucket)


def configured_quotas(defaults: Mapping[str, Quota], rates: Mapping[str, RateSetting]) -> dict[str, Quota]:
    """The documented quotas with the user's rates applied; a bucket set to "off" is not paced.
    Names and values are validated by ``validate_rates`` when the options are read."""
    quotas = dict(defaults)
    for name, value in rates.items():
        if value == OFF:
            quotas.pop(name, None)
        else:
            quotas[name] = Quota(float(value), defaults[name].burst)
    return quotas


def validate_rates(rates: Mapping[str, RateSetting], defaults: Mapping[str, Quota]) -> dict[str, RateSetting]:
    """For an options model's validator: known bucket names, positive numbers or "off"."""
    clean: dict[str, RateSetting] = {}
    for name, value in rates.items():
        if name not in defaults:
            raise ValueError(f"unknown quota bucket {name!r} (known: {', '.join(defaults)})")
        if isinstance(value, str) and value.strip().lower() == OFF:
            clean[name] = OFF
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name}: {value!r} is not a number of requests per second or 'off'") from None
        if not number > 0:
            raise ValueError(f"{name}: the rate must be above 0 requests per second (or 'off')")
        clean[name] = number
    return clean


def rates_type(defaults: Mapping[str, Quota]) -> Any:
    """The type of a provider option that sets its quota buckets' rates (validated against them):
    a CLI flag given as NAME=RATE pairs and a config-file table."""
    return Annotated[dict[str, RateSetting], AfterValidator(partial(_validated, defaults=defaults))]


def _validated(rates: dict[str, RateSetting], defaults: Mapping[str, Quota]) -> dict[str, RateSetting]:
    return validate_rates(rates, defaults)
