"""Looking after cards: leeches (many lapses), finding a card by item id, suspending cards.

A suspended card leaves every queue (due and new) until it is unsuspended; its state and
history stay. Suspending a card never reviewed creates its row, as a new card.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, insert, select, update
from sqlalchemy.engine import Connection, RowMapping

from prepdeck.errors import Location
from prepdeck.scheduling import NEW_CARD
from prepdeck.storage import AdminCard
from prepdeck.store.base import StoreBase
from prepdeck.store.engine import StoreError
from prepdeck.store.rows import state_columns, to_view
from prepdeck.store.sharing import visible_cards
from prepdeck.store.tables import banks, cards, items


class CardAdminQueries(StoreBase):
    """Part of :class:`~prepdeck.store.sql_store.SqlStore`."""

    def _admin_query(self, user: int) -> Select[Any]:
        return visible_cards(user).add_columns(cards.c.suspended)

    @staticmethod
    def _admin_card(row: RowMapping) -> AdminCard:
        return AdminCard(to_view(row), bool(row["suspended"]))

    def _admin_cards(self, query: Select[Any]) -> list[AdminCard]:
        with self._begin() as conn:
            return [self._admin_card(r) for r in conn.execute(query).mappings()]

    def cards_with_lapses(self, user: int, min_lapses: int, limit: int) -> list[AdminCard]:
        """Cards of active items with at least ``min_lapses`` lapses (suspended ones too),
        most lapses first."""
        query = (
            self._admin_query(user)
            .where(cards.c.lapses >= min_lapses)
            .order_by(cards.c.lapses.desc(), banks.c.id, items.c.position)
            .limit(limit)
        )
        return self._admin_cards(query)

    def suspended_cards(self, user: int, limit: int) -> list[AdminCard]:
        """Suspended cards of active items, in bank order."""
        query = (
            self._admin_query(user)
            .where(cards.c.suspended.is_(True))
            .order_by(banks.c.id, items.c.position)
            .limit(limit)
        )
        return self._admin_cards(query)

    def find_cards(self, user: int, key: str, bank: str | None = None) -> list[AdminCard]:
        """Active items with id ``key`` (one per bank that has it), optionally in ``bank`` only."""
        query = self._admin_query(user).where(items.c.key == key).order_by(banks.c.id)
        if bank is not None:
            query = query.where(banks.c.name == bank)
        return self._admin_cards(query)

    def set_suspended(self, user: int, item_pk: int, suspended: bool) -> AdminCard:
        """Suspend or unsuspend the user's card of item ``item_pk``; the card as it is now.

        Raises :class:`StoreError` when there is no active item ``item_pk``.
        """
        with self._begin() as conn:
            self._set_suspended(conn, user, item_pk, suspended)
            row = conn.execute(self._admin_query(user).where(items.c.id == item_pk))
            found = row.mappings().first()
        assert found is not None  # checked in _set_suspended, in the same transaction
        return self._admin_card(found)

    def _set_suspended(self, conn: Connection, user: int, item_pk: int, suspended: bool) -> None:
        active = conn.execute(
            select(items.c.id).where(items.c.id == item_pk, items.c.active.is_(True))
        ).scalar()
        if active is None:
            raise StoreError(f"no active item {item_pk}", Location(self.where))
        changed = conn.execute(
            update(cards)
            .where(cards.c.user_id == user, cards.c.item_id == item_pk)
            .values(suspended=suspended, version=cards.c.version + 1)
        ).rowcount
        if changed == 0 and suspended:  # unsuspending a card never made: nothing to do
            conn.execute(
                insert(cards).values(
                    user_id=user,
                    item_id=item_pk,
                    suspended=suspended,
                    version=1,
                    **state_columns(NEW_CARD),
                )
            )
