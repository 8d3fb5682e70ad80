"""Peeking at a session's next card (the web's every step) agrees with the whole queue's first.

Cards are rated at random moments with random ratings, so the queue mixes reviews due earlier,
learning cards due by now, learning cards due soon and new cards; after each rating the first
card of ``session_queue(peek=True)`` must be the first of the full queue, at several moments.
"""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from prepdeck.practice import PEEK_DUE, session_queue
from prepdeck.scheduling import CardPhase, CardState, Rating, Scheduler
from prepdeck.settings import Settings
from prepdeck.storage import QueueFilter, ReviewInput
from prepdeck.store import SqlStore
from tests.store.conftest import T0, _item


def test_peek_finds_the_first_card_of_the_whole_queue(tmp_path: Path) -> None:
    store = SqlStore.open(f"sqlite:///{tmp_path / 'peek.sqlite3'}")
    settings = Settings(new_per_day=1000, reviews_per_day=1000, fuzz=False)
    scheduler = Scheduler(settings)
    user = store.user_id("peek")
    store.sync_bank("bank", "bank", [_item(n) for n in range(150)])
    chooser = random.Random(7)
    now = T0
    checked = 0
    for _ in range(300):
        full = session_queue(store, settings, user, QueueFilter(), now=now)
        peek = session_queue(store, settings, user, QueueFilter(), now=now, peek=True)
        assert [c.item_pk for c in peek] == [c.item_pk for c in full[:1]]
        checked += (
            len(store.due_cards(user, now + timedelta(days=1), QueueFilter(), 999)) > PEEK_DUE
        )
        card = chooser.choice(full[:5]) if full else None
        if card is None:
            break
        rating = chooser.choice(list(Rating))
        state = scheduler.review(card.state, rating, now)
        store.record_review(user, card, state, ReviewInput(rating, now))
        now += timedelta(minutes=chooser.choice((0.5, 1, 2, 5, 11, 30, 600, 3000)))
    store.close()
    assert checked > 80  # many steps had more due cards than a peek reads at first


def test_a_review_due_later_today_comes_before_learning_cards_not_ready(tmp_path: Path) -> None:
    """More learning cards than a peek reads, none ready yet, and one review due in an hour:
    the review is first (today's reviews come before learning cards still waiting), and the
    peek finds it with a reviews-only look beyond the cards it read."""
    store = SqlStore.open(f"sqlite:///{tmp_path / 'peek.sqlite3'}")
    settings = Settings(new_per_day=1000, reviews_per_day=1000, fuzz=False)
    user = store.user_id("peek")
    store.sync_bank("bank", "bank", [_item(n) for n in range(30)])
    views = session_queue(store, settings, user, QueueFilter(), now=T0)
    learning = CardState(CardPhase.LEARNING, 0, 1.0, 5.0, T0 + timedelta(minutes=10), T0, 1, 0)
    for view in views[: PEEK_DUE + 3]:
        store.record_review(user, view, learning, ReviewInput(Rating.AGAIN, T0))
    review = CardState(CardPhase.REVIEW, None, 3.0, 5.0, T0 + timedelta(hours=1), T0, 3, 0)
    target = views[PEEK_DUE + 3]
    store.record_review(user, target, review, ReviewInput(Rating.GOOD, T0))
    full = session_queue(store, settings, user, QueueFilter(), now=T0)
    peek = session_queue(store, settings, user, QueueFilter(), now=T0, peek=True)
    store.close()
    assert full[0].item_pk == target.item_pk
    assert [c.item_pk for c in peek] == [target.item_pk]
