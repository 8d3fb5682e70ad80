from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from prepdeck.practice import PracticeSession
from prepdeck.scheduling import CardPhase, Rating, Scheduler
from prepdeck.settings import load_settings
from prepdeck.storage import QueueFilter
from prepdeck.store import SqlStore
from tests.store.conftest import T0


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _session(store: SqlStore, clock: Clock, **kwargs: Any) -> PracticeSession:
    settings = load_settings(env={}, fuzz=False, new_per_day=kwargs.pop("new_per_day", 5))
    user = store.user_id("ann")
    return PracticeSession(store, Scheduler(settings), settings, user, clock=clock, **kwargs)


@pytest.fixture
def loaded(store: SqlStore, make_item: Any) -> SqlStore:
    store.sync_bank("b", "b.md", [make_item(n) for n in range(12)])
    return store


def test_new_card_limit_and_order(loaded: SqlStore) -> None:
    session = _session(loaded, Clock(T0))
    assert [v.item.id for v in session.queue] == ["q0", "q1", "q2", "q3", "q4"]


def test_rating_commits_and_learning_card_returns(loaded: SqlStore) -> None:
    clock = Clock(T0)
    session = _session(loaded, clock)
    first = session.next()
    assert first is not None and first.state.phase is CardPhase.NEW
    result = session.rate(first, Rating.AGAIN, duration_ms=1500, typed_answer="no idea")
    assert result.state is not None and result.state.phase is CardPhase.LEARNING
    assert result.interval == timedelta(minutes=1)
    assert session.queue[-1].item_pk == first.item_pk  # back later in this session
    (log,) = list(loaded.review_log(session.user))
    assert (log.rating, log.typed_answer, log.duration_ms, log.was_new) == (
        1,
        "no idea",
        1500,
        True,
    )


def test_daily_new_limit_holds_across_sessions(loaded: SqlStore) -> None:
    clock = Clock(T0)
    session = _session(loaded, clock, new_per_day=3)
    for _ in range(3):
        view = session.next()
        assert view is not None
        session.rate(view, Rating.EASY)
    session.finish()
    again = _session(loaded, clock, new_per_day=3)
    assert again.next() is None
    clock.now = T0 + timedelta(days=1)
    tomorrow = _session(loaded, clock, new_per_day=3)
    assert len([v for v in tomorrow.queue if v.card_id is None]) == 3


def test_review_due_next_day_comes_back(loaded: SqlStore) -> None:
    clock = Clock(T0)
    session = _session(loaded, clock, limit=1)
    view = session.next()
    assert view is not None
    result = session.rate(view, Rating.EASY)
    assert result.state is not None and result.state.phase is CardPhase.REVIEW
    assert result.state.due is not None
    clock.now = result.state.due + timedelta(minutes=1)
    later = _session(loaded, clock, limit=1, new_per_day=0)
    due = later.next()
    assert due is not None and due.item_pk == view.item_pk and due.state.phase is CardPhase.REVIEW


def test_undo_restores_state_and_is_logged(loaded: SqlStore) -> None:
    session = _session(loaded, Clock(T0))
    view = session.next()
    assert view is not None
    session.rate(view, Rating.GOOD)
    restored = session.undo()
    assert restored is not None and restored.item_pk == view.item_pk
    assert restored.state.phase is CardPhase.NEW
    assert session.next() == restored and session.summary.reviewed == 0
    kinds = [r.kind for r in loaded.review_log(session.user)]
    assert kinds == ["review", "undo"]
    assert session.undo() is None  # nothing left to undo
    assert loaded.day_counts(session.user, T0 - timedelta(hours=1)).new_done == 0


def test_cram_does_not_touch_the_schedule(loaded: SqlStore) -> None:
    clock = Clock(T0)
    normal = _session(loaded, clock)
    view = normal.next()
    assert view is not None
    normal.rate(view, Rating.GOOD)
    before = loaded.card(normal.user, view.item_pk).state
    cram = _session(loaded, clock, cram=True, flt=QueueFilter(topics=("Statistics",)))
    assert len(cram.queue) == 12
    target = next(v for v in cram.queue if v.item_pk == view.item_pk)
    cram.rate(target, Rating.AGAIN)
    assert loaded.card(normal.user, view.item_pk).state == before
    assert [r.kind for r in loaded.review_log(normal.user)] == ["review", "cram"]


def test_status_counts(loaded: SqlStore) -> None:
    clock = Clock(T0)
    session = _session(loaded, clock)
    for rating in (Rating.EASY, Rating.AGAIN):
        view = session.next()
        assert view is not None
        session.rate(view, rating)
    (row,) = loaded.topic_status(session.user, T0, T0 + timedelta(days=1))
    assert (row.items, row.new, row.learning, row.learned) == (12, 10, 1, 1)


def test_status_leaves_suspended_cards_out_of_the_counts(loaded: SqlStore) -> None:
    session = _session(loaded, Clock(T0))
    view = session.next()
    assert view is not None
    loaded.set_suspended(session.user, view.item_pk, True)
    (row,) = loaded.topic_status(session.user, T0, T0 + timedelta(days=1))
    assert (row.items, row.new, row.learning, row.due) == (12, 11, 0, 0)
