"""The connection side of the store: the engine and one transaction per change.

Every part of :class:`~prepdeck.store.sql_store.SqlStore` (cards, mocks, accounts, ...) is a
mixin on :class:`StoreBase`, each in the module named for what it stores.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from prepdeck.errors import Location
from prepdeck.store import engine as engines

#: The transaction :meth:`StoreBase.reading` opened in this thread (or task), with its store.
_READING: ContextVar[tuple[StoreBase, Connection] | None] = ContextVar("_READING", default=None)


class StoreBase:
    """An engine and ``with self._begin() as conn`` transactions; database errors as StoreError."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.where = engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def _begin(self) -> Any:
        shared = _READING.get()
        if shared is not None and shared[0] is self:
            return _Joined(shared[1])
        return _Transaction(self)

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Run the store's queries inside the block in one transaction (one connection).

        For a run of reads (a practice queue is three queries), so they cost one checkout
        of a pooled connection, one BEGIN and one COMMIT instead of three. Writes inside
        the block are fine too, but a failed statement (an IntegrityError) would abort the
        whole transaction on PostgreSQL, so blocks that expect one are not to use this.
        """
        if _READING.get() is not None:
            yield
            return
        with self._begin() as conn:
            token = _READING.set((self, conn))
            try:
                yield
            finally:
                _READING.reset(token)


class _Joined:
    """``with store._begin() as conn`` inside :meth:`StoreBase.reading`: its connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def __enter__(self) -> Connection:
        return self.conn

    def __exit__(self, *exc_info: Any) -> None:
        return None


class _Transaction:
    """``with store._begin() as conn``: one transaction, database errors as StoreError."""

    def __init__(self, store: StoreBase) -> None:
        self.store = store
        self.context: Any = None

    def __enter__(self) -> Connection:
        try:
            self.context = self.store.engine.begin()
            return self.context.__enter__()  # type: ignore[no-any-return]
        except OperationalError as exc:
            raise engines.store_error(exc, Location(self.store.where)) from None

    def __exit__(self, *exc_info: Any) -> None:
        try:
            self.context.__exit__(*exc_info)
        except DBAPIError as exc:
            if isinstance(exc, IntegrityError):
                raise
            raise engines.store_error(exc, Location(self.store.where)) from None
        if exc_info[0] is not None and issubclass(exc_info[0], OperationalError):
            raise engines.store_error(exc_info[1], Location(self.store.where)) from None
