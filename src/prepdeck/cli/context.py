"""What the study commands share: settings, the store, the user and their scheduler."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from prepdeck.settings import load_settings
from prepdeck.store.context import Context, open_store_context

__all__ = ["Context", "open_context"]


@contextmanager
def open_context(database: str | None = None) -> Iterator[Context]:
    """Open the store (migrating it), make sure the bundled bank is loaded, close at the end."""
    ctx = open_store_context(load_settings(database_url=database))
    try:
        yield ctx
    finally:
        ctx.close()
