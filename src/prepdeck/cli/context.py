"""What the study commands share: settings, the store, the user and their scheduler."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from prepdeck.bundled import bundled_bank, bundled_fingerprint
from prepdeck.practice import sync_bundled
from prepdeck.scheduling import Scheduler
from prepdeck.settings import Settings, load_settings
from prepdeck.store import SqlStore


@dataclass
class Context:
    settings: Settings
    store: SqlStore
    user: int
    scheduler: Scheduler


@contextmanager
def open_context(database: str | None = None) -> Iterator[Context]:
    """Open the store (migrating it), make sure the bundled bank is loaded, close at the end."""
    settings = load_settings(database_url=database)
    store = SqlStore.open(settings.resolved_database_url)
    try:
        user = store.user_id(settings.user)
        fingerprint = bundled_fingerprint()
        if store.bank_fingerprint("bundled") != fingerprint:
            sync_bundled(store, bundled_bank(), fingerprint, "(bundled with prepdeck)")
        yield Context(settings, store, user, Scheduler(settings, store.parameters(user)))
    finally:
        store.close()
