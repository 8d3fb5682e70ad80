"""A user's progress out of and into the database (``prepdeck progress export|import``).

Items are matched by bank name and item key, or, when the bank is not there under that
name (a user bank is named by its absolute path, which differs between machines), by the
item key alone if exactly one bank has it. An item that cannot be matched is reported and
skipped (``strict`` refuses the whole import instead). The import is one transaction and is
idempotent: a review already in the log (same card, time, kind and rating) is not added
again, and a card is replaced only by a state reviewed more recently than its own.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from prepdeck.errors import Location
from prepdeck.interchange.errors import InterchangeError
from prepdeck.interchange.progress import (
    ProgressCard,
    ProgressImportResult,
    ProgressReview,
    UserProgress,
)
from prepdeck.scheduling import CardState, utcnow
from prepdeck.store.base import StoreBase
from prepdeck.store.rows import STATE_COLUMNS, card_state, state_columns
from prepdeck.store.sharing import bank_visible_to
from prepdeck.store.tables import banks, cards, item_versions, items, reviews, users


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


def _same(a: CardState, b: CardState) -> bool:
    return (
        (a.phase, a.step, a.stability, a.difficulty, a.reps, a.lapses)
        == (b.phase, b.step, b.stability, b.difficulty, b.reps, b.lapses)
        and _utc(a.due) == _utc(b.due)
        and _utc(a.last_review) == _utc(b.last_review)
    )


class _Items:
    """Resolves (bank, item key) to an item's primary key."""

    def __init__(self, conn: Connection, user: int) -> None:
        self.exact: dict[tuple[str, str], int] = {}
        self.by_key: defaultdict[str, set[int]] = defaultdict(set)
        # With accounts on, a learner's progress only reaches the banks they may see.
        query = (
            select(items.c.id, items.c.key, banks.c.name)
            .join(banks, banks.c.id == items.c.bank_id)
            .where(bank_visible_to(user))
        )
        for pk, key, bank in conn.execute(query):
            self.exact[(bank, key)] = pk
            self.by_key[key].add(pk)
        self.banks = {bank for bank, _ in self.exact}

    def find(self, bank: str, key: str) -> int | None:
        if (bank, key) in self.exact:
            return self.exact[(bank, key)]
        if bank not in self.banks and len(self.by_key.get(key, ())) == 1:
            return next(iter(self.by_key[key]))
        return None


class ProgressQueries(StoreBase):
    """Part of :class:`~prepdeck.store.sql_store.SqlStore`."""

    def export_progress(self, user: int) -> UserProgress:
        """Every card and every review-log row of ``user``, named by bank and item key."""
        card_query = (
            select(banks.c.name, items.c.key, items.c.topic, cards.c.suspended, *STATE_COLUMNS)
            .select_from(
                cards.join(items, items.c.id == cards.c.item_id).join(
                    banks, banks.c.id == items.c.bank_id
                )
            )
            .where(cards.c.user_id == user)
            .order_by(banks.c.id, items.c.position)
        )
        review_query = (
            select(reviews, items.c.key, banks.c.name.label("bank"))
            .select_from(
                reviews.join(cards, cards.c.id == reviews.c.card_id)
                .join(items, items.c.id == cards.c.item_id)
                .join(banks, banks.c.id == items.c.bank_id)
            )
            .where(reviews.c.user_id == user)
            .order_by(reviews.c.id)
        )
        with self._begin() as conn:
            who = conn.execute(
                select(users.c.name, users.c.parameters, users.c.settings).where(users.c.id == user)
            ).one()
            card_rows = conn.execute(card_query).all()
            review_rows = conn.execute(review_query).mappings().all()
        return UserProgress(
            user=who.name,
            exported_at=utcnow(),
            parameters=tuple(float(p) for p in who.parameters) if who.parameters else None,
            settings=dict(who.settings) if isinstance(who.settings, dict) else {},
            cards=tuple(
                ProgressCard(r.name, r.key, card_state(r), bool(r.suspended), r.topic)
                for r in card_rows
            ),
            reviews=tuple(
                ProgressReview(
                    id=r["id"],
                    bank=r["bank"],
                    item_key=r["key"],
                    kind=r["kind"],
                    rating=r["rating"],
                    reviewed_at=r["reviewed_at"],
                    was_new=bool(r["was_new"]),
                    duration_ms=r["duration_ms"],
                    typed_answer=r["typed_answer"],
                    grade=r["grade"],
                    proposed_rating=r["proposed_rating"],
                    phase_before=r["phase_before"],
                    state_before=r["state_before"],
                    state_after=r["state_after"],
                    undoes=r["undoes_id"],
                )
                for r in review_rows
            ),
        )

    def import_progress(
        self, user: int, progress: UserProgress, *, strict: bool = False
    ) -> ProgressImportResult:
        """Merge ``progress`` into ``user``'s cards and review log in one transaction.

        Raises :class:`InterchangeError` (and changes nothing) when ``strict`` and some
        item is not in the database.
        """
        with self._begin() as conn:
            found = _Items(conn, user)
            unknown: dict[str, None] = {}
            existing = {
                r.item_id: r
                for r in conn.execute(
                    select(cards.c.id, cards.c.item_id, cards.c.suspended, *STATE_COLUMNS).where(
                        cards.c.user_id == user
                    )
                )
            }
            card_of: dict[int, int] = {pk: row.id for pk, row in existing.items()}
            counts = {"added": 0, "updated": 0, "unchanged": 0, "conflicts": 0}
            for card in progress.cards:
                pk = found.find(card.bank, card.item_key)
                if pk is None:
                    unknown[f"{card.bank}/{card.item_key}"] = None
                    continue
                row = existing.get(pk)
                if row is None:
                    card_of[pk] = self._insert_card(conn, user, pk, card.state, card.suspended)
                    counts["added"] += 1
                    continue
                mine = card_state(row)
                if _same(mine, card.state) and bool(row.suspended) == card.suspended:
                    counts["unchanged"] += 1
                elif _newer(card.state, mine):
                    conn.execute(
                        update(cards)
                        .where(cards.c.id == row.id)
                        .values(
                            version=cards.c.version + 1,
                            suspended=card.suspended,
                            **state_columns(card.state),
                        )
                    )
                    counts["updated"] += 1
                else:
                    counts["conflicts"] += 1
            added, present = self._merge_reviews(conn, user, progress, found, card_of, unknown)
            if strict and unknown:
                raise InterchangeError(
                    f"{len(unknown)} item(s) are not in this database, e.g. "
                    f"{', '.join(list(unknown)[:3])}; add their banks first "
                    "(nothing was imported)",
                    Location("progress"),
                )
            parameters_set = self._merge_user(conn, user, progress)
        return ProgressImportResult(
            cards_added=counts["added"],
            cards_updated=counts["updated"],
            cards_unchanged=counts["unchanged"],
            conflicts=counts["conflicts"],
            reviews_added=added,
            reviews_present=present,
            unknown=tuple(unknown),
            parameters_set=parameters_set,
        )

    @staticmethod
    def _insert_card(
        conn: Connection, user: int, item_pk: int, state: CardState, suspended: bool
    ) -> int:
        result = conn.execute(
            insert(cards).values(
                user_id=user,
                item_id=item_pk,
                suspended=suspended,
                version=1,
                **state_columns(state),
            )
        )
        return _inserted_id(result)

    def _merge_reviews(
        self,
        conn: Connection,
        user: int,
        progress: UserProgress,
        found: _Items,
        card_of: dict[int, int],
        unknown: dict[str, None],
    ) -> tuple[int, int]:
        """Add the reviews not in the log yet, in the file's order; returns (added, already
        present). Runs of ratings go in as one multi-row insert each; an undo, which needs
        the new id of the rating it undid, ends a run."""
        log = _Log(conn, user)
        versions = dict(
            conn.execute(
                select(item_versions.c.item_id, item_versions.c.id).join(
                    items,
                    (items.c.id == item_versions.c.item_id)
                    & (items.c.content_hash == item_versions.c.content_hash),
                )
            ).all()
        )
        new_id: dict[int, int] = {}
        pending: dict[_Key, tuple[int, dict[str, Any]]] = {}
        added = present = 0
        for review in progress.reviews:
            pk = found.find(review.bank, review.item_key)
            if pk is None:
                unknown[f"{review.bank}/{review.item_key}"] = None
                continue
            if pk not in card_of:
                card_of[pk] = self._insert_card(conn, user, pk, CardState(), False)
            key = (card_of[pk], _utc(review.reviewed_at), review.kind, review.rating)
            if key in log.ids or key in pending:
                if key in log.ids:
                    new_id[review.id] = log.ids[key]
                present += 1
                continue
            undoes = None
            if review.kind == "undo":
                new_id.update(log.insert(pending))
                undoes = new_id.get(review.undoes or -1)
                if undoes is None:
                    continue  # it undid a review that could not be imported
            pending[key] = (review.id, _review_row(user, card_of[pk], versions.get(pk), review))
            pending[key][1]["undoes_id"] = undoes
            added += 1
        new_id.update(log.insert(pending))
        return added, present

    @staticmethod
    def _merge_user(conn: Connection, user: int, progress: UserProgress) -> bool:
        """Fitted parameters and saved settings, only where the user has none yet."""
        mine = conn.execute(
            select(users.c.parameters, users.c.settings).where(users.c.id == user)
        ).one()
        values: dict[str, Any] = {}
        if progress.parameters and not mine.parameters:
            values["parameters"] = list(progress.parameters)
        if progress.settings and not mine.settings:
            values["settings"] = dict(progress.settings)
        if values:
            conn.execute(update(users).where(users.c.id == user).values(**values))
        return "parameters" in values


_Key = tuple[int, datetime | None, str, int | None]


def _review_row(
    user: int, card_id: int, version_id: int | None, review: ProgressReview
) -> dict[str, Any]:
    return {
        "user_id": user,
        "card_id": card_id,
        "item_version_id": version_id,
        "session_id": None,
        "kind": review.kind,
        "rating": review.rating,
        "reviewed_at": review.reviewed_at,
        "duration_ms": review.duration_ms,
        "typed_answer": review.typed_answer,
        "grade": review.grade,
        "proposed_rating": review.proposed_rating,
        "was_new": review.was_new,
        "phase_before": review.phase_before,
        "state_before": review.state_before,
        "state_after": review.state_after,
        "undoes_id": None,
    }


class _Log:
    """The user's review log by (card, time, kind, rating), and inserts into it."""

    def __init__(self, conn: Connection, user: int) -> None:
        self.conn = conn
        self.user = user
        self.ids: dict[_Key, int] = {}
        self.newest = self._read(0)

    def _read(self, after: int) -> int:
        """Load the log rows with ids above ``after``; returns the highest id seen."""
        newest = after
        query = select(
            reviews.c.id, reviews.c.card_id, reviews.c.reviewed_at, reviews.c.kind, reviews.c.rating
        ).where(reviews.c.user_id == self.user, reviews.c.id > after)
        for r in self.conn.execute(query):
            self.ids[(r.card_id, _utc(r.reviewed_at), r.kind, r.rating)] = r.id
            newest = max(newest, r.id)
        return newest

    def insert(self, pending: dict[_Key, tuple[int, dict[str, Any]]]) -> dict[int, int]:
        """Insert ``pending`` (emptied) in one statement; returns file id -> new id."""
        if not pending:
            return {}
        self.conn.execute(insert(reviews), [row for _, row in pending.values()])
        self.newest = self._read(self.newest)
        mapped = {file_id: self.ids[key] for key, (file_id, _) in pending.items()}
        pending.clear()
        return mapped


def _inserted_id(result: Any) -> int:
    return int(result.inserted_primary_key[0])


def _newer(incoming: CardState, mine: CardState) -> bool:
    """Whether ``incoming`` was reviewed after ``mine`` (a new card is never newer)."""
    if incoming.last_review is None:
        return False
    if mine.last_review is None:
        return True
    return incoming.last_review > mine.last_review
