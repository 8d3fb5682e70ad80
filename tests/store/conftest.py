"""Stores for tests: a SQLite file per test, and PostgreSQL in a schema of its own.

PostgreSQL tests run when ``PREPDECK_TEST_DATABASE_URL`` is set (``make test`` sets it
when a server answers on 127.0.0.1:5432) and skip with the reason otherwise.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import prepdeck
from prepdeck.model import Item
from prepdeck.store import SqlStore

PG_URL = os.environ.get("PREPDECK_TEST_DATABASE_URL", "")
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _item(n: int, topic: str = "Statistics", **extra: object) -> Item:
    fields: dict[str, object] = {
        "id": f"q{n}",
        "topic": topic,
        "question": f"Question number {n}?",
        "answer": f"Answer {n}.",
        "location": prepdeck.Location("bank.md", n),
        "tags": ("alpha",) if n % 2 else ("beta",),
        "difficulty": prepdeck.Difficulty.EASY if n % 3 == 0 else prepdeck.Difficulty.HARD,
    }
    fields.update(extra)
    return Item(**fields)  # type: ignore[arg-type]


@pytest.fixture
def make_item() -> object:
    return _item


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'prepdeck.sqlite3'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("PostgreSQL tests need PREPDECK_TEST_DATABASE_URL (make test sets it)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


@pytest.fixture
def store(url: str) -> Iterator[SqlStore]:
    opened = SqlStore.open(url)
    yield opened
    opened.close()
