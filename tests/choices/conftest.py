"""Stores for the choice and leech tests: SQLite, and PostgreSQL when a server is configured."""

from __future__ import annotations

from tests.store.conftest import make_item, pg_url, sqlite_url, store, url

__all__ = ["make_item", "pg_url", "sqlite_url", "store", "url"]
