"""``ztscan history ...``, and the scan's side of history: write the store, print the delta, notify."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scanner.config import ScanOptions
from scanner.document import DocumentError, ScanDocument, load
from scanner.run import EXIT_INCOMPLETE, EXIT_USAGE

if TYPE_CHECKING:
    from sqlalchemy import Connection

STORE_HELP = "History store: a path or database URL (default: ZTSCAN_STORE, else the per-user data directory)"


def keep_history(doc: ScanDocument, opts: ScanOptions, say: Callable[[str], None], quiet: bool) -> bool:
    """Write the scan to the store unless --no-store; False (after one line) when the store failed."""
    if opts.no_store:
        return True
    from scanner.store import StoreError, default_location, record_scan  # SQLAlchemy: only when history is kept
    try:
        history = record_scan(opts.store or default_location(), doc, opts.retain_days)
    except StoreError as exc:
        say(f"ztscan: history not written (reports are): {exc}")
        return False
    if not quiet:
        c = history.counts
        since = f"since scan {history.previous_scan_id}" if history.previous_scan_id else "(first scan of this scope)"
        say(f"ztscan: history: {c['new']} new, {c['resolved']} resolved, {c['changed']} changed, "
            f"{c['removed']} removed {since}; store {history.store}")
    return True


def notify(doc: ScanDocument, opts: ScanOptions, say: Callable[[str], None]) -> None:
    if opts.notify:
        from scanner.notify import send

        send(doc, opts.notify, opts.notify_on, say)


def _fail(message: str, code: int = EXIT_USAGE) -> click.exceptions.Exit:
    print(f"ztscan: error: {message}", file=sys.stderr)
    return click.exceptions.Exit(code)


@contextmanager
def _reading(store: str | None) -> Iterator[Connection]:
    from sqlalchemy.exc import SQLAlchemyError

    from scanner.store import StoreError, default_location
    from scanner.store.engine import describe, one_line, open_engine, to_url

    location = store or default_location()
    try:
        if "://" not in location and not Path(location).expanduser().exists():
            raise StoreError(f"{location}: no history store there yet")
        engine, _ = open_engine(location)
    except StoreError as exc:
        raise _fail(str(exc), EXIT_INCOMPLETE) from None
    try:
        with engine.begin() as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise _fail(f"{describe(to_url(location))}: {one_line(exc)}", EXIT_INCOMPLETE) from None
    finally:
        engine.dispose()


def _duration(value: str) -> timedelta:
    if not (value.endswith("d") and value[:-1].isdigit()):
        raise _fail(f"--since: {value!r} is not a number of days such as 90d")
    return timedelta(days=int(value[:-1]))


def load_scan(ref: str, store: str | None) -> ScanDocument:
    """A saved scan file, else a scan id (or unique prefix) in the history store."""
    from scanner.store.reader import find_scan, load_document

    if Path(ref).exists() or ref.endswith(".json"):
        return load(Path(ref))
    with _reading(store) as conn:
        row = find_scan(conn, ref)
        if row is None:
            raise DocumentError(f"{ref}: neither a scan file nor one scan id in the history store")
        return load_document(conn, row)


store_option = click.option("--store", default=None, help=STORE_HELP)


@click.group("history")
def history_group() -> None:
    """Scans kept in the history store."""


@history_group.command("list")
@store_option
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON")
def history_list(store: str | None, limit: int, as_json: bool) -> None:
    """The latest scans, newest first."""
    from scanner.store.reader import list_scans

    with _reading(store) as conn:
        scans = list_scans(conn, limit)
    if as_json:
        print(json.dumps(scans, indent=2))
        return
    for s in scans:
        failing = ", ".join(f"{n} {sev}" for sev, n in s["failing_by_severity"].items() if n) or "none failing"
        d = s["deltas"]
        print(f"{s['id']}  {s['finished_at'][:19]}  {s['functions']} functions  grade {s['estate_grade'] or '-'}  "
              f"{failing}  ({d['new']} new, {d['resolved']} resolved, {d['removed']} removed)")


@history_group.command("show")
@click.argument("scan_id")
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON")
def history_show(scan_id: str, store: str | None, as_json: bool) -> None:
    """One scan: scope, counts, grades per account, and what changed in it."""
    from scanner.store.reader import find_scan, show_scan

    with _reading(store) as conn:
        row = find_scan(conn, scan_id)
        if row is None:
            raise _fail(f"{scan_id}: no such scan (or the prefix matches more than one) in the store")
        found = show_scan(conn, row)
    if as_json:
        print(json.dumps(found, indent=2))
        return
    print(f"scan {found['id']} ({found['kind']}), finished {found['finished_at']}, "
          f"{found['duration_seconds']}s, ztscan {found['tool_version']} (schema {found['schema_version']})")
    print(f"scope: {json.dumps(found['scope'], sort_keys=True)}")
    print(f"functions: {found['functions']}; findings: {found['findings_by_status']}; "
          f"failing: {found['failing_by_severity']}; estate grade {found['estate_grade'] or '-'}")
    for a in found["accounts"]:
        print(f"grade {a['provider']} {a['account']}: {a['grade']} ({a['score']})")
    deltas = ", ".join(f"{n} {k}" for k, n in found["deltas"].items())
    print(f"since scan {found['previous_scan_id'] or '-'}: {deltas}")
    for c in found["changes"]:
        print(f"{c['delta'].upper():9} {c['severity']:8} {c['check_id']} {c['resource_name']}: {c['title']}")


@history_group.command("trend")
@store_option
@click.option("--since", "since", default="90d", show_default=True, help="How far back, in days (e.g. 30d)")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True)
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="Write to this file instead of stdout")
def history_trend(store: str | None, since: str, fmt: str, out_file: Path | None) -> None:
    """Estate grade and failing findings by severity per scan, oldest first."""
    from reports.trend import render_trend_html
    from scanner.store.reader import trend

    start = datetime.now(UTC) - _duration(since)
    with _reading(store) as conn:
        points = trend(conn, None, start, limit=10_000)
    rendered = {
        "text": lambda: "".join(
            f"{p.finished_at.isoformat()[:19]}  {p.scan_id}  grade {p.estate_grade or '-'} "
            f"({_or_dash(p.estate_score)})  "
            + ", ".join(f"{n} {s}" for s, n in p.failing.items()) + "\n" for p in points),
        "json": lambda: json.dumps([p.model_dump(mode="json") for p in points], indent=2) + "\n",
        "html": lambda: render_trend_html(points, since),
    }[fmt]()
    if out_file is None:
        sys.stdout.write(rendered)
    else:
        from reports import write_atomic

        write_atomic(out_file, rendered)


def _or_dash(value: Any) -> str:
    return "-" if value is None else str(value)
