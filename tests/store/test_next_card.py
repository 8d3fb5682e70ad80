"""The next card (the web's every step, one look-up) is the first of the whole queue.

Cards are rated at random moments with random ratings, so the queue mixes reviews due
earlier, learning cards due by now, learning cards due soon and new cards; after each rating
the card of ``session_queue(peek=True)`` (``Store.next_card``) must be the first of the full
queue, at several moments, with and without a filter and with daily limits that run out.
Both on SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import create_engine

from prepdeck.practice import session_queue
from prepdeck.scheduling import CardPhase, CardState, Rating, Scheduler
from prepdeck.settings import Settings
from prepdeck.storage import QueueFilter, ReviewInput
from prepdeck.store import SqlStore
from prepdeck.store.queue import next_card_query
from tests.store.conftest import T0, _item


@pytest.mark.parametrize(
    ("new_per_day", "reviews_per_day", "topics"),
    [(1000, 1000, ()), (12, 9, ()), (1000, 1000, ("Databases",))],
)
def test_next_card_is_the_first_of_the_whole_queue(
    store: SqlStore, new_per_day: int, reviews_per_day: int, topics: tuple[str, ...]
) -> None:
    settings = Settings(new_per_day=new_per_day, reviews_per_day=reviews_per_day, fuzz=False)
    scheduler = Scheduler(settings)
    user = store.user_id("peek")
    topic_of = ("Statistics", "Databases")
    store.sync_bank("bank", "bank", [_item(n, topic_of[n % 2]) for n in range(120)])
    flt = QueueFilter(topics=topics)
    chooser = random.Random(7)
    now = T0
    kinds: set[str] = set()
    for _ in range(150):
        full = session_queue(store, settings, user, flt, now=now)
        peek = session_queue(store, settings, user, flt, now=now, peek=True)
        assert [c.item_pk for c in peek] == [c.item_pk for c in full[:1]]
        if full:
            first = full[0].state
            ready = first.due is None or first.due <= now
            kinds.add(f"{first.phase.name} {'ready' if ready else 'ahead'}")
        card = chooser.choice(full[:5]) if full else None
        if card is None:
            now += timedelta(days=1)
            continue
        rating = chooser.choice(list(Rating))
        state = scheduler.review(card.state, rating, now)
        store.record_review(user, card, state, ReviewInput(rating, now))
        now += timedelta(minutes=chooser.choice((0.5, 1, 2, 5, 11, 30, 600, 3000)))
    # the first card was of every kind met by chance: new, review, learning ready
    assert {"NEW ready", "REVIEW ready", "LEARNING ready"} <= kinds


def test_a_review_due_later_today_comes_before_learning_cards_not_ready(store: SqlStore) -> None:
    """Many learning cards, none ready yet, and one review due in an hour: the review is
    first (today's reviews come before learning cards still waiting)."""
    settings = Settings(new_per_day=1000, reviews_per_day=1000, fuzz=False)
    user = store.user_id("peek")
    store.sync_bank("bank", "bank", [_item(n) for n in range(30)])
    views = session_queue(store, settings, user, QueueFilter(), now=T0)
    learning = CardState(CardPhase.LEARNING, 0, 1.0, 5.0, T0 + timedelta(minutes=10), T0, 1, 0)
    for view in views[:11]:
        store.record_review(user, view, learning, ReviewInput(Rating.AGAIN, T0))
    review = CardState(CardPhase.REVIEW, None, 3.0, 5.0, T0 + timedelta(hours=1), T0, 3, 0)
    target = views[11]
    store.record_review(user, target, review, ReviewInput(Rating.GOOD, T0))
    full = session_queue(store, settings, user, QueueFilter(), now=T0)
    peek = session_queue(store, settings, user, QueueFilter(), now=T0, peek=True)
    assert full[0].item_pk == target.item_pk
    assert [c.item_pk for c in peek] == [target.item_pk]


def test_learning_cards_due_soon_come_last_and_earliest_first(store: SqlStore) -> None:
    """No new cards left today and no review due: the learning card due soonest is next,
    one due beyond the learn-ahead window (20 minutes) is not shown, and a new card comes
    before both when one is left."""
    user = store.user_id("peek")
    store.sync_bank("bank", "bank", [_item(n) for n in range(5)])
    views = session_queue(store, Settings(fuzz=False), user, QueueFilter(), now=T0)
    for view, minutes in zip(views[:3], (15, 5, 40), strict=True):
        due = T0 + timedelta(minutes=minutes)
        state = CardState(CardPhase.LEARNING, 0, 1.0, 5.0, due, T0, 1, 0)
        store.record_review(user, view, state, ReviewInput(Rating.AGAIN, T0))
    no_new = Settings(new_per_day=3, fuzz=False)  # the three rated were today's new cards
    full = session_queue(store, no_new, user, QueueFilter(), now=T0)
    peek = session_queue(store, no_new, user, QueueFilter(), now=T0, peek=True)
    assert [c.item_pk for c in full] == [views[1].item_pk, views[0].item_pk]
    assert [c.item_pk for c in peek] == [views[1].item_pk]
    one_more = Settings(new_per_day=4, fuzz=False)
    peek = session_queue(store, one_more, user, QueueFilter(), now=T0, peek=True)
    assert [c.item_pk for c in peek] == [views[3].item_pk]


def test_the_next_card_statement_stays_short_and_renders_once() -> None:
    """psycopg keeps its parse of a statement only up to 4 KiB (``MAX_CACHED_STATEMENT_LENGTH``
    in psycopg/_queries.py) and parses a longer one again on every run; an IN list bound as a
    list makes SQLAlchemy render the statement again on every run. The next card is looked up
    on every practice step, so neither may happen to it (the old statement was 8 KiB, with one)."""
    dialect = create_engine("postgresql+psycopg://").dialect  # compiles only: no connection
    for flt in (QueueFilter(), QueueFilter(topics=("Statistics", "Databases"), banks=("bank",))):
        sql = str(next_card_query(flt).compile(dialect=dialect))
        assert len(sql.encode()) <= 4096, len(sql)
    assert "POSTCOMPILE" not in str(next_card_query(QueueFilter()).compile(dialect=dialect))
