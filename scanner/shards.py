"""Sharded scans: every provider's shards run on the chosen executor; ``--shard K/N`` runs one slice
of the plan into a shard file; ``ztscan merge`` reads the files back. Either way the shards' collections
go to scanner.pipeline as they arrive."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from reports import write_atomic
from scanner.cli_options import OptionsError
from scanner.executors import ShardResult, executor, seal
from scanner.provider import Collection, ProgressSink, Provider, ShardSpec

FORMAT = "ztscan-shard/1"


@dataclass
class Collected:
    provider: Provider
    plan: list[ShardSpec]  # the whole plan, also when only one slice of it ran
    results: list[ShardResult]


def results(providers: list[Provider], executor_name: str, progress: ProgressSink,
            shard: tuple[int, int] | None = None,
            plans: dict[str, list[ShardSpec]] | None = None) -> Iterator[tuple[Provider, ShardResult]]:
    """Plan each provider's shards, keep the K-th of every N when sharded, run them where asked, and
    hand each one on as it finishes (``plans`` receives every provider's whole plan)."""
    run_on = executor(executor_name)
    try:
        for provider in providers:
            progress.note(f"collecting {provider.title}")
            try:
                plan = provider.plan_shards(progress)
                if plans is not None:
                    plans[provider.name] = plan
                chosen = [(i, s) for i, s in enumerate(plan) if shard is None or i % shard[1] == shard[0] - 1]
                progress.add_work(len(chosen), f"{provider.name} shards")
                for result in run_on.run(provider, chosen, progress):
                    progress.advance()
                    yield provider, result
            finally:
                provider.close()
    finally:
        run_on.close()


def collect(providers: list[Provider], executor_name: str, progress: ProgressSink,
            shard: tuple[int, int]) -> list[Collected]:
    """A --shard run's slice, kept whole for its shard file."""
    plans: dict[str, list[ShardSpec]] = {}
    found: dict[str, list[ShardResult]] = defaultdict(list)
    for provider, result in results(providers, executor_name, progress, shard, plans):
        found[provider.name].append(result)
    return [Collected(p, plans.get(p.name, []), found[p.name]) for p in providers]


def shard_out(out: str | Path, providers: list[Provider]) -> Path:
    """Where a --shard run writes; checked before the scan, not after it."""
    if "://" in str(out):
        raise OptionsError("--shard writes shard-K-of-N.json into a local --out directory")
    if len(providers) != 1:
        raise OptionsError("--shard runs one provider's shards")
    return Path(out)


def fingerprint(provider: Provider) -> str:
    """Options that decide what is read; how fast it is read (workers) may differ between shards."""
    options = provider.options.model_dump_json(exclude={"workers"})
    return hashlib.sha256(f"{provider.name}\n{options}".encode()).hexdigest()[:16]


class ShardPart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: int
    collection: Collection


class ShardFile(BaseModel):
    """What one ``--shard K/N`` run collected, and enough of the plan for merge to name what is missing."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["ztscan-shard/1"] = FORMAT
    shard: int
    of: int
    provider: str
    options_fingerprint: str
    plan: list[ShardSpec]
    started_at: datetime
    finished_at: datetime
    parts: list[ShardPart]

    @property
    def name(self) -> str:
        return f"shard-{self.shard}-of-{self.of}.json"

    @property
    def failed(self) -> bool:
        return any(t.status == "failed" for p in self.parts for t in p.collection.targets)


def write_shard(done: Collected, shard: tuple[int, int], started: datetime, out: Path) -> ShardFile:
    parts = [ShardPart(index=r.index, collection=seal(r.collection))
             for r in sorted(done.results, key=lambda r: r.index)]
    record = ShardFile(shard=shard[0], of=shard[1], provider=done.provider.name,
                       options_fingerprint=fingerprint(done.provider), plan=done.plan, started_at=started,
                       finished_at=datetime.now(UTC), parts=parts)
    write_atomic(out / record.name, record.model_dump_json() + "\n")
    return record


def read_shard(path: Path, parts: bool = True) -> ShardFile:
    """The shard file; without ``parts``, only what says which scan and shard it is (the collections,
    nearly all of the file, are then not validated)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise OptionsError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise OptionsError(f"{path} is not JSON: {exc}") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise OptionsError(f"{path} is not a ztscan shard file ({FORMAT})")
    if not parts:
        raw["parts"] = []
    try:
        return ShardFile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise OptionsError(f"{path}: {'.'.join(map(str, err['loc']))}: {err['msg']}") from None


def combine(paths: Iterable[Path]) -> tuple[str, Iterator[tuple[str, Collection]], datetime, list[int]]:
    """The shard files' provider, their collections (read back one file at a time, so merging holds
    one file's functions at once), the scan's start, and the shard numbers that are missing.

    Files of different scans (another N, provider, options or plan) or the same shard twice are a
    usage error. A missing shard is not: its planned targets become failed targets named by account
    and region, so the merged scan says what it lacks and history never counts them as removed."""
    paths = list(paths)
    if not paths:
        raise OptionsError("merge: give at least one shard file")
    headers = [(path, read_shard(path, parts=False)) for path in paths]
    first_path, first = headers[0]
    seen: dict[int, Path] = {}
    for path, f in headers:
        for what, mine, theirs in (("N", f.of, first.of), ("provider", f.provider, first.provider),
                                   ("provider options", f.options_fingerprint, first.options_fingerprint),
                                   ("shard plan", f.plan, first.plan)):
            if mine != theirs:
                raise OptionsError(f"merge: {path} and {first_path} differ in {what}: not shards of one scan")
        if f.shard in seen:
            raise OptionsError(f"merge: {path} and {seen[f.shard]} are both shard {f.shard}/{f.of}")
        seen[f.shard] = path
    missing = sorted(set(range(1, first.of + 1)) - set(seen))

    def collections() -> Iterator[tuple[str, Collection]]:
        for path in paths:
            for part in read_shard(path).parts:
                yield first.provider, part.collection
        for k in missing:
            for i, spec in enumerate(first.plan):
                if i % first.of == k - 1:
                    yield first.provider, spec.failed(f"shard {k}/{first.of} was not merged "
                                                      f"(shard-{k}-of-{first.of}.json not given)")

    return first.provider, collections(), min(f.started_at for _, f in headers), missing
