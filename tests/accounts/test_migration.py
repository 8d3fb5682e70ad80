"""Migration 0003 adds accounts to an existing database without touching its users."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from prepdeck.store import SqlStore
from prepdeck.store.engine import _alembic_config, make_engine
from prepdeck.store.tables import metadata

ACCOUNT_TABLES = {"users", "api_tokens", "auth_sessions", "invitations", "sign_in_attempts"}


def _table_of(diff: Any) -> str:
    """The table an autogenerate difference is about."""
    if isinstance(diff, list):  # modify_* entries: (op, schema, table, column, ...)
        return str(diff[0][2])
    op, subject = diff[0], diff[1]
    if op in ("add_column", "remove_column"):
        return str(diff[2])
    if op in ("add_table", "remove_table"):
        return str(subject.name)
    if op in ("add_fk", "remove_fk"):
        return str(subject.parent.name)
    return str(subject.table.name)  # indexes and constraints


def test_existing_users_become_enabled_learners_and_schema_matches_tables(url: str) -> None:
    engine = make_engine(url)
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        conn.execute(
            text("INSERT INTO users (name, created_at) VALUES ('local', '2026-01-01 00:00:00')")
        )
    engine.dispose()
    store = SqlStore.open(url)
    try:
        account = store.account_by_name("local")
        assert account is not None and account.role == "learner"
        assert not account.disabled and not account.has_password
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert [d for d in diff if _table_of(d) in ACCOUNT_TABLES] == []
    finally:
        store.close()
