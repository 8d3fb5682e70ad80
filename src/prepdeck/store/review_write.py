"""Writing one rating: the card's new state (optimistically locked) and its review-log row.

Shared by :meth:`SqlStore.record_review`, mock interviews and the web's practice state, which
writes a rating with the request key that makes a retried rating harmless. On PostgreSQL the
card, the review and the key are written by one statement (data-modifying CTEs): a rating is
the server's hottest write, and each statement saved is a round trip and about a tenth of its
CPU. SQLite, which has no such CTEs, writes them one after the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import Column, Integer, Select, Table, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import BindParameter

from prepdeck.scheduling import NEW_CARD, CardPhase, CardState
from prepdeck.storage import CardView, ConcurrentUpdate, ReviewInput
from prepdeck.store.rows import STATE_COLUMNS, state_columns
from prepdeck.store.tables import cards, item_versions, items, rate_requests, reviews

# Built once with bound parameters: building a statement per rating costs more than running it.
_STATE_PARAMS: dict[str, BindParameter[Any]] = {c.name: bindparam(c.name) for c in STATE_COLUMNS}
#: The item's current version, which a review row names.
_ITEM_VERSION = (
    select(item_versions.c.id)
    .join(items, items.c.id == item_versions.c.item_id)
    .where(
        item_versions.c.item_id == bindparam("item_pk"),
        item_versions.c.content_hash == items.c.content_hash,
    )
    .scalar_subquery()
)
#: The card at ``:version`` moved to the new state given as parameters.
_CARD_UPDATE = (
    update(cards)
    .where(cards.c.id == bindparam("card_id"), cards.c.version == bindparam("version"))
    .values(version=cards.c.version + 1, **_STATE_PARAMS)
)
#: A review-log row; its item version (the item's current one) is looked up by the insert.
_REVIEW_INSERT = insert(reviews).values(item_version_id=_ITEM_VERSION)
#: The review row's columns given as parameters (the card and item version are looked up).
_REVIEW_FIELDS = [
    c for c in reviews.c if c.name not in ("id", "card_id", "item_version_id", "undoes_id")
]


class DuplicateRequest(Exception):
    """The request key was already used by this user (see
    :meth:`~prepdeck.store.web_state.WebStateQueries.rated_request`)."""


@dataclass(frozen=True)
class RequestKey:
    """A client's key for one rating (unique per user) and the practice session it rated in."""

    key: str
    practice_id: str


def write_review(
    conn: Connection,
    user: int,
    view: CardView,
    new_state: CardState | None,
    review: ReviewInput,
    request: RequestKey | None = None,
) -> int:
    """Log a rating on ``conn`` and apply ``new_state`` (None: cram, the card is not touched);
    with ``request``, keep its key with the review id.

    Returns the review id. Raises :class:`ConcurrentUpdate` when the card changed since
    ``view`` was read or another transaction created it first, and :class:`DuplicateRequest`
    when ``request``'s key was already used; either way roll the transaction back, as part of
    the rating may be written.
    """
    card = _card_params(user, view, new_state)
    logged = _review_params(user, view, new_state, review)
    key = {} if request is None else _key_params(user, view, review, request)
    if conn.dialect.name == "postgresql":
        mode = "insert" if view.card_id is None else "keep" if new_state is None else "update"
        # an UPDATE or INSERT takes a parameter named after one of its columns as a value to
        # write, so the review's and the key's parameters carry a prefix
        params = {
            **card,
            "item_pk": view.item_pk,
            **_prefixed("review_", logged),
            **_prefixed("key_", key),
        }
        row = conn.execute(_one_statement(mode, request is not None), params).one()
        if row.review_id is None:
            raise ConcurrentUpdate("the card changed or was created in another session")
        if request is not None and row.kept is None:
            raise DuplicateRequest(request.key)
        return int(row.review_id)
    card_id = view.card_id
    if card_id is None:
        card_id = conn.execute(insert_unless_exists(conn, cards, cards.c.id), card).scalar()
        if card_id is None:
            raise ConcurrentUpdate("the card was created in another session")
    elif new_state is not None and conn.execute(_CARD_UPDATE, card).rowcount != 1:
        raise ConcurrentUpdate("the card changed in another session")
    written = {**logged, "card_id": card_id, "item_pk": view.item_pk}
    review_id = _new_id(conn.execute(_REVIEW_INSERT, written))
    if request is not None:
        keep = insert_unless_exists(conn, rate_requests, rate_requests.c.review_id)
        if conn.execute(keep, {**key, "review_id": review_id}).first() is None:
            raise DuplicateRequest(request.key)
    return review_id


def _card_params(user: int, view: CardView, new_state: CardState | None) -> dict[str, Any]:
    """A new card's row (even crammed, it is created: NEW_CARD), or the update's parameters
    (``card_id``, ``version`` and the new state)."""
    if view.card_id is None:
        state = state_columns(new_state or NEW_CARD)
        return {"user_id": user, "item_id": view.item_pk, "suspended": False, "version": 1, **state}
    state = state_columns(new_state or view.state)
    return {"card_id": view.card_id, "version": view.version, **state}


def _review_params(
    user: int, view: CardView, new_state: CardState | None, review: ReviewInput
) -> dict[str, Any]:
    """The review row but its card id and item version (found from ``item_pk``)."""
    before = view.state
    return {
        "user_id": user,
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
    }


def _key_params(
    user: int, view: CardView, review: ReviewInput, request: RequestKey
) -> dict[str, Any]:
    """The request key's row but its review id."""
    return {
        "user_id": user,
        "request_key": request.key,
        "practice_id": request.practice_id,
        "item_id": view.item_pk,
        "rating": int(review.rating),
        "created_at": review.reviewed_at,
    }


def _prefixed(prefix: str, params: dict[str, Any]) -> dict[str, Any]:
    return {prefix + name: value for name, value in params.items()}


@lru_cache(maxsize=8)
def _one_statement(card: Literal["insert", "update", "keep"], keyed: bool) -> Select[Any]:
    """PostgreSQL: the card written (``card``: created, moved to its new state, or left as it
    is for cram), the review logged, and with ``keyed`` the request key kept, in one
    statement. It returns ``review_id`` (NULL when the card changed or was created
    meanwhile: nothing is written) and, with ``keyed``, ``kept`` (NULL when the key was
    already used). Parameters: :func:`_card_params`, and :func:`_review_params` and
    :func:`_key_params` prefixed ``review_`` and ``key_``."""
    if card == "update":
        written = _CARD_UPDATE.returning(cards.c.id).cte("card")
    elif card == "insert":
        values = {c.name: bindparam(c.name, type_=c.type) for c in cards.c if c.name != "id"}
        written = (
            postgresql.insert(cards)
            .values(values)
            .on_conflict_do_nothing()
            .returning(cards.c.id)
            .cte("card")
        )
    else:
        written = select(bindparam("card_id", type_=Integer).label("id")).cte("card")
    logged = (
        insert(reviews)
        .from_select(
            [reviews.c.item_version_id, reviews.c.card_id, *_REVIEW_FIELDS],
            select(_ITEM_VERSION, written.c.id, *_typed("review_", _REVIEW_FIELDS)),
        )
        .returning(reviews.c.id)
        .cte("review")
    )
    columns = [select(logged.c.id).scalar_subquery().label("review_id")]
    if keyed:
        fields = [c for c in rate_requests.c if c.name not in ("id", "review_id")]
        kept = (
            postgresql.insert(rate_requests)
            .from_select(
                [rate_requests.c.review_id, *fields],
                select(logged.c.id, *_typed("key_", fields)),
            )
            .on_conflict_do_nothing()
            .returning(rate_requests.c.review_id)
            .cte("kept")
        )
        columns.append(select(kept.c.review_id).scalar_subquery().label("kept"))
    return select(*columns)


def _typed(prefix: str, columns: Sequence[Column[Any]]) -> list[BindParameter[Any]]:
    """A parameter per column, named ``prefix`` + its name, of its type."""
    return [bindparam(prefix + c.name, type_=c.type) for c in columns]


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
