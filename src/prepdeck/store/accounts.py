"""Accounts: passwords, roles, API tokens, invitations and sign-in limits (issue 9)."""

from __future__ import annotations

from prepdeck.store.base import StoreBase


class AccountQueries(StoreBase):
    """Part of :class:`~prepdeck.store.sql_store.SqlStore`."""
