"""Mock interviews: drawn questions, typed answers, grades and reports (issue 8)."""

from __future__ import annotations

from prepdeck.store.base import StoreBase


class MockQueries(StoreBase):
    """Part of :class:`~prepdeck.store.sql_store.SqlStore`."""
