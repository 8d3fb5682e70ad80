"""The store on SQLAlchemy Core: SQLite by default, PostgreSQL from a URL.

Every change is one transaction. A rating updates its card only if the card's version
is still the one the caller read (optimistic locking), so two processes practising the
same cards never overwrite each other: the loser gets :class:`ConcurrentUpdate`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    and_,
    case,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from prepdeck.errors import Location
from prepdeck.model import Item
from prepdeck.scheduling import CardPhase, CardState, utcnow
from prepdeck.storage import (
    CardView,
    ConcurrentUpdate,
    DayCounts,
    QueueFilter,
    QueueWindow,
    ReviewEvent,
    ReviewInput,
    ReviewRecord,
    SyncProgress,
    SyncResult,
    TopicCard,
    TopicStatus,
)
from prepdeck.store import engine as engines
from prepdeck.store import queue, sync
from prepdeck.store.accounts import AccountQueries
from prepdeck.store.base import StoreBase
from prepdeck.store.cards_admin import CardAdminQueries
from prepdeck.store.engine import StoreError
from prepdeck.store.mocks import MockQueries
from prepdeck.store.progress_io import ProgressQueries
from prepdeck.store.review_write import write_review
from prepdeck.store.rows import (
    STATE_COLUMNS,
    card_state,
    filtered,
    state_columns,
    to_review_record,
    to_view,
    undone_review_ids,
)
from prepdeck.store.sharing import (
    SharingQueries,
    visible_bank_ids,
    visible_cards,
)
from prepdeck.store.tables import banks, cards, items, reviews, sessions, users
from prepdeck.store.toward_date import TowardDateQueries
from prepdeck.store.web_state import WebStateQueries


class SqlStore(
    MockQueries,
    AccountQueries,
    WebStateQueries,
    CardAdminQueries,
    ProgressQueries,
    SharingQueries,
    TowardDateQueries,
    StoreBase,
):
    """:class:`prepdeck.storage.Store` on a SQLAlchemy engine."""

    @classmethod
    def open(cls, url: str, busy_timeout_ms: int = engines.BUSY_TIMEOUT_MS) -> SqlStore:
        """Open (and migrate) the database at ``url``. Raises :class:`StoreError`."""
        engine = engines.make_engine(url, busy_timeout_ms)
        engines.upgrade(engine)
        return cls(engine)

    # users -------------------------------------------------------------------------------
    def user_id(self, name: str) -> int:
        with self._begin() as conn:
            found = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
            if found is not None:
                return int(found)
            result = conn.execute(insert(users).values(name=name, created_at=utcnow()))
            return int(result.inserted_primary_key[0])

    def parameters(self, user: int) -> list[float] | None:
        with self._begin() as conn:
            value = conn.execute(select(users.c.parameters).where(users.c.id == user)).scalar()
        return [float(v) for v in value] if value else None

    def set_parameters(self, user: int, parameters: Sequence[float]) -> None:
        with self._begin() as conn:
            conn.execute(
                update(users).where(users.c.id == user).values(parameters=list(parameters))
            )

    def user_settings(self, user: int) -> dict[str, Any]:
        with self._begin() as conn:
            value = conn.execute(select(users.c.settings).where(users.c.id == user)).scalar()
        return dict(value) if isinstance(value, dict) else {}

    def set_user_settings(self, user: int, values: dict[str, Any]) -> None:
        with self._begin() as conn:
            conn.execute(update(users).where(users.c.id == user).values(settings=dict(values)))

    # banks -------------------------------------------------------------------------------
    def bank_fingerprint(self, name: str) -> str | None:
        with self._begin() as conn:
            found = conn.execute(select(banks.c.fingerprint).where(banks.c.name == name)).scalar()
        return None if found is None else str(found)

    def sync_bank(
        self,
        name: str,
        source: str,
        bank_items: Sequence[Item],
        *,
        fingerprint: str | None = None,
        progress: SyncProgress | None = None,
    ) -> SyncResult:
        """Load a bank's items in one transaction: add new, version changed, retire removed."""
        with self._begin() as conn:
            return sync.sync_bank(
                conn, name, source, bank_items, fingerprint=fingerprint, progress=progress
            )

    # queues ------------------------------------------------------------------------------
    def due_cards(self, user: int, until: datetime, flt: QueueFilter, limit: int) -> list[CardView]:
        query = queue.due_query(user, until, flt, limit)
        with self._begin() as conn:
            return [to_view(r) for r in conn.execute(query).mappings()]

    def new_cards(self, user: int, flt: QueueFilter, limit: int) -> list[CardView]:
        query = queue.new_query(user, flt, limit)
        with self._begin() as conn:
            return [to_view(r) for r in conn.execute(query).mappings()]

    def next_card(self, user: int, flt: QueueFilter, window: QueueWindow) -> CardView | None:
        with self._begin() as conn:
            query = queue.next_card_query(flt)
            row = conn.execute(query, queue.window_values(user, window)).mappings().first()
        return None if row is None else to_view(row)

    def all_cards(self, user: int, flt: QueueFilter, limit: int) -> list[CardView]:
        query = visible_cards(user).order_by(banks.c.id, items.c.position).limit(limit)
        with self._begin() as conn:
            return [to_view(r) for r in conn.execute(filtered(query, flt)).mappings()]

    def card(self, user: int, item_pk: int) -> CardView:
        query = visible_cards(user).where(items.c.id == item_pk)
        with self._begin() as conn:
            row = conn.execute(query).mappings().first()
        if row is None:
            raise StoreError(f"no active item {item_pk}", Location(self.where))
        return to_view(row)

    # reviews -----------------------------------------------------------------------------
    def record_review(
        self, user: int, view: CardView, new_state: CardState | None, review: ReviewInput
    ) -> int:
        """Log a rating and apply ``new_state`` (None: cram, the card is not touched).

        Raises :class:`ConcurrentUpdate` when the card changed since ``view`` was read.
        """
        try:
            with self._begin() as conn:
                return write_review(conn, user, view, new_state, review)
        except IntegrityError:
            raise ConcurrentUpdate("the card was created in another session") from None

    def undo_last(self, user: int, session_id: int) -> CardView | None:
        """Undo the newest rating of the session not yet undone; None when there is none."""
        undone = undone_review_ids()
        with self._begin() as conn:
            row = (
                conn.execute(
                    select(reviews)
                    .where(
                        reviews.c.user_id == user,
                        reviews.c.session_id == session_id,
                        reviews.c.kind.in_(("review", "cram")),
                        reviews.c.id.not_in(undone),
                    )
                    .order_by(reviews.c.id.desc())
                    .limit(1)
                )
                .mappings()
                .first()
            )
            if row is None:
                return None
            if row["kind"] == "review":
                before = CardState.from_dict(row["state_before"])
                changed = conn.execute(
                    update(cards)
                    .where(cards.c.id == row["card_id"])
                    .values(version=cards.c.version + 1, **state_columns(before))
                ).rowcount
                if changed != 1:
                    raise ConcurrentUpdate("the card is gone")
            conn.execute(
                insert(reviews).values(
                    user_id=user,
                    card_id=row["card_id"],
                    item_version_id=row["item_version_id"],
                    session_id=session_id,
                    kind="undo",
                    rating=None,
                    reviewed_at=utcnow(),
                    was_new=row["was_new"] and row["kind"] == "review",
                    phase_before=row["phase_before"],
                    undoes_id=row["id"],
                )
            )
            item_pk = conn.execute(
                select(cards.c.item_id).where(cards.c.id == row["card_id"])
            ).scalar_one()
        return self.card(user, item_pk)

    def day_counts(self, user: int, since: datetime) -> DayCounts:
        with self._begin() as conn:
            new_done, reviews_done = conn.execute(
                queue.DAY_COUNTS, {"user": user, "since": since}
            ).one()
        return DayCounts(int(new_done), int(reviews_done))

    def topic_status(self, user: int, now: datetime, until: datetime) -> list[TopicStatus]:
        phase = func.coalesce(cards.c.phase, 0)
        # a suspended card is never shown, so it is neither new, learning, due nor learned
        live = func.coalesce(cards.c.suspended, False).is_(False)
        per_topic = (
            select(
                items.c.topic,
                func.count().label("items"),
                func.sum(case((and_(live, phase == 0), 1), else_=0)).label("new"),
                func.sum(case((and_(live, phase.in_((1, 3))), 1), else_=0)).label("learning"),
                func.sum(case((and_(live, phase != 0, cards.c.due <= until), 1), else_=0)).label(
                    "due"
                ),
                func.sum(case((and_(live, phase == 2), 1), else_=0)).label("learned"),
            )
            .select_from(
                items.outerjoin(cards, and_(cards.c.item_id == items.c.id, cards.c.user_id == user))
            )
            .where(items.c.active.is_(True), items.c.bank_id.in_(visible_bank_ids(user)))
            .group_by(items.c.topic)
            .order_by(items.c.topic)
        )
        retention = (
            select(
                items.c.topic,
                func.count().label("reviews"),
                func.sum(case((reviews.c.rating > 1, 1), else_=0)).label("recalled"),
            )
            .select_from(
                reviews.join(cards, cards.c.id == reviews.c.card_id).join(
                    items, items.c.id == cards.c.item_id
                )
            )
            .where(
                reviews.c.user_id == user,
                reviews.c.kind == "review",
                reviews.c.phase_before == int(CardPhase.REVIEW),
                reviews.c.id.not_in(undone_review_ids()),
            )
            .group_by(items.c.topic)
        )
        with self._begin() as conn:
            rows = {
                r.topic: TopicStatus(r.topic, r.items, r.new, r.learning, r.due, r.learned)
                for r in conn.execute(per_topic)
            }
            for r in conn.execute(retention):
                status = rows.setdefault(r.topic, TopicStatus(r.topic))
                status.reviews, status.recalled = int(r.reviews), int(r.recalled)
        return list(rows.values())

    def review_log(self, user: int) -> Iterator[ReviewRecord]:
        query = (
            select(
                reviews,
                items.c.key,
                items.c.topic,
                banks.c.name.label("bank"),
            )
            .select_from(
                reviews.join(cards, cards.c.id == reviews.c.card_id)
                .join(items, items.c.id == cards.c.item_id)
                .join(banks, banks.c.id == items.c.bank_id)
            )
            .where(reviews.c.user_id == user)
            .order_by(reviews.c.id)
        )
        with self.engine.connect() as conn:
            for r in conn.execute(query).mappings():
                yield to_review_record(r)

    # statistics --------------------------------------------------------------------------
    def review_events(self, user: int, since: datetime) -> list[ReviewEvent]:
        """Scheduled ratings at or after ``since`` that were not undone, oldest first."""
        undone = undone_review_ids()
        query = (
            select(reviews.c.reviewed_at, reviews.c.rating, reviews.c.phase_before)
            .where(
                reviews.c.user_id == user,
                reviews.c.kind == "review",
                reviews.c.reviewed_at >= since,
                reviews.c.id.not_in(undone),
            )
            .order_by(reviews.c.reviewed_at, reviews.c.id)
        )
        with self._begin() as conn:
            return [
                ReviewEvent(r.reviewed_at, int(r.rating), r.phase_before)
                for r in conn.execute(query)
            ]

    def studied_cards(self, user: int) -> list[TopicCard]:
        """Cards past NEW and not suspended, on active items, with their topic."""
        query = (
            select(items.c.topic, *STATE_COLUMNS)
            .select_from(cards.join(items, items.c.id == cards.c.item_id))
            .where(
                cards.c.user_id == user,
                cards.c.suspended.is_(False),
                cards.c.phase != int(CardPhase.NEW),
                items.c.active.is_(True),
                items.c.bank_id.in_(visible_bank_ids(user)),
            )
        )
        with self._begin() as conn:
            return [TopicCard(r.topic, card_state(r)) for r in conn.execute(query)]

    # sessions ----------------------------------------------------------------------------
    def start_session(self, user: int, mode: str, flt: QueueFilter) -> int:
        with self._begin() as conn:
            result = conn.execute(
                insert(sessions).values(
                    user_id=user, mode=mode, filters=flt.to_dict(), started_at=utcnow()
                )
            )
            return int(result.inserted_primary_key[0])

    def end_session(self, session_id: int) -> None:
        with self._begin() as conn:
            conn.execute(
                update(sessions).where(sessions.c.id == session_id).values(ended_at=utcnow())
            )
