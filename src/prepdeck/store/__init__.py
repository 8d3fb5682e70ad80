"""Storage on SQL databases (SQLAlchemy + Alembic). Only the CLI and web layers import this."""

from __future__ import annotations

from prepdeck.storage import ConcurrentUpdate
from prepdeck.store.engine import StoreError
from prepdeck.store.sql_store import SqlStore

__all__ = ["ConcurrentUpdate", "SqlStore", "StoreError"]
