"""Where the store is, how to connect to it, and bringing its schema up to date on open."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

ENV_VAR = "ZTSCAN_STORE"
# Any constant: PostgreSQL advisory locks are keyed by a 64-bit number chosen by the application.
_PG_LOCK_KEY = 0x7A7473_63616E
_MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision in migrations/versions (a test keeps the two equal): knowing it here spares every
# scan the import of Alembic, which is only needed when the store is behind.
HEAD = "0003"


class StoreError(Exception):
    """The store cannot be opened, migrated or written: worded for one line, with no password in it."""


def default_location() -> str:
    """ZTSCAN_STORE, else history.db in the per-user data directory (XDG_DATA_HOME on Linux)."""
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR]
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("ztscan", appauthor=False)) / "history.db")


def to_url(location: str) -> URL:
    """A path, or a SQLAlchemy URL (sqlite:///..., postgresql+psycopg://...)."""
    if "://" not in location:
        return URL.create("sqlite", database=str(Path(location).expanduser().resolve()))
    try:
        url = make_url(location)
    except ArgumentError as exc:
        raise StoreError(f"--store: {location.split('://')[0]}://... is not a database URL") from exc
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(f"--store: {url.get_backend_name()} is not supported (use a path, sqlite:// or postgresql://)")
    return url


def describe(url: URL) -> str:
    """The store as shown to a user: a SQLite file's path, else the URL with its password masked."""
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database
    return url.render_as_string(hide_password=True)


def one_line(exc: BaseException) -> str:
    """The driver's own message, first line only: SQLAlchemy's adds the statement and its parameters."""
    inner = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(inner).splitlines() if line.strip()]
    return (lines[0] if lines else type(inner).__name__)[:300]


def _sqlite_engine(url: URL) -> Engine:
    if url.database and not url.query.get("uri"):  # a file: URI names its path its own way
        try:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create {Path(url.database).parent}: {exc.strerror}") from exc
    engine = create_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # the "begin" hook below issues BEGIN itself
        cursor = dbapi_conn.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=60000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Take the write lock at BEGIN: a deferred transaction that reads and then writes can fail
        # with "database is locked" when another writer got in between.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that holds the store's write lock, so concurrent writers take turns."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        yield conn


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(_MIGRATIONS)).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` inside the store's write lock (two first scans may race)."""
    if revision == "head" and current_revision(engine) == HEAD:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with write_transaction(engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def open_engine(location: str) -> tuple[Engine, str]:
    """An engine on an up-to-date store, and how to name the store to a user."""
    url = to_url(location)
    engine = make_engine(url)
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"{describe(url)}: {one_line(exc)}") from None
    return engine, describe(url)
