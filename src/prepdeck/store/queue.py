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
    or_,
    select,
)

from prepdeck.scheduling import CardPhase
from prepdeck.storage import QueueFilter, QueueWindow
from prepdeck.store.rows import VIEW_COLUMNS, const, filtered
from prepdeck.store.sharing import bank_visible_to, visible_cards
from prepdeck.store.tables import UTCDateTime, banks, cards, items, reviews

_SIGN = case((reviews.c.kind == const("undo"), const(-1)), else_=const(1))
_LEARNING = (int(CardPhase.LEARNING), int(CardPhase.RELEARNING))
#: The user whose queue a statement reads, bound when it runs (one statement for everyone).
_USER = bindparam("user", type_=Integer)


def _done(was_new: bool) -> ColumnElement[Any]:
    """New cards (or reviews) rated since ``:since`` by ``:user``, undos counted back."""
    counted = case((reviews.c.was_new.is_(was_new), _SIGN), else_=const(0))
    return func.coalesce(func.sum(counted), const(0))


def _today(user: Any) -> ColumnElement[bool]:
    return and_(
        reviews.c.user_id == user,
        reviews.c.reviewed_at >= bindparam("since"),
        or_(
            reviews.c.kind == const("review"),
            and_(reviews.c.kind == const("undo"), reviews.c.phase_before.is_not(None)),
        ),
    )


#: New cards and reviews ``:user`` did since ``:since``.
DAY_COUNTS = select(_done(True), _done(False)).where(_today(_USER))


#: Cards with their item and bank, for the queries of scheduled cards.
_SCHEDULED = cards.join(items, items.c.id == cards.c.item_id).join(
    banks, banks.c.id == items.c.bank_id
)


def _scheduled(user: Any, visible: ColumnElement[bool]) -> tuple[ColumnElement[bool], ...]:
    """``user``'s cards, not suspended, of active items in banks that are ``visible``."""
    return (
        cards.c.user_id == user,
        cards.c.suspended.is_(False),
        items.c.active.is_(True),
        visible,
    )


def _studied(user: Any) -> ColumnElement[bool]:
    """``user`` has studied the item of the row (a card that is not new, or suspended)."""
    # IN, not a correlated EXISTS: PostgreSQL hashes the user's studied items once and walks
    # items in bank order probing the hash, where EXISTS looked up the card of every item
    # walked past (item_id is NOT NULL, so NOT IN means what NOT EXISTS did)
    card = cards.alias("studied")
    return items.c.id.in_(
        select(card.c.item_id).where(
            card.c.user_id == user,
            or_(card.c.phase != const(int(CardPhase.NEW)), card.c.suspended.is_(True)),
        )
    )


def _due_cards(user: int) -> Select[Any]:
    """The user's scheduled (not new, not suspended) cards of visible, active items."""
    return (
        select(*VIEW_COLUMNS)
        .select_from(_SCHEDULED)
        .where(*_scheduled(user, bank_visible_to(user)), cards.c.phase != const(int(CardPhase.NEW)))
        .order_by(cards.c.due, cards.c.id)
    )


def _new_cards(user: int) -> Select[Any]:
    """The visible items the user has not studied (no card, or a new one not suspended)."""
    # Written as "no studied card" in items' index order, so the first new card is found by
    # walking the index past the studied ones, not by sorting every item.
    return visible_cards(user).where(~_studied(user)).order_by(items.c.bank_id, items.c.position)


@lru_cache(maxsize=2048)
def due_query(user: int, until: datetime, flt: QueueFilter, limit: int) -> Select[Any]:
    """Up to ``limit`` cards due by ``until``, earliest first."""
    return filtered(_due_cards(user).where(cards.c.due <= until).limit(limit), flt)


@lru_cache(maxsize=2048)
def new_query(user: int, flt: QueueFilter, limit: int) -> Select[Any]:
    """Up to ``limit`` new cards in bank order."""
    return filtered(_new_cards(user).limit(limit), flt)


@lru_cache(maxsize=256)
def next_card_query(flt: QueueFilter) -> Select[Any]:
    """The first card of the queue (see :meth:`prepdeck.storage.Store.next_card`), in one
    statement: the first card of the first kind that has one. Binds ``user``, ``now``, ``day_end``,
    ``ahead_until``, ``since``, ``reviews_per_day`` and ``new_per_day``.

    Kept short and rendered once, on purpose, as every practice step runs it: psycopg parses
    a statement over 4 KiB again on every run (its cache stops there), and a bound IN list
    makes SQLAlchemy render the statement again on every run. So the banks the user may see
    and the day's counts are each worked out once (CTEs; the counts were scanned twice),
    every kind yields only its first item's id, the card's columns are read for the winner
    alone, and code constants are written in.

    The kinds are tried in order by ``COALESCE``, which evaluates its arguments only up to the
    first that is not NULL (PostgreSQL documents it; SQLite's expr.c codes COALESCE that way
    "so that unused arguments are never evaluated"), so a kind after the one that has a card
    is never looked up. Ranked in a UNION ALL sorted by rank, every kind ran on every step,
    the learning cards due later (usually the most rows) included.
    """
    pick = pick_card(flt)
    joined = items.join(banks, banks.c.id == items.c.bank_id).outerjoin(
        cards, and_(cards.c.item_id == items.c.id, cards.c.user_id == _USER)
    )
    return select(*VIEW_COLUMNS).select_from(joined).where(items.c.id == pick)


def pick_card(flt: QueueFilter) -> ColumnElement[Any]:
    """The item id of the queue's first card, or NULL: :func:`next_card_query`'s choice, for
    statements that read it (binds as that does)."""
    shelf = select(banks.c.id).where(bank_visible_to(_USER)).cte("shelf")
    done = select(_done(True).label("new"), _done(False).label("old")).where(_today(_USER))
    day = done.cte("day")
    visible = banks.c.id.in_(select(shelf.c.id))

    def first(query: Select[Any]) -> ColumnElement[Any]:
        # its own items, cards and banks, never the outer statement's (no correlation)
        return filtered(query.limit(const(1)), flt).correlate(None).scalar_subquery()

    def due(*where: ColumnElement[bool]) -> ColumnElement[Any]:
        query = select(items.c.id.label("pk")).select_from(_SCHEDULED)
        query = query.where(*_scheduled(_USER, visible), *where)
        return first(query.order_by(cards.c.due, cards.c.id))

    new = (
        select(items.c.id.label("pk"))
        .select_from(items.join(banks, banks.c.id == items.c.bank_id))
        .where(
            items.c.active.is_(True),
            visible,
            ~_studied(_USER),
            bindparam("new_per_day", type_=Integer) > select(day.c.new).scalar_subquery(),
        )
        .order_by(items.c.bank_id, items.c.position)  # see _new_cards
    )
    learning = or_(*(cards.c.phase == const(phase) for phase in _LEARNING))
    now = bindparam("now", type_=UTCDateTime)
    day_end = bindparam("day_end", type_=UTCDateTime)
    return func.coalesce(
        due(learning, cards.c.due <= now),
        due(
            cards.c.phase == const(int(CardPhase.REVIEW)),
            cards.c.due <= day_end,
            bindparam("reviews_per_day", type_=Integer) > select(day.c.old).scalar_subquery(),
        ),
        first(new),
        due(
            learning,
            cards.c.due > now,
            cards.c.due <= bindparam("ahead_until"),
            cards.c.due <= day_end,
        ),
    )


def window_values(user: int, window: QueueWindow) -> dict[str, Any]:
    """The parameters :func:`next_card_query` and :func:`pick_card` bind."""
    return {
        "user": user,
        "now": window.now,
        "day_end": window.day_end,
        "ahead_until": window.ahead_until,
        "since": window.day_start,
        "reviews_per_day": window.reviews_per_day,
        "new_per_day": window.new_per_day,
    }
