"""History stores for tests: a SQLite file, or a fresh database on the PostgreSQL server CI starts.

.ci/run starts Debian's PostgreSQL and sets ZTSCAN_TEST_POSTGRES_URL (a role allowed to create
databases); without it the PostgreSQL half of the history suite is skipped, never faked.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_ENV = "ZTSCAN_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]


@contextmanager
def store_for(backend: str, tmp: Path) -> Iterator[str]:
    """A store location of its own for one test (xdist workers never share one)."""
    if backend == "sqlite":
        yield str(tmp / "history.db")
        return
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        pytest.skip(f"{PG_ENV} is not set (.ci/run sets it after starting PostgreSQL)")
    name = f"ztscan_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
