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

#: The transaction :meth:`StoreBase.transaction` opened in this thread (or task), with its store.
_SHARED: ContextVar[tuple[StoreBase, Connection] | None] = ContextVar("_SHARED", default=None)


class StoreBase:
    """An engine and ``with self._begin() as conn`` transactions; database errors as StoreError."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.where = engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def _shared(self) -> bool:
        """Whether ``_begin`` joins a :meth:`transaction` block's transaction."""
        shared = _SHARED.get()
        return shared is not None and shared[0] is self

    def _begin(self) -> Any:
        shared = _SHARED.get()
        if shared is not None and shared[0] is self:
            return _Joined(shared[1])
        return _Transaction(self)

    def _read(self) -> Any:
        """``with self._read() as conn`` for a read that needs no transaction of its own (one
        statement, or writes that stand alone): on PostgreSQL in autocommit, which spares a
        BEGIN and a COMMIT round trip (sign-in on every request); else as :meth:`_begin`."""
        if self.engine.dialect.name != "postgresql" or self._shared():
            return self._begin()
        return _Transaction(self, autocommit=True)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the store's calls inside the block in one transaction (one connection).

        A run of reads (a practice queue is three queries) costs one checkout of a pooled
        connection, one BEGIN and one COMMIT instead of three; a run of writes (a rating, then
        the next card shown) is all or nothing. An exception leaving the block rolls the whole
        transaction back, so calls inside never catch a database error and go on (after a
        failed statement PostgreSQL refuses every other one in the transaction): a conflict
        is raised out of the block and the caller retries the whole block.
        """
        if _SHARED.get() is not None:
            yield
            return
        with self._begin() as conn:
            token = _SHARED.set((self, conn))
            try:
                yield
            finally:
                _SHARED.reset(token)


class _Joined:
    """``with store._begin() as conn`` inside :meth:`StoreBase.transaction`: its connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def __enter__(self) -> Connection:
        return self.conn

    def __exit__(self, *exc_info: Any) -> None:
        return None


class _Transaction:
    """``with store._begin() as conn``: one transaction, database errors as StoreError (or,
    with ``autocommit``, a connection whose every statement commits by itself)."""

    def __init__(self, store: StoreBase, autocommit: bool = False) -> None:
        self.store = store
        self.autocommit = autocommit
        self.context: Any = None

    def __enter__(self) -> Connection:
        try:
            if self.autocommit:
                self.context = self.store.engine.connect()
                conn: Connection = self.context.__enter__()
                return conn.execution_options(isolation_level="AUTOCOMMIT")
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
