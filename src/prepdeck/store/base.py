"""The connection side of the store: the engine and one transaction per change.

Every part of :class:`~prepdeck.store.sql_store.SqlStore` (cards, mocks, accounts, ...) is a
mixin on :class:`StoreBase`, each in the module named for what it stores.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from prepdeck.errors import Location
from prepdeck.store import engine as engines


class StoreBase:
    """An engine and ``with self._begin() as conn`` transactions; database errors as StoreError."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.where = engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def _begin(self) -> Any:
        return _Transaction(self)


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
