"""count_rating_and_next: the session counts a rating and shows the queue's next card (on
PostgreSQL in one statement), exactly as count_rating after next_card would; and a new
session as start_practice returns it is the stored row."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from prepdeck.scheduling import Rating, Scheduler
from prepdeck.settings import load_settings
from prepdeck.storage import QueueFilter, QueueWindow, ReviewInput
from prepdeck.store import SqlStore
from prepdeck.store.review_write import write_review
from prepdeck.store.tables import practice_states, sessions
from prepdeck.store.web_state import PracticeState, StaleState
from tests.store.conftest import T0

OPEN = QueueWindow(T0, T0 - timedelta(hours=1), T0 + timedelta(hours=23), T0, 200, 20)
#: Nothing left today: no new cards, no reviews, and the learning card not yet due.
SHUT = QueueWindow(T0, T0 - timedelta(hours=1), T0 + timedelta(hours=23), T0, 0, 0)


@pytest.fixture
def rated(store: SqlStore, make_item: Any) -> tuple[SqlStore, PracticeState]:
    """A session that shows item 0, which has just been rated Good (its next step pending)."""
    store.sync_bank("b", "b.md", [make_item(n) for n in range(3)])
    user = store.user_id("ann")
    view = store.all_cards(user, QueueFilter(), 10)[0]
    state = store.show_card(store.start_practice(user, QueueFilter(), None, False), view.item_pk, 3)
    new_state = Scheduler(load_settings(env={}, fuzz=False)).review(view.state, Rating.GOOD, T0)
    with store.engine.begin() as conn:
        write_review(conn, user, view, new_state, ReviewInput(Rating.GOOD, T0))
    return store, state


def _stored(store: SqlStore, state: PracticeState) -> PracticeState:
    found = store.practice_state(state.user, state.sid)
    assert found is not None
    return found


def test_the_next_card_is_next_cards_and_the_session_shows_it(
    rated: tuple[SqlStore, PracticeState],
) -> None:
    store, state = rated
    expected = store.next_card(state.user, QueueFilter(), OPEN)
    assert expected is not None and expected.item_pk != state.shown_pk
    with store.transaction():
        after, view = store.count_rating_and_next(state, Rating.AGAIN, T0, 2, OPEN)
    assert view == expected  # the same card, read the same way
    assert after == _stored(store, state)  # every field, as the database now holds it
    assert (after.shown_pk, after.remaining, after.finished_at) == (view.item_pk, 2, None)
    assert (after.reviewed, after.again, after.version) == (1, 1, state.version + 1)


def test_with_nothing_left_the_session_ends(rated: tuple[SqlStore, PracticeState]) -> None:
    store, state = rated
    assert store.next_card(state.user, QueueFilter(), SHUT) is None
    with store.transaction():
        after, view = store.count_rating_and_next(state, Rating.GOOD, T0, 2, SHUT)
    assert view is None
    assert after == _stored(store, state)
    assert after.shown_pk is None and after.remaining == 0 and after.finished_at is not None
    with store.engine.connect() as conn:
        ended = conn.execute(select(sessions.c.ended_at).where(sessions.c.id == state.session_id))
        assert ended.scalar() is not None


def test_a_session_that_moved_on_is_stale_and_left_as_it_is(
    rated: tuple[SqlStore, PracticeState],
) -> None:
    store, state = rated
    with store.engine.connect() as conn:
        before = conn.execute(select(practice_states)).all()
    moved_on = PracticeState(**{**state.__dict__, "version": state.version - 1})
    with pytest.raises(StaleState), store.transaction():
        store.count_rating_and_next(moved_on, Rating.GOOD, T0, 2, OPEN)
    with store.engine.connect() as conn:
        assert conn.execute(select(practice_states)).all() == before


@pytest.mark.parametrize("cram", [False, True])
def test_a_new_session_is_what_the_database_holds(store: SqlStore, cram: bool) -> None:
    user = store.user_id("ann")
    flt = QueueFilter(topics=("Statistics",), difficulties=("hard",))
    state = store.start_practice(user, flt, 7, cram)
    assert state == _stored(store, state)  # built from what was written, not read back
    assert (state.limit, state.cram, state.version, state.reviewed) == (7, cram, 1, 0)
