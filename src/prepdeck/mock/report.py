"""The report of a mock: score per question and topic, key points missed, time per question,
what to read, and how this mock compares with the earlier ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from prepdeck.mock.records import MockListing, MockQuestion, MockRecord
from prepdeck.model import Item, Reference

#: Time allowed for the network and a slow click past a deadline before an answer is overtime.
GRACE = timedelta(seconds=5)
#: Below this score a question's references are listed to read.
READ_BELOW = 0.6


def is_overtime(question: MockQuestion, mock_deadline: datetime) -> bool:
    """Answered after the earlier of its own deadline and the mock's (plus :data:`GRACE`)."""
    if question.shown_at is None or question.answered_at is None:
        return False
    limit = min(question.shown_at + timedelta(seconds=question.limit_s), mock_deadline)
    return question.answered_at > limit + GRACE


def _points(grade: dict[str, Any] | None, hit: bool) -> tuple[str, ...]:
    points = (grade or {}).get("key_points") or []
    return tuple(str(p.get("text", "")) for p in points if bool(p.get("hit")) is hit)


@dataclass(frozen=True)
class QuestionResult:
    """One question as the report shows it. ``score`` is 0 for a question not answered."""

    question: MockQuestion
    score: float
    rating: str | None
    verdict: str | None
    hit: tuple[str, ...]
    missed: tuple[str, ...]
    overtime: bool

    @property
    def item(self) -> Item:
        return self.question.item

    @property
    def time_taken_s(self) -> float | None:
        taken = self.question.time_taken
        return None if taken is None else round(taken.total_seconds(), 1)

    def to_dict(self) -> dict[str, Any]:
        q, item = self.question, self.question.item
        return {
            "position": q.position,
            "item_pk": q.item_pk,
            "id": item.id,
            "topic": item.topic,
            "difficulty": None if item.difficulty is None else str(item.difficulty),
            "question": item.question,
            "reference_answer": item.answer,
            "references": [r.to_dict() for r in item.references],
            "why_asked": q.reason,
            "answered": q.answered,
            "answer": q.answer,
            "score": round(self.score, 4),
            "proposed_rating": self.rating,
            "verdict": self.verdict,
            "key_points_hit": list(self.hit),
            "key_points_missed": list(self.missed),
            "time_taken_s": self.time_taken_s,
            "limit_s": q.limit_s,
            "overtime": self.overtime,
            "scheduled": q.review_id is not None,
        }


@dataclass(frozen=True)
class TopicResult:
    topic: str
    questions: int
    answered: int
    score: float
    previous: float | None

    @property
    def change(self) -> float | None:
        return None if self.previous is None else self.score - self.previous

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "questions": self.questions,
            "answered": self.answered,
            "score": round(self.score, 4),
            "previous": None if self.previous is None else round(self.previous, 4),
            "change": None if self.change is None else round(self.change, 4),
        }


@dataclass(frozen=True)
class TrendPoint:
    mock_id: int
    started_at: datetime
    score: float
    questions: int
    current: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.mock_id,
            "started_at": self.started_at.isoformat(),
            "score": round(self.score, 4),
            "questions": self.questions,
            "current": self.current,
        }


@dataclass(frozen=True)
class MockReport:
    mock: MockRecord
    questions: tuple[QuestionResult, ...]
    topics: tuple[TopicResult, ...]
    score: float
    to_read: tuple[tuple[Reference, str], ...]
    trend: tuple[TrendPoint, ...]

    @property
    def answered(self) -> int:
        return sum(1 for q in self.questions if q.question.answered)

    @property
    def time_used_s(self) -> float:
        return sum(q.time_taken_s or 0.0 for q in self.questions)

    @property
    def previous_score(self) -> float | None:
        earlier = [p for p in self.trend if not p.current]
        return earlier[-1].score if earlier else None

    @property
    def change(self) -> float | None:
        previous = self.previous_score
        return None if previous is None else self.score - previous

    @property
    def missed_points(self) -> int:
        return sum(len(q.missed) for q in self.questions)

    def to_dict(self) -> dict[str, Any]:
        m = self.mock
        return {
            "id": m.mock_id,
            "done": True,
            "started_at": m.started_at.isoformat(),
            "finished_at": m.finished_at.isoformat() if m.finished_at else None,
            "preset": m.preset,
            "topics": list(m.topics),
            "scheduled": m.schedule,
            "seed": m.seed,
            "limit_s": m.total_s,
            "time_used_s": round(self.time_used_s, 1),
            "score": round(self.score, 4),
            "answered": self.answered,
            "total": len(self.questions),
            "previous_score": None
            if self.previous_score is None
            else round(self.previous_score, 4),
            "change": None if self.change is None else round(self.change, 4),
            "questions": [q.to_dict() for q in self.questions],
            "per_topic": [t.to_dict() for t in self.topics],
            "to_read": [{**ref.to_dict(), "for": why} for ref, why in self.to_read],
            "trend": [p.to_dict() for p in self.trend],
        }


def question_result(question: MockQuestion, mock_deadline: datetime) -> QuestionResult:
    grade = question.grade
    return QuestionResult(
        question=question,
        score=question.score or 0.0,
        rating=None if grade is None else str(grade.get("rating")),
        verdict=None if grade is None else str(grade.get("verdict")),
        hit=_points(grade, True),
        # A question never answered misses every key point the bank gives it.
        missed=_points(grade, False) if grade is not None else question.item.key_points,
        overtime=is_overtime(question, mock_deadline),
    )


def _topic_scores(results: Sequence[QuestionResult]) -> dict[str, list[float]]:
    scores: dict[str, list[float]] = {}
    for r in results:
        scores.setdefault(r.item.topic, []).append(r.score)
    return scores


def summarise(mock: MockRecord) -> tuple[float, dict[str, Any]]:
    """The overall score (unanswered questions count 0) and what trends need, per topic."""
    results = [question_result(q, mock.deadline) for q in mock.questions]
    overall = sum(r.score for r in results) / len(results) if results else 0.0
    topics = {t: sum(v) / len(v) for t, v in _topic_scores(results).items()}
    answered = sum(1 for q in mock.questions if q.answered)
    return overall, {"topics": topics, "answered": answered, "questions": len(results)}


def _previous_topic_score(topic: str, earlier: Sequence[MockListing]) -> float | None:
    for listing in reversed(earlier):
        value = ((listing.summary or {}).get("topics") or {}).get(topic)
        if isinstance(value, int | float):
            return float(value)
    return None


def build_report(mock: MockRecord, history: Sequence[MockListing]) -> MockReport:
    """The report of a finished ``mock``; ``history`` is the user's mocks (any order)."""
    results = tuple(question_result(q, mock.deadline) for q in mock.questions)
    score, _ = summarise(mock)
    finished = sorted(
        (h for h in history if h.score is not None and h.started_at <= mock.started_at),
        key=lambda h: (h.started_at, h.mock_id),
    )
    # A mock left without a single answer says nothing about progress.
    earlier = [
        h
        for h in finished
        if h.mock_id != mock.mock_id and (h.summary or {}).get("answered", h.answered)
    ]
    topics = tuple(
        TopicResult(
            topic,
            len(values),
            sum(1 for r in results if r.item.topic == topic and r.question.answered),
            sum(values) / len(values),
            _previous_topic_score(topic, earlier),
        )
        for topic, values in _topic_scores(results).items()
    )
    to_read: list[tuple[Reference, str]] = []
    seen: set[str] = set()
    for r in sorted(results, key=lambda r: r.score):
        if r.score >= READ_BELOW:
            continue
        for ref in r.item.references:
            if ref.url not in seen:
                seen.add(ref.url)
                to_read.append((ref, f"Q{r.question.position} ({r.item.topic})"))
    points = [
        TrendPoint(h.mock_id, h.started_at, float(h.score or 0.0), h.questions, False)
        for h in earlier
    ]
    points.append(TrendPoint(mock.mock_id, mock.started_at, score, len(results), True))
    trend = tuple(points)
    return MockReport(mock, results, topics, score, tuple(to_read), trend)
