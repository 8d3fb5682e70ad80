"""Mock interviews: drawn questions, typed answers, grades and reports (issue 8).

Every query names the user: a mock id of another user reads as not found.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, insert, select, update
from sqlalchemy.engine import Connection

from prepdeck.mock.records import (
    MockAnswerInput,
    MockListing,
    MockNotFound,
    MockQuestion,
    MockRecord,
    NewMock,
)
from prepdeck.scheduling import CardPhase, CardState
from prepdeck.storage import CardView, ReviewInput
from prepdeck.store.base import StoreBase
from prepdeck.store.review_write import write_review
from prepdeck.store.rows import to_item, undone_review_ids
from prepdeck.store.tables import cards, items, mock_answers, mocks, reviews


class _NotSaved(Exception):
    """Rolls back an answer that lost the race (answered already, or the mock is over)."""


class MockQueries(StoreBase):
    """Part of :class:`~prepdeck.store.sql_store.SqlStore`."""

    def recent_lapses(self, user: int, since: datetime) -> dict[int, int]:
        """Item id -> lapses (Again on a card in review) since ``since`` that were not undone."""
        undone = undone_review_ids()
        query = (
            select(cards.c.item_id, func.count())
            .select_from(reviews.join(cards, cards.c.id == reviews.c.card_id))
            .where(
                reviews.c.user_id == user,
                reviews.c.kind == "review",
                reviews.c.rating == 1,
                reviews.c.phase_before == int(CardPhase.REVIEW),
                reviews.c.reviewed_at >= since,
                reviews.c.id.not_in(undone),
            )
            .group_by(cards.c.item_id)
        )
        with self._begin() as conn:
            return {int(item): int(n) for item, n in conn.execute(query)}

    def suspended_items(self, user: int) -> frozenset[int]:
        """Items whose card the user suspended (a mock does not ask them)."""
        query = select(cards.c.item_id).where(cards.c.user_id == user, cards.c.suspended.is_(True))
        with self._begin() as conn:
            return frozenset(int(item) for (item,) in conn.execute(query))

    def create_mock(self, user: int, mock: NewMock) -> int:
        """Store a drawn mock and its questions (positions 1..n) in one transaction."""
        with self._begin() as conn:
            mock_id = int(
                conn.execute(
                    insert(mocks).values(
                        user_id=user,
                        session_id=mock.session_id,
                        started_at=mock.started_at,
                        total_s=mock.total_s,
                        seed=mock.seed,
                        schedule=mock.schedule,
                        preset=mock.preset,
                        topics=list(mock.topics),
                    )
                ).inserted_primary_key[0]
            )
            conn.execute(
                insert(mock_answers),
                [
                    {
                        "mock_id": mock_id,
                        "position": n,
                        "item_id": q.item_pk,
                        "limit_s": q.limit_s,
                        "weakness": q.weakness,
                        "reason": q.reason[:200],
                    }
                    for n, q in enumerate(mock.questions, start=1)
                ],
            )
        return mock_id

    def _owned(self, conn: Connection, user: int, mock_id: int) -> Any:
        row = (
            conn.execute(select(mocks).where(mocks.c.id == mock_id, mocks.c.user_id == user))
            .mappings()
            .first()
        )
        if row is None:
            raise MockNotFound(f"no mock {mock_id}")
        return row

    def mock(self, user: int, mock_id: int) -> MockRecord:
        """The user's mock with its questions. Raises MockNotFound (also for another user's)."""
        query = (
            select(
                *(c for c in mock_answers.c if c.name != "answer"),
                mock_answers.c.answer.label("typed"),
                items.c.key,
                items.c.topic,
                items.c.difficulty,
                items.c.tags,
                items.c.question,
                items.c.answer,
                items.c.data,
            )
            .select_from(mock_answers.join(items, items.c.id == mock_answers.c.item_id))
            .where(mock_answers.c.mock_id == mock_id)
            .order_by(mock_answers.c.position)
        )
        with self._begin() as conn:
            row = self._owned(conn, user, mock_id)
            questions = tuple(
                MockQuestion(
                    position=q["position"],
                    item_pk=q["item_id"],
                    item=to_item(q),
                    limit_s=q["limit_s"],
                    weakness=q["weakness"],
                    reason=q["reason"],
                    shown_at=q["shown_at"],
                    answered_at=q["answered_at"],
                    answer=q["typed"],
                    score=q["score"],
                    grade=q["grade"],
                    review_id=q["review_id"],
                )
                for q in conn.execute(query).mappings()
            )
        return MockRecord(
            mock_id=row["id"],
            user=row["user_id"],
            started_at=row["started_at"],
            total_s=row["total_s"],
            seed=row["seed"],
            schedule=bool(row["schedule"]),
            preset=row["preset"],
            topics=tuple(row["topics"] or ()),
            questions=questions,
            session_id=row["session_id"],
            finished_at=row["finished_at"],
            score=row["score"],
            summary=row["summary"],
        )

    def mocks(self, user: int, limit: int) -> list[MockListing]:
        """The user's mocks, newest first, with how many questions were asked and answered."""
        counts = (
            select(
                mock_answers.c.mock_id,
                func.count().label("questions"),
                func.sum(case((mock_answers.c.answered_at.is_not(None), 1), else_=0)).label(
                    "answered"
                ),
            )
            .group_by(mock_answers.c.mock_id)
            .subquery()
        )
        query = (
            select(mocks, counts.c.questions, counts.c.answered)
            .select_from(mocks.outerjoin(counts, counts.c.mock_id == mocks.c.id))
            .where(mocks.c.user_id == user)
            .order_by(mocks.c.started_at.desc(), mocks.c.id.desc())
            .limit(limit)
        )
        with self._begin() as conn:
            return [
                MockListing(
                    mock_id=r["id"],
                    started_at=r["started_at"],
                    finished_at=r["finished_at"],
                    total_s=r["total_s"],
                    preset=r["preset"],
                    topics=tuple(r["topics"] or ()),
                    questions=int(r["questions"] or 0),
                    answered=int(r["answered"] or 0),
                    score=r["score"],
                    summary=r["summary"],
                )
                for r in conn.execute(query).mappings()
            ]

    def mark_mock_shown(self, user: int, mock_id: int, position: int, at: datetime) -> datetime:
        """Start question ``position``'s clock at ``at`` unless it started already; its start."""
        where = and_(mock_answers.c.mock_id == mock_id, mock_answers.c.position == position)
        with self._begin() as conn:
            self._owned(conn, user, mock_id)
            conn.execute(
                update(mock_answers)
                .where(where, mock_answers.c.shown_at.is_(None))
                .values(shown_at=at)
            )
            shown = conn.execute(select(mock_answers.c.shown_at).where(where)).scalar()
        if shown is None:
            raise MockNotFound(f"mock {mock_id} has no question {position}")
        assert isinstance(shown, datetime)
        return shown

    def save_mock_answer(
        self,
        user: int,
        mock_id: int,
        position: int,
        answer: MockAnswerInput,
        review: tuple[CardView, CardState, ReviewInput] | None = None,
    ) -> bool:
        """Save the answer to an unanswered question of a running mock, and its review, in one
        transaction. False (nothing written) when it was answered already or the mock is over.
        Raises ConcurrentUpdate when the card changed since the review's view was read."""
        try:
            with self._begin() as conn:
                row = self._owned(conn, user, mock_id)
                if row["finished_at"] is not None:
                    raise _NotSaved
                where = and_(
                    mock_answers.c.mock_id == mock_id,
                    mock_answers.c.position == position,
                    mock_answers.c.answered_at.is_(None),
                )
                review_id = None
                if review is not None:
                    review_id = write_review(conn, user, *review)
                changed = conn.execute(
                    update(mock_answers)
                    .where(where)
                    .values(
                        answered_at=answer.answered_at,
                        answer=answer.answer,
                        score=answer.score,
                        grade=answer.grade,
                        review_id=review_id,
                    )
                ).rowcount
                if changed != 1:
                    raise _NotSaved
        except _NotSaved:
            return False
        return True

    def finish_mock(
        self, user: int, mock_id: int, at: datetime, score: float, summary: dict[str, Any]
    ) -> bool:
        """Mark the mock finished with its scores; False when it was finished already."""
        with self._begin() as conn:
            self._owned(conn, user, mock_id)
            changed = conn.execute(
                update(mocks)
                .where(mocks.c.id == mock_id, mocks.c.finished_at.is_(None))
                .values(finished_at=at, score=score, summary=summary)
            ).rowcount
        return bool(changed == 1)
