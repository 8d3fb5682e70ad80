"""Shared banks (issue 9): which banks learners see, and how the group is doing per topic.

With accounts on, a learner practises the published banks (the bundled bank always counts as
published); admins and the single-user default see every bank. The group's progress is
aggregated per bank and topic from each learner's own cards and reviews, so an admin sees
where the group is weakest without seeing anyone's typed answers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from statistics import fmean
from typing import TYPE_CHECKING, Any

from prepdeck.errors import PrepdeckError
from prepdeck.reader import read_bank
from prepdeck.scheduling import CardState, Scheduler

if TYPE_CHECKING:
    from prepdeck.storage import Store, SyncResult

#: The bank prepdeck ships; every learner sees it.
BUNDLED_BANK = "bundled"


class BankError(PrepdeckError):
    """A bank cannot be published or loaded; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


@dataclass(frozen=True)
class BankListing:
    """A bank as the admin page lists it. ``published_by`` is the account name, if known."""

    name: str
    source: str
    items: int
    topics: int
    synced_at: datetime | None
    published_at: datetime | None
    published_by: str | None = None

    @property
    def bundled(self) -> bool:
        return self.name == BUNDLED_BANK

    @property
    def published(self) -> bool:
        return self.bundled or self.published_at is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "items": self.items,
            "topics": self.topics,
            "synced_at": _iso(self.synced_at),
            "published": self.published,
            "published_at": _iso(self.published_at),
            "published_by": self.published_by,
        }


@dataclass(frozen=True)
class LearnerCard:
    """One learner's studied card, for the group aggregates (no answers, no names)."""

    user: int
    bank: str
    topic: str
    state: CardState


@dataclass(frozen=True)
class LearnerRetention:
    """One learner's scheduled reviews of cards in the review phase, per bank and topic."""

    user: int
    bank: str
    topic: str
    reviews: int
    recalled: int


@dataclass(frozen=True)
class GroupSnapshot:
    """What the store reads for :func:`group_progress`: learners' cards and review counts."""

    items: dict[tuple[str, str], int]  # (bank, topic) -> active items
    cards: tuple[LearnerCard, ...]
    retention: tuple[LearnerRetention, ...]
    reviews: dict[tuple[str, str], int]  # (bank, topic) -> scheduled reviews, all learners


@dataclass(frozen=True)
class TopicProgress:
    """The group on one topic of one bank.

    ``learners``: learners with a studied card in the topic. ``retention``: the mean over those
    learners of their share of reviews recalled (None without reviews). ``expected_recall``:
    the mean over learners who started the bank of their expected recall now, never-seen items
    counting 0 (None when nobody started the bank).
    """

    bank: str
    topic: str
    items: int
    learners: int
    reviews: int
    retention: float | None
    expected_recall: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "bank": self.bank,
            "topic": self.topic,
            "items": self.items,
            "learners": self.learners,
            "reviews": self.reviews,
            "mean_retention": _round(self.retention),
            "mean_expected_recall": _round(self.expected_recall),
        }


@dataclass(frozen=True)
class SharedAnswer:
    """A typed answer of a learner who shares their answers with admins."""

    learner: str
    bank: str
    item_key: str
    topic: str
    question: str
    answer: str
    grade: float | None
    at: datetime
    source: str  # "practice" | "mock"

    def to_dict(self) -> dict[str, Any]:
        return {
            "learner": self.learner,
            "bank": self.bank,
            "item": self.item_key,
            "topic": self.topic,
            "question": self.question,
            "answer": self.answer,
            "grade": _round(self.grade),
            "at": self.at.isoformat(),
            "source": self.source,
        }


def group_progress(
    snapshot: GroupSnapshot, scheduler: Scheduler, now: datetime
) -> list[TopicProgress]:
    """Aggregate per (bank, topic), weakest first (lowest expected recall, untouched last)."""
    recall: dict[tuple[str, str], dict[int, float]] = defaultdict(lambda: defaultdict(float))
    started: dict[str, set[int]] = defaultdict(set)
    for card in snapshot.cards:
        started[card.bank].add(card.user)
        recall[(card.bank, card.topic)][card.user] += scheduler.retrievability(card.state, now)
    shares: dict[tuple[str, str], list[float]] = defaultdict(list)
    for row in snapshot.retention:
        if row.reviews:
            shares[(row.bank, row.topic)].append(row.recalled / row.reviews)
    rows = []
    for (bank, topic), count in snapshot.items.items():
        learners = started.get(bank, set())
        per_learner = recall.get((bank, topic), {})
        expected = (
            fmean(per_learner.get(u, 0.0) / count for u in learners) if learners and count else None
        )
        retained = shares.get((bank, topic))
        rows.append(
            TopicProgress(
                bank,
                topic,
                count,
                len(per_learner),
                snapshot.reviews.get((bank, topic), 0),
                fmean(retained) if retained else None,
                expected,
            )
        )
    rows.sort(key=lambda r: (r.expected_recall is None, r.expected_recall or 0.0, r.bank, r.topic))
    return rows


def load_bank_path(store: Store, path: Path) -> tuple[str, SyncResult]:
    """Load the bank at ``path`` (a page or a folder) under its absolute path as its name.

    Unlike ``prepdeck bank add``, a bank with unreadable files or items without a question or
    an answer is refused (:class:`BankError` naming ``path`` and the first problem), so what
    learners are given is whole; nothing is loaded then.
    """
    if not path.exists():
        raise BankError("path", f"{path} does not exist on the server")
    bank = read_bank(path)
    if bank.errors:
        raise BankError("path", f"{bank.errors[0]} ({len(bank.errors)} problem(s) in all)")
    empty = [i for i in bank.items if not (i.question.strip() and i.answer.strip())]
    if empty:
        raise BankError(
            "path", f"{empty[0].location}: item '{empty[0].id}' has no question or answer"
        )
    if not bank.items:
        raise BankError("path", f"{path} has no questions")
    name = str(path.resolve())
    return name, store.sync_bank(name, str(path), bank.items)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
