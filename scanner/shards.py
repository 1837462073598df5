"""Sharded scans: every provider's shards run on the chosen executor; ``--shard K/N`` runs one slice
of the plan into a shard file; ``ztscan merge`` reads the files back. ``document`` is the one place
where shard results become a scan document."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from reports import write_atomic
from scanner.cli_options import OptionsError
from scanner.document import ScanDocument
from scanner.executors import ShardResult, executor, seal
from scanner.provider import Collection, ProgressSink, Provider, ShardSpec, merge_collections
from scanner.run import assemble
from scanner.waivers import Waiver

FORMAT = "ztscan-shard/1"


@dataclass
class Collected:
    provider: Provider
    plan: list[ShardSpec]  # the whole plan, also when only one slice of it ran
    results: list[ShardResult]


def collect(providers: list[Provider], executor_name: str, progress: ProgressSink,
            shard: tuple[int, int] | None = None) -> list[Collected]:
    """Plan each provider's shards, keep the K-th of every N when sharded, run them where asked."""
    run_on = executor(executor_name)
    collected = []
    try:
        for provider in providers:
            progress.note(f"collecting {provider.title}")
            try:
                plan = provider.plan_shards(progress)
                chosen = [(i, s) for i, s in enumerate(plan) if shard is None or i % shard[1] == shard[0] - 1]
                progress.add_work(len(chosen), f"{provider.name} shards")
                done = Collected(provider, plan, [])
                for result in run_on.run(provider, chosen, progress):
                    done.results.append(result)
                    progress.advance()
            finally:
                provider.close()
            collected.append(done)
    finally:
        run_on.close()
    return collected


def document(results: dict[str, list[ShardResult]], started: datetime, scan_date: date | None,
             waivers: list[Waiver], frameworks: list[str] | None) -> ScanDocument:
    """Shard results, in plan order, to the document an unsharded scan produces."""
    collections = {name: merge_collections([r.collection for r in sorted(found, key=lambda r: r.index)])
                   for name, found in results.items()}
    return assemble(collections, started, scan_date, waivers, frameworks)


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


def read_shard(path: Path) -> ShardFile:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise OptionsError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise OptionsError(f"{path} is not JSON: {exc}") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise OptionsError(f"{path} is not a ztscan shard file ({FORMAT})")
    try:
        return ShardFile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise OptionsError(f"{path}: {'.'.join(map(str, err['loc']))}: {err['msg']}") from None


def combine(paths: Iterable[Path]) -> tuple[dict[str, list[ShardResult]], datetime, list[int]]:
    """The shard files' results as one scan's, its start, and the shard numbers that are missing.

    Files of different scans (another N, provider, options or plan) or the same shard twice are a
    usage error. A missing shard is not: its planned targets become failed targets named by account
    and region, so the merged scan says what it lacks and history never counts them as removed."""
    files = [(path, read_shard(path)) for path in paths]
    if not files:
        raise OptionsError("merge: give at least one shard file")
    first_path, first = files[0]
    seen: dict[int, Path] = {}
    for path, f in files:
        for what, mine, theirs in (("N", f.of, first.of), ("provider", f.provider, first.provider),
                                   ("provider options", f.options_fingerprint, first.options_fingerprint),
                                   ("shard plan", f.plan, first.plan)):
            if mine != theirs:
                raise OptionsError(f"merge: {path} and {first_path} differ in {what}: not shards of one scan")
        if f.shard in seen:
            raise OptionsError(f"merge: {path} and {seen[f.shard]} are both shard {f.shard}/{f.of}")
        seen[f.shard] = path
    missing = sorted(set(range(1, first.of + 1)) - set(seen))
    found = [ShardResult(p.index, first.plan[p.index], p.collection) for _, f in files for p in f.parts]
    for k in missing:
        found += [ShardResult(i, spec, spec.failed(f"shard {k}/{first.of} was not merged "
                                                    f"(shard-{k}-of-{first.of}.json not given)"))
                  for i, spec in enumerate(first.plan) if i % first.of == k - 1]
    return {first.provider: found}, min(f.started_at for _, f in files), missing
