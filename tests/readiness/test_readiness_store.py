"""Readiness read from a real store (SQLite, and PostgreSQL when one answers): the figures
match those computed from the states the scheduler gave the reviewed cards."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from prepdeck.errors import Location
from prepdeck.model import Item
from prepdeck.readiness import readiness, readiness_for
from prepdeck.scheduling import Rating, Scheduler
from prepdeck.settings import Settings
from prepdeck.storage import QueueFilter, ReviewInput, TopicCard
from prepdeck.store import SqlStore

NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
INTERVIEW = date(2026, 11, 1)


def _item(n: int, topic: str) -> Item:
    return Item(f"q{n}", topic, f"Question {n}?", f"Answer {n}.", Location("bank.md", n))


def test_readiness_for_reads_studied_cards_and_unseen_items(store: SqlStore) -> None:
    items = [_item(n, "Statistics" if n < 6 else "SQL") for n in range(10)]
    store.sync_bank("bank", "bank.md", items)
    user = store.user_id("local")
    scheduler = Scheduler(Settings(fuzz=False))
    states = []
    for n, view in enumerate(store.new_cards(user, QueueFilter(), 4)):
        when = NOW - timedelta(days=10 - n)
        state = scheduler.review(view.state, Rating.GOOD, when)
        state = scheduler.review(state, Rating.GOOD, when + timedelta(minutes=10))
        store.record_review(user, view, state, ReviewInput(Rating.GOOD, when))
        states.append(TopicCard(view.item.topic, state))
    got = readiness_for(store, scheduler, user, interview_date=INTERVIEW, now=NOW)
    counts = {t: sum(1 for i in items if i.topic == t) for t in ("SQL", "Statistics")}
    unseen = {t: counts[t] - sum(1 for c in states if c.topic == t) for t in counts}
    want = readiness(states, unseen, scheduler, interview_date=INTERVIEW, now=NOW)
    assert [(t.topic, t.items, t.studied) for t in got.topics] == [
        (t.topic, t.items, t.studied) for t in want.topics
    ]
    assert got.overall.items == 10 and got.overall.studied == 4
    assert got.overall.on_date == pytest.approx(want.overall.on_date, abs=1e-9)
    assert 0 < got.overall.on_date < 0.4
