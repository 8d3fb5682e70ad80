"""A small bank in a real store (SQLite, and PostgreSQL when available) and a clock to move."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

import prepdeck
from prepdeck.mock import MockInterviews
from prepdeck.model import Difficulty, Item, Reference
from prepdeck.scheduling import Scheduler
from prepdeck.settings import Settings
from prepdeck.store import SqlStore
from tests.store.conftest import T0, pg_url, sqlite_url, url

__all__ = ["pg_url", "sqlite_url", "url"]

TOPICS = ("Statistics", "Probability", "Deep learning")
LEVELS = (Difficulty.EASY, Difficulty.MEDIUM, Difficulty.MEDIUM, Difficulty.HARD)


def bank_item(n: int) -> Item:
    topic = TOPICS[n % len(TOPICS)]
    return Item(
        id=f"m{n}",
        topic=topic,
        question=f"Question {n} about {topic.lower()}: explain the variance of estimator {n}.",
        answer=(
            f"The variance of estimator {n} shrinks with the sample size. "
            "Averaging independent draws divides the variance by n."
        ),
        location=prepdeck.Location("mock-bank.md", n),
        difficulty=LEVELS[n % len(LEVELS)],
        key_points=(
            f"The variance of estimator {n} shrinks with the sample size.",
            "Averaging independent draws divides the variance by n.",
        ),
        references=(Reference(f"Chapter {n}", f"https://example.org/ch{n}"),),
    )


BANK = tuple(bank_item(n) for n in range(24))


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(url: str) -> Iterator[SqlStore]:
    opened = SqlStore.open(url)
    opened.sync_bank("mock-bank", "mock-bank.md", BANK)
    yield opened
    opened.close()


SETTINGS = Settings(fuzz=False)


def interviews(store: SqlStore, clock: Clock, user: str = "local") -> MockInterviews:
    return MockInterviews(store, Scheduler(SETTINGS), SETTINGS, store.user_id(user), clock)
