"""What a mock interview is in the store: the mock, and one row per drawn question.

Plain dataclasses shared by the core (:mod:`prepdeck.mock`) and the store; times are aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from prepdeck.errors import PrepdeckError
from prepdeck.model import Item


@dataclass(frozen=True)
class DrawnQuestion:
    """A question chosen for a mock: the item, its time limit and why it was chosen."""

    item_pk: int
    limit_s: int
    weakness: float
    reason: str


@dataclass(frozen=True)
class NewMock:
    """A mock to create. ``total_s`` is the overall time limit in seconds."""

    started_at: datetime
    total_s: int
    seed: int
    schedule: bool
    preset: str | None
    topics: tuple[str, ...]
    questions: tuple[DrawnQuestion, ...]
    session_id: int | None = None


@dataclass(frozen=True)
class MockAnswerInput:
    """A typed answer with its grade (``grade`` is :meth:`prepdeck.grading.types.Grade.to_dict`)."""

    answered_at: datetime
    answer: str
    score: float
    grade: dict[str, Any]


@dataclass(frozen=True)
class MockQuestion:
    """One drawn question of a stored mock, with the user's answer once given."""

    position: int
    item_pk: int
    item: Item
    limit_s: int
    weakness: float
    reason: str
    shown_at: datetime | None = None
    answered_at: datetime | None = None
    answer: str | None = None
    score: float | None = None
    grade: dict[str, Any] | None = None
    review_id: int | None = None

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def time_taken(self) -> timedelta | None:
        if self.shown_at is None or self.answered_at is None:
            return None
        return self.answered_at - self.shown_at


@dataclass(frozen=True)
class MockRecord:
    """A stored mock with its questions in order (positions 1..n)."""

    mock_id: int
    user: int
    started_at: datetime
    total_s: int
    seed: int
    schedule: bool
    preset: str | None
    topics: tuple[str, ...]
    questions: tuple[MockQuestion, ...]
    session_id: int | None = None
    finished_at: datetime | None = None
    score: float | None = None
    summary: dict[str, Any] | None = None

    @property
    def deadline(self) -> datetime:
        return self.started_at + timedelta(seconds=self.total_s)

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


@dataclass(frozen=True)
class MockListing:
    """A past or running mock, for lists and trends (no questions loaded)."""

    mock_id: int
    started_at: datetime
    finished_at: datetime | None
    total_s: int
    preset: str | None
    topics: tuple[str, ...]
    questions: int
    answered: int
    score: float | None
    summary: dict[str, Any] | None

    @property
    def deadline(self) -> datetime:
        return self.started_at + timedelta(seconds=self.total_s)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.mock_id,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "total_s": self.total_s,
            "preset": self.preset,
            "topics": list(self.topics),
            "questions": self.questions,
            "answered": self.answered,
            "score": None if self.score is None else round(self.score, 4),
        }


class MockNotFound(PrepdeckError):
    """No mock with that id belongs to this user."""
