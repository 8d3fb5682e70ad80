"""Scheduling toward the interview date: cards due after it, and moving their due dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update

from prepdeck.scheduling import CardPhase
from prepdeck.storage import DueCard
from prepdeck.store.base import StoreBase
from prepdeck.store.rows import card_state
from prepdeck.store.tables import cards


class TowardDateQueries(StoreBase):
    """Part of :class:`~prepdeck.store.sql_store.SqlStore`: ``prepdeck.storage.TowardDateStore``."""

    def cards_due_after(self, user: int, moment: datetime) -> list[DueCard]:
        """The user's studied, unsuspended cards due after ``moment``."""
        query = select(cards).where(
            cards.c.user_id == user,
            cards.c.suspended.is_(False),
            cards.c.phase != int(CardPhase.NEW),
            cards.c.due > moment,
        )
        with self._begin() as conn:
            return [DueCard(r.id, r.version, card_state(r)) for r in conn.execute(query)]

    def move_due_dates(self, user: int, moves: Sequence[tuple[DueCard, datetime]]) -> int:
        """Set each card's due date, in one transaction; a card changed since it was read
        (another version) is left alone. Returns how many moved."""
        moved = 0
        with self._begin() as conn:
            for card, due in moves:
                result = conn.execute(
                    update(cards)
                    .where(
                        cards.c.id == card.card_id,
                        cards.c.user_id == user,
                        cards.c.version == card.version,
                    )
                    .values(due=due, version=cards.c.version + 1)
                )
                moved += result.rowcount
        return moved
