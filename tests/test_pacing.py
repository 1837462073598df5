"""The token bucket of scanner.pacing, on a fake clock: rates, burst, Retry-After pauses, slow-down
and recovery, the per-scope registry, and the rate settings users give."""

from __future__ import annotations

import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from scanner.pacing import (
    RECOVERY_SECONDS,
    SLOWEST_FRACTION,
    FairShare,
    Pacer,
    Quota,
    TokenBucket,
    configured_quotas,
    retry_after_seconds,
    validate_rates,
)


class FakeClock:
    """Time that moves only when a caller sleeps or the test advances it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def _bucket(rate: float, burst: float = 1.0) -> tuple[TokenBucket, FakeClock]:
    clock = FakeClock()
    return TokenBucket(Quota(rate, burst), clock, clock.sleep), clock


def _send_times(bucket: TokenBucket, clock: FakeClock, count: int) -> list[float]:
    times = []
    for _ in range(count):
        bucket.acquire()
        times.append(clock.now)
    return times


def test_requests_are_spaced_at_the_rate() -> None:
    bucket, clock = _bucket(15)
    start = clock.now
    times = _send_times(bucket, clock, 31)
    assert times[0] == start, "an idle bucket lets the first request go at once"
    assert times[-1] - start == pytest.approx(30 / 15)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(gap == pytest.approx(1 / 15) for gap in gaps)


def test_a_burst_goes_at_once_then_the_rate_holds() -> None:
    bucket, clock = _bucket(20, burst=100)
    start = clock.now
    times = _send_times(bucket, clock, 140)
    assert times[99] == pytest.approx(start), "the first 100 need no wait"
    assert times[100] - start == pytest.approx(1 / 20)
    assert times[139] - start == pytest.approx(40 / 20)


def test_an_idle_bucket_refills_only_up_to_its_burst() -> None:
    bucket, clock = _bucket(10, burst=3)
    clock.now += 3600
    start = clock.now
    times = _send_times(bucket, clock, 5)
    assert times[:3] == pytest.approx([start] * 3)
    assert times[3] - start == pytest.approx(0.1) and times[4] - start == pytest.approx(0.2)


def test_concurrent_callers_share_the_rate() -> None:
    """Reservations are taken under the lock and waited for outside it, so N threads together send
    at the bucket's rate, not N times it."""
    bucket, clock = _bucket(10)
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(5):
            wait = bucket.reserve()
            with lock:
                waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == pytest.approx([i / 10 for i in range(40)])
    assert clock.now == 1000.0, "reserve never sleeps"


def test_retry_after_pauses_the_bucket_and_halves_its_rate() -> None:
    bucket, clock = _bucket(10)
    bucket.acquire()
    bucket.throttled(retry_after=2.0)
    start = clock.now
    bucket.acquire()
    assert clock.now - start == pytest.approx(2.0), "nothing goes before Retry-After has passed"
    assert bucket.rate() == pytest.approx(5.0)
    before = clock.now
    bucket.acquire()
    assert clock.now - before == pytest.approx(1 / 5), "the next slot comes at the halved rate"
    assert bucket.throttles == 1


def test_without_retry_after_the_pause_is_one_interval() -> None:
    bucket, clock = _bucket(4)
    bucket.throttled(None)
    start = clock.now
    bucket.acquire()
    assert clock.now - start == pytest.approx(0.25)


def test_the_rate_recovers_linearly_after_the_pause() -> None:
    bucket, clock = _bucket(10)
    bucket.throttled(retry_after=1.0)
    assert bucket.rate() == pytest.approx(5.0)
    clock.now += 1.0 + RECOVERY_SECONDS / 2
    assert bucket.rate() == pytest.approx(7.5)
    clock.now += RECOVERY_SECONDS / 2
    assert bucket.rate() == pytest.approx(10.0)
    clock.now += 100
    assert bucket.rate() == pytest.approx(10.0), "recovered for good"


def test_throttles_of_one_episode_slow_the_bucket_once() -> None:
    """Eight workers throttled by the same burst all report it; the bucket halves once, not 2^8 times."""
    bucket, _ = _bucket(16)
    for _ in range(8):
        bucket.throttled(retry_after=1.0)
    assert bucket.rate() == pytest.approx(8.0)
    assert bucket.throttles == 8


def test_repeated_episodes_never_slow_below_the_floor() -> None:
    bucket, clock = _bucket(16)
    for _ in range(10):
        bucket.throttled(retry_after=1.0)
        clock.now += 1.0
    assert bucket.rate() == pytest.approx(16 * SLOWEST_FRACTION)


def test_the_pacer_keeps_one_bucket_per_scope_and_name() -> None:
    clock = FakeClock()
    pacer = Pacer({"lambda": Quota(15), "get_policy": Quota(15)}, clock, clock.sleep)
    east = pacer.bucket("lambda", "111122223333", "us-east-1")
    assert east is pacer.bucket("lambda", "111122223333", "us-east-1")
    assert east is not pacer.bucket("lambda", "111122223333", "eu-west-1")
    assert east is not pacer.bucket("lambda", "444455556666", "us-east-1")
    assert east is not pacer.bucket("get_policy", "111122223333", "us-east-1")
    assert pacer.bucket("kms", "111122223333", "us-east-1") is None, "no quota configured: not paced"


@pytest.mark.parametrize(("value", "seconds"), [("3", 3.0), (" 1 ", 1.0), ("0", 0.0), ("", None), (None, None),
                                                ("soon", None), ("-4", 0.0)])
def test_retry_after_delay_seconds(value: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value) == seconds


def test_retry_after_http_date() -> None:
    """RFC 9110 section 10.2.3: Retry-After = HTTP-date / delay-seconds."""
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 28 <= (retry_after_seconds(later) or 0) <= 30
    earlier = format_datetime(datetime.now(UTC) - timedelta(seconds=30), usegmt=True)
    assert retry_after_seconds(earlier) == 0.0


def test_rate_settings_raise_lower_or_turn_off_a_bucket() -> None:
    defaults = {"lambda": Quota(15), "ec2": Quota(20, burst=100)}
    rates = validate_rates({"lambda": "30", "ec2": "OFF"}, defaults)
    assert rates == {"lambda": 30.0, "ec2": "off"}
    quotas = configured_quotas(defaults, rates)
    assert quotas == {"lambda": Quota(30.0)}
    assert configured_quotas(defaults, validate_rates({"ec2": 5}, defaults))["ec2"] == Quota(5.0, burst=100)


@pytest.mark.parametrize(("rates", "message"), [
    ({"lamda": 15}, "unknown quota bucket 'lamda'"),
    ({"lambda": "fast"}, "not a number"),
    ({"lambda": 0}, "above 0"),
    ({"lambda": -3}, "above 0"),
])
def test_bad_rate_settings_are_refused(rates: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_rates(rates, {"lambda": Quota(15)})  # type: ignore[arg-type]


def test_fair_share_splits_the_workers_among_the_targets_collected_at_once() -> None:
    """Region b is busy (its tasks wait on its quota); region a, joining, gets half of 4 workers
    rather than queueing all its tasks behind b's. Alone, b could take all 4."""
    share = FairShare(4)
    b_started, release_b = threading.Event(), threading.Event()
    in_flight, most = [0], [0]
    lock = threading.Lock()

    def b_task(number: int) -> int:
        b_started.set()
        release_b.wait(5)
        return number

    def a_task(number: int) -> int:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.002)
        with lock:
            in_flight[0] -= 1
        return number * 10

    with ThreadPoolExecutor(8) as pool:
        b_result: list[list[int]] = []
        b = threading.Thread(target=lambda: b_result.append(share.map(pool, b_task, list(range(6)))))
        b.start()
        assert b_started.wait(5)
        assert share.map(pool, a_task, list(range(20))) == [i * 10 for i in range(20)], "in order"
        release_b.set()
        b.join()
    assert most[0] == 2
    assert b_result == [list(range(6))]


def test_fair_share_passes_on_a_task_error() -> None:
    def boom(item: int) -> int:
        raise ValueError(f"item {item}")

    with ThreadPoolExecutor(2) as pool, pytest.raises(ValueError, match="item 0"):
        FairShare(2).map(pool, boom, [0])
