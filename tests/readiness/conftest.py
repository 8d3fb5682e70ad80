"""A real store for readiness tests: SQLite, and PostgreSQL in a schema of its own when
``PREPDECK_TEST_DATABASE_URL`` is set (``make test`` sets it; otherwise those tests skip)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from prepdeck.store import SqlStore

PG_URL = os.environ.get("PREPDECK_TEST_DATABASE_URL", "")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    if request.param == "sqlite":
        opened = SqlStore.open(f"sqlite:///{tmp_path / 'prepdeck.sqlite3'}")
        yield opened
        opened.close()
        return
    if not PG_URL:
        pytest.skip("PostgreSQL tests need PREPDECK_TEST_DATABASE_URL (make test sets it)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    opened = SqlStore.open(f"{PG_URL}{sep}options=-csearch_path%3D{schema}")
    try:
        yield opened
    finally:
        opened.close()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
