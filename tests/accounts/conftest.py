"""Account tests run on SQLite and on the real PostgreSQL (a schema per test)."""

from __future__ import annotations

from tests.store.conftest import pg_url, sqlite_url, store, url

__all__ = ["pg_url", "sqlite_url", "store", "url"]
