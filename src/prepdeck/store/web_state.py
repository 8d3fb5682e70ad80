"""Web state kept in the database so any worker serves any request (issue 9).

A web practice session is a row of a few numbers (its filter, limit, the card shown, the typed
answer and grade, counts); the queue itself is recomputed from the cards. A rating may carry a
client-chosen request key, stored under a unique constraint in the rating's own transaction, so a
retried rating is answered with the first one's review and never logged twice. Checked uploads
wait for "Add to my banks" as the bytes sent. Every read and write names the user: another
user's id reads as absent.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Select,
    Update,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from prepdeck.scheduling import CardState, Rating, utcnow
from prepdeck.storage import CardView, ConcurrentUpdate, QueueFilter, QueueWindow, ReviewInput
from prepdeck.store import queue
from prepdeck.store.base import StoreBase
from prepdeck.store.review_write import RequestKey, write_review
from prepdeck.store.rows import VIEW_COLUMNS, to_view, undone_review_ids
from prepdeck.store.tables import (
    banks,
    cards,
    items,
    pending_imports,
    practice_states,
    rate_requests,
    reviews,
    sessions,
)

#: Checked uploads kept per user; the oldest goes first.
MAX_PENDING_IMPORTS = 8


class StaleState(Exception):
    """The practice session changed since it was read (another tab or a double click won)."""


@dataclass(frozen=True)
class PracticeState:
    """One web practice session as stored. ``version`` guards every change."""

    sid: str
    user: int
    session_id: int
    flt: QueueFilter
    limit: int | None
    cram: bool
    shown_pk: int | None
    shown_at: datetime | None
    typed: str | None
    grade: float | None
    proposed: Rating | None
    reviewed: int
    again: int
    remaining: int
    next_due: datetime | None
    started_at: datetime
    finished_at: datetime | None
    version: int


@dataclass(frozen=True)
class RatedRequest:
    """A rating already saved under a request key."""

    sid: str
    review_id: int
    item_pk: int
    rating: Rating


def _filter(data: Any) -> QueueFilter:
    data = data if isinstance(data, dict) else {}
    return QueueFilter(**{k: tuple(v) for k, v in data.items() if k in QueueFilter.__annotations__})


#: practice_states columns -> PracticeState fields (where the names differ).
_FIELD_OF = {
    "id": "sid",
    "user_id": "user",
    "filters": "flt",
    "shown_item_id": "shown_pk",
    "typed_answer": "typed",
    "proposed_rating": "proposed",
    "max_cards": "limit",
}


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    out = {_FIELD_OF.get(k, k): v for k, v in values.items()}
    if out.get("proposed") is not None:
        out["proposed"] = Rating(out["proposed"])
    if "flt" in out:
        out["flt"] = _filter(out["flt"])
    return out


# The statements a practice step runs are built once, with bound parameters: building one
# (and its cache key) per call costs more CPU than running it.
#: Practice session ``:sid`` if it is ``:user``'s (no row for anyone else's).
_USERS_PRACTICE = select(practice_states).where(
    practice_states.c.id == bindparam("sid"), practice_states.c.user_id == bindparam("user")
)
#: Session ``:sid`` of ``:user`` (its columns prefixed ``s_``) and the card it shows, if any, as
#: the user sees it (:data:`VIEW_COLUMNS`): one statement for every step of a session.
_PRACTICE_AND_CARD = (
    select(*(c.label(f"s_{c.name}") for c in practice_states.c), *VIEW_COLUMNS)
    .select_from(
        practice_states.outerjoin(items, items.c.id == practice_states.c.shown_item_id)
        .outerjoin(banks, banks.c.id == items.c.bank_id)
        .outerjoin(
            cards,
            and_(cards.c.item_id == items.c.id, cards.c.user_id == practice_states.c.user_id),
        )
    )
    .where(practice_states.c.id == bindparam("sid"), practice_states.c.user_id == bindparam("user"))
)
#: Session ``:sid`` of ``:user`` still at ``:version`` (every change is guarded by it).
_AT_VERSION = (
    practice_states.c.id == bindparam("sid"),
    practice_states.c.user_id == bindparam("user"),
    practice_states.c.version == bindparam("version"),
)


def _rating_update(shown: Any, shown_at: Any, remaining: Any, finished_at: Any) -> Update:
    """The session row at version ``:version`` moved on by one rating: counted (``:again_add``,
    ``:next_due``), the typed answer and grade cleared, and ``shown`` shown next."""
    return (
        update(practice_states)
        .where(*_AT_VERSION)
        .values(
            version=practice_states.c.version + 1,
            reviewed=practice_states.c.reviewed + 1,
            again=practice_states.c.again + bindparam("again_add"),
            next_due=bindparam("next_due"),
            shown_item_id=shown,
            shown_at=shown_at,
            typed_answer=None,
            grade=None,
            proposed_rating=None,
            remaining=remaining,
            finished_at=finished_at,
        )
    )


#: A rating counted (see count_rating): ``:shown`` shown next (at ``:shown_at``), or none when
#: ``:finished_at`` ended the session.
_RATED = _rating_update(
    bindparam("shown"), bindparam("shown_at"), bindparam("remaining"), bindparam("finished_at")
)


@lru_cache(maxsize=256)
def _rated_and_next(flt: QueueFilter) -> Select[Any]:
    """:data:`_RATED` and :func:`~prepdeck.store.queue.next_card_query` in one statement (on
    PostgreSQL, which runs an UPDATE in a WITH): the session at ``:version`` counts the rating
    and shows the queue's next card, or ends when there is none; one row, the next card's
    columns (NULL when none) and ``counted`` (0 when the session had moved on). The card is
    picked once (a WITH referred to twice is worked out once), and the pick sees the rating,
    which an earlier statement of the transaction wrote."""
    pick = select(queue.pick_card(flt).label("pk")).cte("pick")
    picked = select(pick.c.pk).scalar_subquery()
    none = picked.is_(None)
    counted = (
        _rating_update(
            picked,
            case((none, None), else_=bindparam("at")),
            case((none, 0), else_=bindparam("remaining")),
            case((none, bindparam("at")), else_=None),
        )
        .returning(practice_states.c.id)
        .cte("counted")
    )
    joined = (
        pick.outerjoin(items, items.c.id == pick.c.pk)
        .outerjoin(banks, banks.c.id == items.c.bank_id)
        .outerjoin(cards, and_(cards.c.item_id == items.c.id, cards.c.user_id == bindparam("user")))
    )
    was_counted = select(func.count()).select_from(counted).scalar_subquery()
    return select(*VIEW_COLUMNS, was_counted.label("counted")).select_from(joined)


@lru_cache(maxsize=16)
def _changed(columns: tuple[str, ...]) -> Update:
    """The session row at ``:version`` with ``columns`` set from parameters ``new_<column>``
    (SQLAlchemy keeps a column's own name for its automatic SET parameter)."""
    table = practice_states
    values: dict[str, Any] = {c: bindparam(f"new_{c}") for c in columns}
    return update(table).where(*_AT_VERSION).values(version=table.c.version + 1, **values)


def _state(row: Any, prefix: str = "") -> PracticeState:
    """The session in ``row``; its columns named ``prefix`` + the column's name."""
    m = row._mapping
    return PracticeState(**_fields({c.name: m[prefix + c.name] for c in practice_states.c}))


def _counted(
    state: PracticeState,
    again: int,
    due: datetime | None,
    remaining: int,
    shown: int | None,
    now: datetime,
) -> PracticeState:
    """The session after a rating (``again``: 1 for Again, else 0): counted, ``shown`` shown
    next (or ended when None)."""
    next_due = state.next_due
    if due is not None:
        next_due = due if next_due is None else min(next_due, due)
    return replace(
        state,
        version=state.version + 1,
        reviewed=state.reviewed + 1,
        again=state.again + again,
        next_due=next_due,
        shown_pk=shown,
        shown_at=None if shown is None else now,
        typed=None,
        grade=None,
        proposed=None,
        remaining=remaining if shown is not None else 0,
        finished_at=None if shown is not None else now,
    )


class WebStateQueries(StoreBase):
    """Part of :class:`~prepdeck.store.sql_store.SqlStore`."""

    if TYPE_CHECKING:  # SqlStore's own, which count_rating_and_next uses on SQLite

        def next_card(
            self, user: int, flt: QueueFilter, window: QueueWindow
        ) -> CardView | None: ...

    # practice sessions -------------------------------------------------------------------
    def start_practice(
        self, user: int, flt: QueueFilter, limit: int | None, cram: bool
    ) -> PracticeState:
        """A new web practice session (and its row in the session log), nothing shown yet."""
        now = utcnow()
        sid = secrets.token_urlsafe(12)
        with self._begin() as conn:
            session_id = conn.execute(
                insert(sessions).values(
                    user_id=user,
                    mode="cram" if cram else "review",
                    filters=flt.to_dict(),
                    started_at=now,
                )
            ).inserted_primary_key[0]
            written = {
                "id": sid,
                "user_id": user,
                "session_id": session_id,
                "filters": flt.to_dict(),
                "max_cards": limit,
                "cram": cram,
                "reviewed": 0,
                "again": 0,
                "remaining": 0,
                "started_at": now,
                "version": 1,
            }
            conn.execute(insert(practice_states).values(written))
        # the row as written (its other columns NULL), read as _state reads one: no read back
        return PracticeState(**_fields({c.name: written.get(c.name) for c in practice_states.c}))

    def practice_state(self, user: int, sid: str) -> PracticeState | None:
        with self._begin() as conn:
            row = conn.execute(_USERS_PRACTICE, {"sid": sid, "user": user}).first()
        return None if row is None else _state(row)

    def practice_with_card(
        self, user: int, sid: str
    ) -> tuple[PracticeState, CardView | None] | None:
        """The session and the card it shows: what a card page needs."""
        with self._begin() as conn:
            row = conn.execute(_PRACTICE_AND_CARD, {"sid": sid, "user": user}).first()
        if row is None:
            return None
        state = _state(row, "s_")
        if state.shown_pk is None or row.item_pk is None:
            return state, None
        return state, to_view(row._mapping)

    def _change(self, state: PracticeState, durable: bool = True, **values: Any) -> PracticeState:
        """Apply ``values`` if the session is still at ``state.version``; else StaleState.

        ``durable=False``: on PostgreSQL the commit does not wait for the disk, for changes a
        crash may lose harmlessly (which card is shown is worked out again from the cards);
        never inside a shared :meth:`transaction`, whose other writes (a rating) must last.
        """
        lasting = durable or self._shared()
        with self._begin() as conn:
            if not lasting and conn.dialect.name == "postgresql":
                conn.execute(text("SET LOCAL synchronous_commit = off"))
            params = {f"new_{k}": v for k, v in values.items()}
            params.update(sid=state.sid, user=state.user, version=state.version)
            changed = conn.execute(_changed(tuple(sorted(values))), params).rowcount
            if changed != 1:
                raise StaleState(state.sid)
        return replace(state, version=state.version + 1, **_fields(values))

    def show_card(self, state: PracticeState, item_pk: int, remaining: int) -> PracticeState:
        """Make ``item_pk`` the card shown (typed answer and grade cleared)."""
        return self._change(
            state,
            durable=False,
            shown_item_id=item_pk,
            shown_at=utcnow(),
            typed_answer=None,
            grade=None,
            proposed_rating=None,
            remaining=remaining,
        )

    def save_check(
        self, state: PracticeState, typed: str, grade: float, proposed: Rating
    ) -> PracticeState:
        """Keep the typed answer and its grade for the rating of the card shown."""
        return self._change(state, typed_answer=typed, grade=grade, proposed_rating=int(proposed))

    def finish_practice(self, state: PracticeState) -> PracticeState:
        now = utcnow()
        done = self._change(state, finished_at=now, shown_item_id=None, remaining=0)
        with self._begin() as conn:
            conn.execute(
                update(sessions).where(sessions.c.id == state.session_id).values(ended_at=now)
            )
        return done

    def record_practice_rating(
        self,
        state: PracticeState,
        view: CardView,
        new_state: CardState | None,
        review: ReviewInput,
        request_key: str | None = None,
    ) -> int:
        """Log a rating of the card shown and keep ``request_key``; its review id. Run it in
        a :meth:`transaction` with :meth:`count_rating`, which moves the session on.

        Raises ConcurrentUpdate when the card changed elsewhere (reload it and rate again),
        and :class:`~prepdeck.store.review_write.DuplicateRequest` when the request key was
        already used (see :meth:`rated_request`).
        """
        key = None if request_key is None else RequestKey(request_key, state.sid)
        try:
            with self._begin() as conn:  # an exception leaves it: the rating is rolled back
                review_id = write_review(conn, state.user, view, new_state, review, key)
        except IntegrityError:
            raise ConcurrentUpdate("the card changed meanwhile") from None
        return review_id

    def count_rating(
        self,
        state: PracticeState,
        rating: Rating,
        due: datetime | None,
        remaining: int,
        shown: int | None,
    ) -> PracticeState:
        """The session after a rating (``due``: the rated card's next due date), in one
        update: ``shown`` is the card shown next, or None to end the session.

        Raises :class:`StaleState` when the session moved on since ``state`` was read (the
        whole rating is then rolled back: run it in a :meth:`transaction`).
        """
        now = utcnow()
        again = int(rating is Rating.AGAIN)
        after = _counted(state, again, due, remaining, shown, now)
        with self._begin() as conn:
            changed = conn.execute(
                _RATED,
                {
                    "sid": state.sid,
                    "user": state.user,
                    "version": state.version,
                    "again_add": again,
                    "next_due": after.next_due,
                    "shown": after.shown_pk,
                    "shown_at": after.shown_at,
                    "remaining": after.remaining,
                    "finished_at": after.finished_at,
                },
            ).rowcount
            if changed != 1:
                raise StaleState(state.sid)
            if shown is None:
                conn.execute(
                    update(sessions).where(sessions.c.id == state.session_id).values(ended_at=now)
                )
        return after

    def count_rating_and_next(
        self,
        state: PracticeState,
        rating: Rating,
        due: datetime | None,
        remaining: int,
        window: QueueWindow,
    ) -> tuple[PracticeState, CardView | None]:
        """:meth:`count_rating` with the card shown next found as :meth:`next_card` finds it
        (for the session's filter, in ``window``); on PostgreSQL in one statement, a round
        trip and a statement fewer per rating. Raises :class:`StaleState` as that does."""
        if self.engine.dialect.name != "postgresql":
            view = self.next_card(state.user, state.flt, window)
            shown = None if view is None else view.item_pk
            return self.count_rating(state, rating, due, remaining, shown), view
        now = utcnow()
        again = int(rating is Rating.AGAIN)
        # the row is at state.version, so what it becomes is known here (see count_rating)
        ended = _counted(state, again, due, remaining, None, now)
        values = queue.window_values(state.user, window)
        values.update(
            sid=state.sid,
            version=state.version,
            again_add=again,
            next_due=ended.next_due,
            remaining=remaining,
            at=now,
        )
        with self._begin() as conn:
            row = conn.execute(_rated_and_next(state.flt), values).mappings().one()
            if row["counted"] != 1:
                raise StaleState(state.sid)
            if row["item_pk"] is None:
                conn.execute(
                    update(sessions).where(sessions.c.id == state.session_id).values(ended_at=now)
                )
                return ended, None
        view = to_view(row)
        return _counted(state, again, due, remaining, view.item_pk, now), view

    def rated_request(self, user: int, request_key: str) -> RatedRequest | None:
        """The rating saved under ``request_key`` by ``user``, if any."""
        with self._begin() as conn:
            row = conn.execute(
                select(rate_requests).where(
                    rate_requests.c.user_id == user, rate_requests.c.request_key == request_key
                )
            ).first()
        if row is None:
            return None
        return RatedRequest(row.practice_id, row.review_id, row.item_id, Rating(row.rating))

    def after_undo(self, state: PracticeState, item_pk: int, remaining: int) -> PracticeState:
        """The session after an undo: counts from the log, the restored card shown."""
        undone = undone_review_ids()
        with self._begin() as conn:
            reviewed, again = conn.execute(
                select(
                    func.count(),
                    func.coalesce(func.sum(case((reviews.c.rating == 1, 1), else_=0)), 0),
                )
                .select_from(reviews)
                .where(
                    reviews.c.user_id == state.user,
                    reviews.c.session_id == state.session_id,
                    reviews.c.kind.in_(("review", "cram")),
                    reviews.c.id.not_in(undone),
                )
            ).one()
        return self._change(
            state,
            reviewed=int(reviewed),
            again=int(again),
            shown_item_id=item_pk,
            shown_at=utcnow(),
            typed_answer=None,
            grade=None,
            proposed_rating=None,
            remaining=remaining,
        )

    # housekeeping ------------------------------------------------------------------------
    def prune_web_state(self, before: datetime) -> dict[str, int]:
        """Delete what only served requests long over, in one transaction: practice sessions
        last touched before ``before`` (their reviews and session-log rows stay), rating
        request keys made before it, and uploads waiting since before it. How many of each."""
        touched = func.coalesce(
            practice_states.c.finished_at, practice_states.c.shown_at, practice_states.c.started_at
        )
        old = select(practice_states.c.id).where(touched < before).scalar_subquery()
        with self._begin() as conn:
            keys = conn.execute(
                delete(rate_requests).where(
                    or_(rate_requests.c.created_at < before, rate_requests.c.practice_id.in_(old))
                )
            ).rowcount
            states = conn.execute(
                delete(practice_states).where(practice_states.c.id.in_(old))
            ).rowcount
            uploads = conn.execute(
                delete(pending_imports).where(pending_imports.c.created_at < before)
            ).rowcount
        return {"practice sessions": states, "request keys": keys, "pending uploads": uploads}

    # pending imports ---------------------------------------------------------------------
    def put_pending_import(self, user: int, filename: str, data: bytes) -> str:
        """Keep a checked upload for the add step; its token. Old ones beyond the cap go."""
        token = secrets.token_urlsafe(16)
        with self._begin() as conn:
            conn.execute(
                insert(pending_imports).values(
                    token=token, user_id=user, filename=filename, data=data, created_at=utcnow()
                )
            )
            keep = (
                select(pending_imports.c.token)
                .where(pending_imports.c.user_id == user)
                .order_by(pending_imports.c.created_at.desc(), pending_imports.c.token)
                .limit(MAX_PENDING_IMPORTS)
            )
            conn.execute(
                delete(pending_imports).where(
                    pending_imports.c.user_id == user,
                    pending_imports.c.token.not_in(keep.scalar_subquery()),
                )
            )
        return token

    def pending_import(self, user: int, token: str, ttl: timedelta) -> tuple[str, bytes] | None:
        """(filename, data) of a pending upload of ``user`` younger than ``ttl``, else None."""
        with self._begin() as conn:
            row = conn.execute(
                select(pending_imports.c.filename, pending_imports.c.data).where(
                    pending_imports.c.token == token,
                    pending_imports.c.user_id == user,
                    pending_imports.c.created_at >= utcnow() - ttl,
                )
            ).first()
        return None if row is None else (str(row.filename), bytes(row.data))

    def drop_pending_import(self, user: int, token: str) -> bool:
        """Remove a pending upload; False when it was already gone (added by another request)."""
        with self._begin() as conn:
            gone = conn.execute(
                delete(pending_imports).where(
                    pending_imports.c.token == token, pending_imports.c.user_id == user
                )
            ).rowcount
        return bool(gone == 1)
