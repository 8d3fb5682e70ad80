"""A psycopg cursor whose result description is built once per statement, not per execution.

SQLAlchemy reads ``cursor.description`` after every statement, and psycopg builds a fresh
:class:`psycopg.Column` per column each time: a practice rating reads some 70 columns in four
statements, and building them was a tenth of the server's CPU per rating. On one connection
(one database), a statement's text fixes its result's columns, names and types, so the list
is kept per connection and text and handed out again. A Column holds no cursor: it copies
what it needs from the result when it is made.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

import psycopg

#: Statements kept per connection; past this its cache starts over (the app runs a few dozen
#: distinct statements, so only ad-hoc ones could fill it).
MAX_KEPT = 256
_kept: WeakKeyDictionary[Any, dict[tuple[str | bytes, int], list[psycopg.Column]]] = (
    WeakKeyDictionary()
)


class DescribedOnceCursor(psycopg.Cursor[Any]):
    """:class:`psycopg.Cursor` with :attr:`description` kept per connection and statement."""

    @property
    def description(self) -> list[psycopg.Column] | None:
        res = self.pgresult
        query = self._last_query  # as the caller gave it (SQLAlchemy: a str)
        if res is None or not isinstance(query, str | bytes) or not res.nfields:
            return super().description
        kept = _kept.get(self._conn)
        if kept is None:
            kept = _kept[self._conn] = {}
        key = (query, res.nfields)
        found = kept.get(key)
        if found is None:
            found = super().description
            if found is None:
                return None
            if len(kept) >= MAX_KEPT:
                kept.clear()
            kept[key] = found
        return list(found)  # a copy: a caller may change its list, never the kept one
