"""Isolation and shared-bank tests run on SQLite and the real PostgreSQL (a schema per test)."""

from __future__ import annotations

from tests.store.conftest import make_item, pg_url, sqlite_url, store, url

__all__ = ["make_item", "pg_url", "sqlite_url", "store", "url"]
