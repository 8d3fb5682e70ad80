"""Writing one rating: the card's new state (optimistically locked) and its review-log row.

Shared by :meth:`SqlStore.record_review` and the web's practice state, which writes a rating
in the same transaction as the request key that makes a retried rating harmless.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Column, Table, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import BindParameter

from prepdeck.scheduling import NEW_CARD, CardPhase, CardState
from prepdeck.storage import CardView, ConcurrentUpdate, ReviewInput
from prepdeck.store.rows import STATE_COLUMNS, state_columns
from prepdeck.store.tables import cards, item_versions, items, reviews

# Built once with bound parameters: building a statement per rating costs more than running it.
_STATE_PARAMS: dict[str, BindParameter[Any]] = {c.name: bindparam(c.name) for c in STATE_COLUMNS}
#: The card at ``:version`` moved to the new state given as parameters.
_CARD_UPDATE = (
    update(cards)
    .where(cards.c.id == bindparam("card_id"), cards.c.version == bindparam("version"))
    .values(version=cards.c.version + 1, **_STATE_PARAMS)
)
#: A review-log row; its item version (the item's current one) is looked up by the insert.
_REVIEW_INSERT = insert(reviews).values(
    item_version_id=select(item_versions.c.id)
    .join(items, items.c.id == item_versions.c.item_id)
    .where(
        item_versions.c.item_id == bindparam("item_pk"),
        item_versions.c.content_hash == items.c.content_hash,
    )
    .scalar_subquery()
)


def write_review(
    conn: Connection, user: int, view: CardView, new_state: CardState | None, review: ReviewInput
) -> int:
    """Log a rating on ``conn`` and apply ``new_state`` (None: cram, the card is not touched).

    Returns the review id. Raises :class:`ConcurrentUpdate` when the card changed since ``view``
    was read or another transaction created it first.
    """
    before = view.state
    card_id = view.card_id
    if card_id is None:
        state = new_state or NEW_CARD
        card_id = conn.execute(
            insert_unless_exists(conn, cards, cards.c.id),
            {
                "user_id": user,
                "item_id": view.item_pk,
                "suspended": False,
                "version": 1,
                **state_columns(state),
            },
        ).scalar()
        if card_id is None:
            raise ConcurrentUpdate("the card was created in another session")
    elif new_state is not None:
        params = {"card_id": card_id, "version": view.version, **state_columns(new_state)}
        if conn.execute(_CARD_UPDATE, params).rowcount != 1:
            raise ConcurrentUpdate("the card changed in another session")
    result = conn.execute(
        _REVIEW_INSERT,
        {
            "item_pk": view.item_pk,
            "user_id": user,
            "card_id": card_id,
            "session_id": review.session_id,
            "kind": "review" if new_state is not None else "cram",
            "rating": int(review.rating),
            "reviewed_at": review.reviewed_at,
            "duration_ms": review.duration_ms,
            "typed_answer": review.typed_answer,
            "grade": review.grade,
            "proposed_rating": int(review.proposed_rating) if review.proposed_rating else None,
            "was_new": before.phase is CardPhase.NEW,
            "phase_before": int(before.phase),
            "state_before": before.to_dict(),
            "state_after": new_state.to_dict() if new_state else None,
        },
    )
    return _new_id(result)


@lru_cache(maxsize=8)
def _insert_unless_exists(dialect: str, table: Table, returning: Column[Any]) -> Insert:
    insert_into = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert_into(table).on_conflict_do_nothing().returning(returning)


def insert_unless_exists(conn: Connection, table: Table, returning: Column[Any]) -> Insert:
    """``INSERT ... ON CONFLICT DO NOTHING RETURNING returning`` on ``conn``'s database: a row
    that would break a unique constraint is skipped (no row comes back) instead of failing the
    statement, which on PostgreSQL would abort the whole transaction. The values are given as
    execute parameters."""
    return _insert_unless_exists(conn.dialect.name, table, returning)


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
