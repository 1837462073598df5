"""Where shards run: in this process (inline), in N local processes (local:N), or on a Dask
distributed cluster (dask://HOST:PORT). Each executor yields one ShardResult per shard as shards
finish; a shard that raises, or whose process dies, is tried once more and then becomes a failed
target with a one-line error, so no shard is ever silently lost."""

from __future__ import annotations

import threading
import uuid
import zlib
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any, Protocol

from scanner.collected import mark_uncollected
from scanner.provider import Collection, ProgressSink, Provider, ProviderConfigError, ShardSpec, one_line

ATTEMPTS = 2  # a shard is tried once more before it becomes a failed target


@dataclass(frozen=True, slots=True)
class ShardResult:
    index: int  # the shard's place in the provider's plan
    spec: ShardSpec
    collection: Collection


Shards = list[tuple[int, ShardSpec]]


class Executor(Protocol):
    def run(self, provider: Provider, shards: Shards, progress: ProgressSink) -> Iterator[ShardResult]: ...

    def close(self) -> None: ...


def seal(collection: Collection) -> Collection:
    """List what the provider never assigned before the facts leave its process: serialised and read
    back, every field looks assigned, so the "not collected" rule must be applied first."""
    for fn in collection.functions:
        mark_uncollected(fn)
    return collection


def pack(collection: Collection) -> bytes:
    return zlib.compress(seal(collection).model_dump_json().encode())


def unpack(data: bytes) -> Collection:
    return Collection.model_validate_json(zlib.decompress(data))


def _failure(exc: BaseException) -> str:
    return one_line(f"shard failed twice: {type(exc).__name__}: {exc}" if str(exc) else
                    f"shard failed twice: {type(exc).__name__}")


class InlineExecutor:
    """Shards in this process, several at a time: they share the provider's thread pools, sessions
    and per-account caches, as one unsharded collection did."""

    def run(self, provider: Provider, shards: Shards, progress: ProgressSink) -> Iterator[ShardResult]:
        threads = max(1, min(provider.options.workers, len(shards)))
        with ThreadPoolExecutor(threads, "ztscan-shard") as pool:
            futures = {pool.submit(self._collect, provider, spec, progress): (i, spec) for i, spec in shards}
            for future in as_completed(futures):
                # Popped: a finished future holds its shard's whole collection, and the pipeline has
                # spilled it by the time the next one arrives.
                index, spec = futures.pop(future)
                yield ShardResult(index, spec, future.result())

    def close(self) -> None:
        return None

    @staticmethod
    def _collect(provider: Provider, spec: ShardSpec, progress: ProgressSink) -> Collection:
        for attempt in range(ATTEMPTS):
            try:
                return provider.collect_shard(spec, progress)
            except ProviderConfigError:
                raise
            except Exception as exc:  # an unexpected error fails this shard's target, never the scan
                if attempt == ATTEMPTS - 1:
                    return spec.failed(_failure(exc))
        raise AssertionError("unreachable")


class _Quiet:
    """Progress inside a worker process: the orchestrator counts shards, not the calls inside them."""

    def add_work(self, units: int, label: str = "") -> None:
        return None

    def advance(self, units: int = 1) -> None:
        return None

    def note(self, message: str) -> None:
        return None


_WORKER_LOCK = threading.Lock()
_WORKER_PROVIDERS: dict[str, Provider] = {}
_KEPT_SCANS = 2  # a long-lived worker keeps the caches of this many recent scans, no more


def _worker_provider(scan: str, provider_name: str, options_json: str) -> Provider:
    """One provider per scan and worker process, so a worker's shards of one account share its IAM
    read and sessions, and a later scan never sees an earlier scan's caches."""
    from scanner import registry

    with _WORKER_LOCK:
        if scan not in _WORKER_PROVIDERS:
            cls = registry.provider(provider_name)
            if cls is None:
                raise RuntimeError(f"provider {provider_name!r} is not installed on this worker")
            while len(_WORKER_PROVIDERS) >= _KEPT_SCANS:
                _WORKER_PROVIDERS.pop(next(iter(_WORKER_PROVIDERS))).close()
            _WORKER_PROVIDERS[scan] = cls(cls.Options.model_validate_json(options_json))
        return _WORKER_PROVIDERS[scan]


def run_shard(scan: str, provider_name: str, options_json: str, spec_json: str) -> bytes:
    """A worker's task: rebuild the provider from its registry name and options, collect one shard,
    hand back the compact serialised Collection."""
    spec = ShardSpec.model_validate_json(spec_json)
    provider = _worker_provider(scan, provider_name, options_json)
    return pack(provider.collect_shard(spec, _Quiet()))


def _task_args(provider: Provider, scan: str, spec: ShardSpec) -> tuple[str, str, str, str]:
    return scan, provider.name, provider.options.model_dump_json(), spec.model_dump_json()


class LocalExecutor:
    """N worker processes on this machine (spawned: a fresh interpreter, no inherited SDK state)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes

    def run(self, provider: Provider, shards: Shards, progress: ProgressSink) -> Iterator[ShardResult]:
        scan = uuid.uuid4().hex
        attempts: dict[int, int] = {}
        specs = dict(shards)
        pending: dict[Future[bytes], int] = {}
        pool = self._pool()
        try:
            for index in specs:
                pending[pool.submit(run_shard, *_task_args(provider, scan, specs[index]))] = index
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                retry: list[int] = []
                broken = False
                for future in done:
                    index = pending.pop(future)
                    try:
                        collection = unpack(future.result())
                    except Exception as exc:  # the shard raised, or its process died (BrokenProcessPool)
                        broken = broken or isinstance(exc, BrokenProcessPool)
                        attempts[index] = attempts.get(index, 1) + 1
                        if attempts[index] <= ATTEMPTS:
                            retry.append(index)
                            continue
                        collection = specs[index].failed(_failure(exc))
                    yield ShardResult(index, specs[index], collection)
                if broken:  # a dead process breaks the whole pool: its other shards go again, uncounted
                    retry += [pending.pop(f) for f in list(pending)]
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = self._pool()
                for index in retry:
                    pending[pool.submit(run_shard, *_task_args(provider, scan, specs[index]))] = index
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        return None

    def _pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.processes, mp_context=get_context("spawn"))


class DaskExecutor:
    """Shards as tasks on a Dask distributed scheduler; results come back as compressed JSON."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.client = self._connect()  # before any cloud call: an unreachable scheduler fails fast

    def run(self, provider: Provider, shards: Shards, progress: ProgressSink) -> Iterator[ShardResult]:
        from distributed import as_completed as dask_completed

        scan = uuid.uuid4().hex
        futures = {
            self.client.submit(run_shard, *_task_args(provider, scan, spec), key=f"ztscan-{scan}-{index}",
                               retries=ATTEMPTS - 1, pure=False): (index, spec)
            for index, spec in shards
        }
        for future in dask_completed(futures, loop=self.client.loop):
            index, spec = futures.pop(future)
            try:
                collection = unpack(future.result())
            except Exception as exc:  # raised twice, or its workers kept dying (KilledWorker)
                collection = spec.failed(_failure(exc))
            future.release()
            yield ShardResult(index, spec, collection)

    def close(self) -> None:
        self.client.close()

    def _connect(self) -> Any:
        try:
            from distributed import Client
        except ImportError:
            raise ProviderConfigError("--executor dask:// needs Dask: pip install 'ztscan[dask]'") from None
        try:
            return Client(self.address, timeout=10, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ProviderConfigError(
                f"--executor: no Dask scheduler answers at {self.address}: {one_line(str(exc), 160)}") from None


def executor(value: str) -> Executor:
    """The executor an option value names (validated by ScanOptions: inline, local:N, dask://HOST:PORT)."""
    if value.startswith("local:"):
        return LocalExecutor(int(value.removeprefix("local:")))
    if value.startswith("dask://"):
        return DaskExecutor("tcp://" + value.removeprefix("dask://"))
    return InlineExecutor()
