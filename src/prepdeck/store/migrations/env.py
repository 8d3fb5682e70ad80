"""Alembic environment: runs on the connection prepdeck hands over (see ``store.engine``)."""

from __future__ import annotations

from alembic import context

from prepdeck.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - prepdeck always passes its connection
    raise RuntimeError("run migrations through `prepdeck db upgrade`")
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
