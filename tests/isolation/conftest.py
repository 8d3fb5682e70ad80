"""Isolation and shared-bank tests run on SQLite and the real PostgreSQL (a schema per test)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.isolation.webapp import accounts_app
from tests.store.conftest import make_item, pg_url, sqlite_url, store, url

__all__ = ["make_item", "pg_url", "sqlite_url", "store", "url"]


@pytest.fixture
def app(url: str) -> Iterator[Any]:
    """The app with accounts on over ``url``'s store (SQLite or PostgreSQL), closed after."""
    made = accounts_app(url)
    yield made
    made.state.ctx.close()
