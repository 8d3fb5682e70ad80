"""The practice queue's statements: day counts, due cards, new cards, and the next card.

They are built once (per user and filter where those are part of the statement) and kept:
building a statement and its cache key, which SQLAlchemy memoises on the statement object,
costs more CPU than running it, and every practice step runs one.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
    union_all,
)

from prepdeck.scheduling import CardPhase
from prepdeck.storage import QueueFilter
from prepdeck.store.rows import VIEW_COLUMNS, filtered
from prepdeck.store.sharing import bank_visible_to, visible_cards
from prepdeck.store.tables import banks, cards, items, reviews

_SIGN = case((reviews.c.kind == "undo", -1), else_=1)
_LEARNING = (int(CardPhase.LEARNING), int(CardPhase.RELEARNING))


def _done(was_new: bool) -> ColumnElement[Any]:
    """New cards (or reviews) rated since ``:since`` by ``:user``, undos counted back."""
    return func.coalesce(func.sum(case((reviews.c.was_new.is_(was_new), _SIGN), else_=0)), 0)


def _today(user: Any) -> ColumnElement[bool]:
    return and_(
        reviews.c.user_id == user,
        reviews.c.reviewed_at >= bindparam("since"),
        or_(
            reviews.c.kind == "review",
            and_(reviews.c.kind == "undo", reviews.c.phase_before.is_not(None)),
        ),
    )


#: New cards and reviews ``:user`` did since ``:since``.
DAY_COUNTS = select(_done(True), _done(False)).where(_today(bindparam("user")))


def _due_cards(user: int) -> Select[Any]:
    """The user's scheduled (not new, not suspended) cards of visible, active items."""
    joined = cards.join(items, items.c.id == cards.c.item_id).join(
        banks, banks.c.id == items.c.bank_id
    )
    return (
        select(*VIEW_COLUMNS)
        .select_from(joined)
        .where(
            cards.c.user_id == user,
            cards.c.suspended.is_(False),
            cards.c.phase != int(CardPhase.NEW),
            items.c.active.is_(True),
            bank_visible_to(user),
        )
        .order_by(cards.c.due, cards.c.id)
    )


def _new_cards(user: int) -> Select[Any]:
    """The visible items the user has not studied (no card, or a new one not suspended)."""
    # Written as "no studied card" in items' index order, so the first new card is found by
    # walking the index past the studied ones, not by sorting every item.
    card = cards.alias("studied")
    studied = (
        select(card.c.id)
        .where(
            card.c.user_id == user,
            card.c.item_id == items.c.id,
            or_(card.c.phase != int(CardPhase.NEW), card.c.suspended.is_(True)),
        )
        .exists()
    )
    return visible_cards(user).where(~studied).order_by(items.c.bank_id, items.c.position)


@lru_cache(maxsize=2048)
def due_query(user: int, until: datetime, flt: QueueFilter, limit: int) -> Select[Any]:
    """Up to ``limit`` cards due by ``until``, earliest first."""
    return filtered(_due_cards(user).where(cards.c.due <= until).limit(limit), flt)


@lru_cache(maxsize=2048)
def new_query(user: int, flt: QueueFilter, limit: int) -> Select[Any]:
    """Up to ``limit`` new cards in bank order."""
    return filtered(_new_cards(user).limit(limit), flt)


@lru_cache(maxsize=2048)
def next_card_query(user: int, flt: QueueFilter) -> Select[Any]:
    """The first card of the queue (see :meth:`prepdeck.storage.Store.next_card`), in one
    statement: the first of each kind, ranked. Binds ``now``, ``day_end``, ``ahead_until``,
    ``since``, ``reviews_per_day`` and ``new_per_day``."""

    def left(per_day: str, was_new: bool) -> ColumnElement[bool]:
        done = select(_done(was_new)).where(_today(user)).scalar_subquery()
        return bindparam(per_day, type_=Integer) > done

    learning = cards.c.phase.in_(_LEARNING)
    due = cards.c.due
    kinds = (
        _due_cards(user).where(learning, due <= bindparam("now")),
        _due_cards(user).where(
            cards.c.phase == int(CardPhase.REVIEW),
            due <= bindparam("day_end"),
            left("reviews_per_day", False),
        ),
        _new_cards(user).where(left("new_per_day", True)),
        _due_cards(user).where(
            learning,
            due > bindparam("now"),
            due <= bindparam("ahead_until"),
            due <= bindparam("day_end"),
        ),
    )
    firsts = [
        filtered(kind.add_columns(literal_column(str(rank)).label("rank")).limit(1), flt).subquery()
        for rank, kind in enumerate(kinds)
    ]
    ranked = union_all(*(select(first) for first in firsts)).subquery()
    return select(ranked).order_by(ranked.c.rank).limit(1)
