"""The spill store of a streaming scan: each shard's functions go to disk as they arrive, their results
once checked, and every report reads them back one function at a time.

It is the store's own schema (``scan_functions``' facts and result columns, a ``scans`` row in state
``writing``) in a SQLite file of its own in a temporary directory: local disk, never the (possibly
shared, possibly remote) history store, which keeps findings rather than facts. Rows are read in the
stable order (provider, account, region, name), whatever order the shards finished in, so two runs
of the same estate (inline, on processes, on Dask, or merged from shards) evaluate and report alike.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, select, tuple_

from scanner.findings import CheckMeta, Finding, Status
from scanner.inventory import ServerlessFunction
from scanner.results import FunctionResult
from scanner.store import tables as t
from scanner.store.engine import make_engine, to_url

PAGE = 250  # functions read back at a time: bounds a report's memory, not its speed


def _encode(result: FunctionResult) -> str:
    findings = [[f.id, f.check_id, f.status.value, f.evidence, f.waived, f.waiver,
                 f.first_seen.isoformat() if f.first_seen else None,
                 f.last_seen.isoformat() if f.last_seen else None, f.delta] for f in result.findings]
    score = result.score.model_dump(mode="json") if result.score is not None else None  # type: ignore[attr-defined]
    return json.dumps({"score": score, "findings": findings}, separators=(",", ":"))


class Spill:
    """One scan's functions on disk; ``len()`` is how many were added."""

    def __init__(self, scan_id: str, started: datetime, directory: str | None = None) -> None:
        self.scan_id = scan_id
        self._dir = tempfile.TemporaryDirectory(prefix="ztscan-spill-", dir=directory)
        self.engine: Engine = make_engine(to_url(str(Path(self._dir.name) / "spill.db")))
        t.metadata.create_all(self.engine)
        self._count = 0
        with self.engine.begin() as conn:
            conn.execute(t.scans.insert(), [{
                "id": scan_id, "state": "writing", "kind": "spill", "started_at": started, "finished_at": started,
                "day": started.date(), "scan_date": started.date().isoformat(), "duration_seconds": 0.0,
                "tool_version": "", "schema_version": "", "providers": [], "scope": {}, "scope_key": "",
                "functions": 0, "targets_incomplete": 0, "deltas": {},
                **{f"status_{s.lower()}": 0 for s in t.STATUSES}, **{f"failing_{s}": 0 for s in t.SEVERITIES},
            }])

    def __len__(self) -> int:
        return self._count

    def add(self, functions: Sequence[ServerlessFunction]) -> None:
        """One shard's functions, in one transaction."""
        if not functions:
            return
        with self.engine.begin() as conn:
            conn.execute(t.scan_functions.insert(), [
                {"scan_id": self.scan_id, "function_id": fn.id, "provider": fn.provider, "account": fn.account,
                 "region": fn.region, "name": fn.name, "facts": fn.model_dump_json(), "result": None}
                for fn in functions])
        self._count += len(functions)

    def _pages(self, *columns: Any) -> Iterator[list[Any]]:
        """Rows in the stable order, a page at a time (keyset paging: each page is one indexed seek)."""
        c = t.scan_functions.c
        key = (c.provider, c.account, c.region, c.name, c.function_id)
        last: tuple[Any, ...] | None = None
        while True:
            query = select(*key, *columns).where(c.scan_id == self.scan_id).order_by(*key).limit(PAGE)
            if last is not None:
                query = query.where(tuple_(*key) > tuple_(*last))
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
            if not rows:
                return
            last = tuple(rows[-1][:len(key)])
            yield [row[len(key):] for row in rows]

    def functions(self) -> Iterator[list[ServerlessFunction]]:
        """The spilled functions, a page at a time, as collected."""
        for page in self._pages(t.scan_functions.c.facts):
            yield [ServerlessFunction.model_validate_json(facts) for (facts,) in page]

    def put_results(self, results: Sequence[FunctionResult]) -> None:
        c = t.scan_functions.c
        with self.engine.begin() as conn:
            conn.execute(t.scan_functions.update().where(
                c.scan_id == self.scan_id, c.function_id == bindparam("fid")).values(result=bindparam("r")),
                [{"fid": r.function.id, "r": _encode(r)} for r in results])

    def results(self, checks: Sequence[CheckMeta]) -> Iterator[FunctionResult]:
        """Every function with its findings and score, in the stable order: what reports iterate."""
        from scanner.document import FunctionScore

        metas = {m.id: m for m in checks}
        for page in self._pages(t.scan_functions.c.facts, t.scan_functions.c.result):
            for facts, encoded in page:
                fn = ServerlessFunction.model_validate_json(facts)
                stored = json.loads(encoded) if encoded else {"score": None, "findings": []}
                findings = [_finding(fn, metas[row[1]], row) for row in stored["findings"]]
                score = FunctionScore.model_validate(stored["score"]) if stored["score"] else None
                yield FunctionResult(fn, findings, score)

    def source(self, checks: Sequence[CheckMeta]) -> SpilledResults:
        return SpilledResults(self, checks)

    def close(self) -> None:
        self.engine.dispose()
        self._dir.cleanup()


def _finding(fn: ServerlessFunction, meta: CheckMeta, row: list[Any]) -> Finding:
    fid, check_id, status, evidence, waived, waiver, first_seen, last_seen, delta = row
    return Finding(id=fid, check_id=check_id, title=meta.title, pillar=meta.pillar, severity=meta.severity,
                   status=Status(status), provider=fn.provider, account=fn.account, region=fn.region,
                   resource_id=fn.id, resource_name=fn.name, evidence=evidence, waived=waived, waiver=waiver,
                   first_seen=datetime.fromisoformat(first_seen) if first_seen else None,
                   last_seen=datetime.fromisoformat(last_seen) if last_seen else None, delta=delta)


class SpilledResults:
    """A document's results read back from its spill (scanner.results.ResultSource)."""

    def __init__(self, spill: Spill, checks: Sequence[CheckMeta]) -> None:
        self._spill, self._checks = spill, checks

    def __iter__(self) -> Iterator[FunctionResult]:
        return self._spill.results(self._checks)

    def __len__(self) -> int:
        return len(self._spill)

    def update(self, results: Sequence[FunctionResult]) -> None:
        self._spill.put_results(results)
