"""Web state kept in the database so any worker serves any request (issue 9)."""

from __future__ import annotations

from prepdeck.store.base import StoreBase


class WebStateQueries(StoreBase):
    """Part of :class:`~prepdeck.store.sql_store.SqlStore`."""
