"""Shared banks and a learner's data rights (issue 9): publishing, visibility, group
aggregates, shared answers, exporting and deleting an account.

:func:`bank_visible_to` is the one rule for what a user may practise: learner accounts see
published banks and the bundled bank; admins and the single-user 'local' user (no password)
see every bank. Every query that lists or draws items for a user applies it (on the joined
``banks`` row, or as :func:`visible_bank_ids` when the query does not join banks).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, exists, func, or_, select, update
from sqlalchemy.engine import Connection

from prepdeck.accounts import AccountError, Role
from prepdeck.scheduling import CardPhase, utcnow
from prepdeck.shared_banks import (
    BUNDLED_BANK,
    BankError,
    BankListing,
    GroupSnapshot,
    LearnerCard,
    LearnerRetention,
    SharedAnswer,
)
from prepdeck.store.base import StoreBase
from prepdeck.store.rows import VIEW_COLUMNS, card_state, const, undone_review_ids
from prepdeck.store.tables import (
    api_tokens,
    auth_sessions,
    banks,
    cards,
    invitations,
    items,
    mock_answers,
    mocks,
    pending_imports,
    practice_states,
    rate_requests,
    reviews,
    sessions,
    sign_in_attempts,
    users,
)

#: Shared answers listed on the admin page, newest first.
MAX_SHARED_ANSWERS = 200


def _learner_accounts() -> Any:
    """Users who sign in as learners (a password and the learner role)."""
    return and_(users.c.role == const(Role.LEARNER.value), users.c.password_hash.is_not(None))


def bank_visible_to(user: int | ColumnElement[int]) -> ColumnElement[bool]:
    """True for the rows of ``banks`` that ``user`` (an id, or a bound parameter) may see, for
    queries that join banks."""
    is_learner = exists().where(users.c.id == user, _learner_accounts())
    bundled = banks.c.name == const(BUNDLED_BANK)
    return or_(banks.c.published_at.is_not(None), bundled, ~is_learner)


def visible_bank_ids(user: int) -> Select[Any]:
    """The ids of the banks ``user`` may see and practise (see the module docstring)."""
    return select(banks.c.id).where(bank_visible_to(user))


def visible_cards(user: int) -> Select[Any]:
    """Every active item ``user`` may see, with their card if they have one
    (:data:`~prepdeck.store.rows.VIEW_COLUMNS`)."""
    joined = items.join(banks, banks.c.id == items.c.bank_id).outerjoin(
        cards, and_(cards.c.item_id == items.c.id, cards.c.user_id == user)
    )
    return (
        select(*VIEW_COLUMNS)
        .select_from(joined)
        .where(items.c.active.is_(True), bank_visible_to(user))
    )


def _retention_by_topic(learners: Any, *conditions: ColumnElement[bool]) -> Select[Any]:
    """Reviews and recalls (rating above 1) per learner, bank and topic; undone ones left out."""
    return (
        select(
            reviews.c.user_id,
            banks.c.name,
            items.c.topic,
            func.count().label("reviews"),
            func.count().filter(reviews.c.rating > 1).label("recalled"),
        )
        .select_from(
            reviews.join(cards, cards.c.id == reviews.c.card_id)
            .join(items, items.c.id == cards.c.item_id)
            .join(banks, banks.c.id == items.c.bank_id)
        )
        .where(
            reviews.c.user_id.in_(learners),
            reviews.c.kind == "review",
            *conditions,
            reviews.c.id.not_in(undone_review_ids()),
        )
        .group_by(reviews.c.user_id, banks.c.name, items.c.topic)
    )


class SharingQueries(StoreBase):
    """Part of :class:`~prepdeck.store.sql_store.SqlStore` (``prepdeck.storage.SharingStore``)."""

    # banks -------------------------------------------------------------------------------
    def bank_listings(self, user: int | None = None) -> list[BankListing]:
        """Every bank (``user`` None) or the banks ``user`` may see, in loading order."""
        publisher = users.alias("publisher")
        active = items.c.active.is_(True)
        query = (
            select(
                banks.c.name,
                banks.c.source,
                banks.c.synced_at,
                banks.c.published_at,
                publisher.c.name.label("published_by"),
                func.count(items.c.id).filter(active).label("items"),
                func.count(func.distinct(items.c.topic)).filter(active).label("topics"),
            )
            .select_from(
                banks.outerjoin(items, items.c.bank_id == banks.c.id).outerjoin(
                    publisher, publisher.c.id == banks.c.published_by
                )
            )
            .group_by(banks.c.id, publisher.c.name)
            .order_by(banks.c.id)
        )
        if user is not None:
            query = query.where(bank_visible_to(user))
        with self._begin() as conn:
            return [
                BankListing(
                    r.name,
                    r.source,
                    int(r.items),
                    int(r.topics),
                    r.synced_at,
                    r.published_at,
                    r.published_by,
                )
                for r in conn.execute(query)
            ]

    def set_bank_published(self, name: str, published: bool, by: int | None = None) -> BankListing:
        """Publish (or withdraw) bank ``name``; learners' cards and reviews stay either way.

        Raises :class:`BankError` naming the bank when there is none by that name, or when
        asked to withdraw the bundled bank (every learner always has it).
        """
        if name == BUNDLED_BANK and not published:
            raise BankError("bank", "the bundled bank is always published")
        values: dict[str, Any] = (
            {"published_at": utcnow(), "published_by": by}
            if published
            else {"published_at": None, "published_by": None}
        )
        with self._begin() as conn:
            changed = conn.execute(update(banks).where(banks.c.name == name).values(**values))
            if changed.rowcount != 1:
                raise BankError("bank", f"no bank named {name!r} is loaded")
        return next(b for b in self.bank_listings() if b.name == name)

    # group progress ----------------------------------------------------------------------
    def group_snapshot(self) -> GroupSnapshot:
        """Learners' studied cards and review counts per bank and topic, for the admin page."""
        learners = select(users.c.id).where(_learner_accounts())
        with self._begin() as conn:
            item_counts = {
                (r.name, r.topic): int(r.n)
                for r in conn.execute(
                    select(banks.c.name, items.c.topic, func.count().label("n"))
                    .select_from(items.join(banks, banks.c.id == items.c.bank_id))
                    .where(items.c.active.is_(True))
                    .group_by(banks.c.name, items.c.topic)
                )
            }
            card_rows = conn.execute(
                select(banks.c.name, items.c.topic, cards)
                .select_from(
                    cards.join(items, items.c.id == cards.c.item_id).join(
                        banks, banks.c.id == items.c.bank_id
                    )
                )
                .where(
                    cards.c.user_id.in_(learners),
                    cards.c.phase != int(CardPhase.NEW),
                    items.c.active.is_(True),
                )
            ).mappings()
            learner_cards = tuple(
                LearnerCard(int(r["user_id"]), r["name"], r["topic"], card_state(r))
                for r in card_rows
            )
            retention = conn.execute(_retention_by_topic(learners)).all()
            phase_review = conn.execute(
                _retention_by_topic(learners, reviews.c.phase_before == int(CardPhase.REVIEW))
            ).all()
        totals: Counter[tuple[str, str]] = Counter()
        for r in retention:
            totals[(r.name, r.topic)] += int(r.reviews)
        return GroupSnapshot(
            item_counts,
            learner_cards,
            tuple(
                LearnerRetention(int(r.user_id), r.name, r.topic, int(r.reviews), int(r.recalled))
                for r in phase_review
            ),
            dict(totals),
        )

    # shared answers ----------------------------------------------------------------------
    def shares_answers(self, user: int) -> bool:
        with self._begin() as conn:
            found = conn.execute(select(users.c.share_answers).where(users.c.id == user)).scalar()
        return bool(found)

    def set_share_answers(self, user: int, share: bool) -> None:
        with self._begin() as conn:
            conn.execute(update(users).where(users.c.id == user).values(share_answers=share))

    def shared_answers(self, limit: int = MAX_SHARED_ANSWERS) -> list[SharedAnswer]:
        """Typed answers (practice and mocks) of learners who share them, newest first."""
        sharing = and_(_learner_accounts(), users.c.share_answers.is_(True))
        practice = (
            select(
                users.c.name.label("learner"),
                banks.c.name.label("bank"),
                items.c.key,
                items.c.topic,
                items.c.question,
                reviews.c.typed_answer.label("answer"),
                reviews.c.grade,
                reviews.c.reviewed_at.label("at"),
            )
            .select_from(
                reviews.join(users, users.c.id == reviews.c.user_id)
                .join(cards, cards.c.id == reviews.c.card_id)
                .join(items, items.c.id == cards.c.item_id)
                .join(banks, banks.c.id == items.c.bank_id)
            )
            .where(sharing, reviews.c.typed_answer.is_not(None), reviews.c.typed_answer != "")
            .order_by(reviews.c.reviewed_at.desc())
            .limit(limit)
        )
        mock = (
            select(
                users.c.name.label("learner"),
                banks.c.name.label("bank"),
                items.c.key,
                items.c.topic,
                items.c.question,
                mock_answers.c.answer,
                mock_answers.c.score.label("grade"),
                mock_answers.c.answered_at.label("at"),
            )
            .select_from(
                mock_answers.join(mocks, mocks.c.id == mock_answers.c.mock_id)
                .join(users, users.c.id == mocks.c.user_id)
                .join(items, items.c.id == mock_answers.c.item_id)
                .join(banks, banks.c.id == items.c.bank_id)
            )
            .where(sharing, mock_answers.c.answer.is_not(None), mock_answers.c.answer != "")
            .order_by(mock_answers.c.answered_at.desc())
            .limit(limit)
        )
        with self._begin() as conn:
            found = [
                SharedAnswer(
                    r.learner, r.bank, r.key, r.topic, r.question, r.answer, r.grade, r.at, source
                )
                for source, query in (("practice", practice), ("mock", mock))
                for r in conn.execute(query)
            ]
        found.sort(key=lambda a: a.at, reverse=True)
        return found[:limit]

    # data rights -------------------------------------------------------------------------
    def account_records(self, user: int) -> dict[str, Any]:
        """The user's practice sessions and API tokens (labels and dates, never the secret)."""
        with self._begin() as conn:
            practice = conn.execute(
                select(sessions).where(sessions.c.user_id == user).order_by(sessions.c.id)
            ).mappings()
            session_rows = [
                {
                    "id": r["id"],
                    "mode": r["mode"],
                    "filters": r["filters"],
                    "started_at": _iso(r["started_at"]),
                    "ended_at": _iso(r["ended_at"]),
                }
                for r in practice
            ]
            tokens = conn.execute(
                select(api_tokens).where(api_tokens.c.user_id == user).order_by(api_tokens.c.id)
            ).mappings()
            token_rows = [
                {
                    "id": r["id"],
                    "label": r["label"],
                    "created_at": _iso(r["created_at"]),
                    "last_used_at": _iso(r["last_used_at"]),
                    "revoked_at": _iso(r["revoked_at"]),
                }
                for r in tokens
            ]
            share = conn.execute(select(users.c.share_answers).where(users.c.id == user)).scalar()
        return {"sessions": session_rows, "api_tokens": token_rows, "share_answers": bool(share)}

    def delete_account(self, user: int) -> None:
        """Delete the account and everything that is only its own, in one transaction.

        Its cards, reviews, mocks, sessions, tokens, sign-ins and pending imports go; banks
        (shared by everyone) stay, with the publisher forgotten. Raises :class:`AccountError`
        when it is the last admin (nobody could manage the server after it).
        """
        with self._begin() as conn:
            row = conn.execute(select(users.c.name, users.c.role).where(users.c.id == user)).first()
            if row is None:
                raise AccountError("account", "there is no such account")
            if row.role == Role.ADMIN.value and _admins(conn) <= 1:
                raise AccountError(
                    "account", "this is the only admin account; make another admin first"
                )
            _delete_owned(conn, user)
            conn.execute(delete(sign_in_attempts).where(sign_in_attempts.c.account == row.name))
            conn.execute(delete(users).where(users.c.id == user))


def _admins(conn: Connection) -> int:
    query = select(func.count()).where(
        users.c.role == Role.ADMIN.value, users.c.disabled.is_(False)
    )
    return int(conn.execute(query).scalar_one())


def _delete_owned(conn: Connection, user: int) -> None:
    """Every row that belongs to ``user``, children before parents (foreign keys hold)."""
    own_mocks = select(mocks.c.id).where(mocks.c.user_id == user)
    conn.execute(delete(rate_requests).where(rate_requests.c.user_id == user))
    conn.execute(delete(practice_states).where(practice_states.c.user_id == user))
    conn.execute(delete(pending_imports).where(pending_imports.c.user_id == user))
    conn.execute(delete(mock_answers).where(mock_answers.c.mock_id.in_(own_mocks)))
    conn.execute(delete(mocks).where(mocks.c.user_id == user))
    # undo rows point at the rows they undo: drop the links first, then the log
    conn.execute(update(reviews).where(reviews.c.user_id == user).values(undoes_id=None))
    conn.execute(delete(reviews).where(reviews.c.user_id == user))
    conn.execute(delete(sessions).where(sessions.c.user_id == user))
    conn.execute(delete(cards).where(cards.c.user_id == user))
    conn.execute(delete(api_tokens).where(api_tokens.c.user_id == user))
    conn.execute(delete(auth_sessions).where(auth_sessions.c.user_id == user))
    for column in (invitations.c.created_by, invitations.c.used_by):
        conn.execute(update(invitations).where(column == user).values({column.name: None}))
    conn.execute(update(banks).where(banks.c.published_by == user).values(published_by=None))


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
