"""What every front end (CLI, web) shares: settings, the store, the user and their scheduler."""

from __future__ import annotations

from dataclasses import dataclass

from prepdeck.bundled import ensure_bundled
from prepdeck.scheduling import Scheduler
from prepdeck.settings import Settings, with_user_settings
from prepdeck.store.sql_store import SqlStore


@dataclass
class Context:
    settings: Settings
    store: SqlStore
    user: int
    scheduler: Scheduler

    def refresh_scheduler(self) -> None:
        """Rebuild the scheduler after the user's parameters changed (``optimize``)."""
        self.scheduler = Scheduler(self.settings, self.store.parameters(self.user))

    def close(self) -> None:
        self.store.close()


def open_store_context(settings: Settings) -> Context:
    """Open the store (migrating it) and load the bundled bank unless it is already current.

    The user's own settings (retention, daily limits, ... saved from the web UI) are laid
    over ``settings`` here, so every front end practises with them. The caller closes the
    context. Raises :class:`~prepdeck.store.StoreError`.
    """
    store = SqlStore.open(settings.resolved_database_url)
    try:
        user = store.user_id(settings.user)
        settings = with_user_settings(settings, store.user_settings(user), "saved user settings")
        ensure_bundled(store)
        return Context(settings, store, user, Scheduler(settings, store.parameters(user)))
    except BaseException:
        store.close()
        raise
