"""Fitting parameters on a simulated learner's log lowers the log loss."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from prepdeck.optimize import NotEnoughReviews, fit_parameters
from prepdeck.scheduling import Rating, Scheduler
from prepdeck.settings import load_settings
from prepdeck.storage import QueueFilter, ReviewInput
from prepdeck.store import SqlStore
from tests.store.conftest import T0


def _simulate(store: SqlStore, user: int, days: int, rng: random.Random) -> None:
    # A learner who forgets faster than FSRS's defaults assume: the fit should notice.
    scheduler = Scheduler(load_settings(env={}, fuzz=False))
    for view in store.new_cards(user, QueueFilter(), 1000):
        state, card = view.state, view
        moment = T0 + timedelta(hours=rng.randrange(0, 48))
        while moment < T0 + timedelta(days=days):
            recall = scheduler.retrievability(state, moment) ** 2 if state.reps else 0.6
            rating = Rating.GOOD if rng.random() < recall else Rating.AGAIN
            new = scheduler.review(state, rating, moment)
            store.record_review(user, card, new, ReviewInput(rating, moment))
            card = store.card(user, view.item_pk)
            state = new
            assert new.due is not None
            moment = max(new.due, moment + timedelta(hours=6))


def test_fit_lowers_log_loss(tmp_path: Any, make_item: Any) -> None:
    store = SqlStore.open(f"sqlite:///{tmp_path / 'opt.sqlite3'}")
    store.sync_bank("b", "b.md", [make_item(n) for n in range(120)])
    user = store.user_id("ann")
    with pytest.raises(NotEnoughReviews):
        fit_parameters(store.review_log(user))
    _simulate(store, user, 120, random.Random(7))
    result = fit_parameters(store.review_log(user))
    assert result.reviews >= 400
    assert len(result.parameters) == 21
    assert result.log_loss_after < result.log_loss_before
    store.set_parameters(user, result.parameters)
    assert store.parameters(user) == pytest.approx(result.parameters)
    store.close()


def test_undone_and_cram_ratings_are_left_out(tmp_path: Any, make_item: Any) -> None:
    from prepdeck.optimize import histories

    store = SqlStore.open(f"sqlite:///{tmp_path / 'opt.sqlite3'}")
    store.sync_bank("b", "b.md", [make_item(1)])
    user = store.user_id("ann")
    session = store.start_session(user, "review", QueueFilter())
    view = store.new_cards(user, QueueFilter(), 1)[0]
    scheduler = Scheduler(load_settings(env={}, fuzz=False))
    for day, rating in enumerate((Rating.GOOD, Rating.GOOD, Rating.AGAIN)):
        moment = T0 + timedelta(days=3 * day)
        new = scheduler.review(view.state, rating, moment)
        store.record_review(user, view, new, ReviewInput(rating, moment, session_id=session))
        view = replace(store.card(user, view.item_pk))
    store.undo_last(user, session)
    assert histories(store.review_log(user)) == [[(3, 0), (3, 3)]]
    store.close()
