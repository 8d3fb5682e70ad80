"""A real store for readiness tests: SQLite, and PostgreSQL in a schema of its own when
``PREPDECK_TEST_DATABASE_URL`` is set (``make test`` sets it; otherwise those tests skip)."""

from __future__ import annotations

from tests.store.conftest import pg_url, sqlite_url, store, url

__all__ = ["pg_url", "sqlite_url", "store", "url"]
