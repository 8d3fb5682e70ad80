"""Writing a rating (store/review_write.py): the card, the review and the request key, on
SQLite (one statement each) and PostgreSQL (one statement in all), with the same outcomes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, func, select

from prepdeck.scheduling import CardPhase, Rating, Scheduler
from prepdeck.settings import load_settings
from prepdeck.storage import CardView, ConcurrentUpdate, QueueFilter, ReviewInput
from prepdeck.store import SqlStore
from prepdeck.store.review_write import DuplicateRequest, RequestKey, write_review
from prepdeck.store.tables import cards, rate_requests, reviews
from tests.store.conftest import T0


@pytest.fixture
def loaded(store: SqlStore, make_item: Any) -> SqlStore:
    store.sync_bank("b", "b.md", [make_item(n) for n in range(3)])
    return store


def _view(store: SqlStore, user: int, n: int = 0) -> CardView:
    return store.all_cards(user, QueueFilter(), 10)[n]


def _rate(
    store: SqlStore,
    view: CardView,
    rating: Rating = Rating.GOOD,
    key: RequestKey | None = None,
    cram: bool = False,
) -> int:
    scheduler = Scheduler(load_settings(env={}, fuzz=False))
    new_state = None if cram else scheduler.review(view.state, rating, T0)
    user = store.user_id("ann")
    with store.engine.begin() as conn:
        return write_review(conn, user, view, new_state, ReviewInput(rating, T0), key)


def _count(store: SqlStore, table: Any) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _key(store: SqlStore, key: str) -> RequestKey:
    state = store.start_practice(store.user_id("ann"), QueueFilter(), None, False)
    return RequestKey(key, state.sid)


def test_a_new_card_is_created_logged_and_its_key_kept(loaded: SqlStore) -> None:
    user = loaded.user_id("ann")
    review_id = _rate(loaded, _view(loaded, user), key=_key(loaded, "k1"))
    card = _view(loaded, user)
    assert card.card_id is not None and card.version == 1
    assert card.state.phase is CardPhase.LEARNING
    with loaded.engine.connect() as conn:
        logged = conn.execute(select(reviews).where(reviews.c.id == review_id)).one()
        kept = conn.execute(select(rate_requests.c.review_id)).scalar_one()
    assert (logged.card_id, logged.kind, logged.was_new, logged.rating) == (
        card.card_id,
        "review",
        True,
        int(Rating.GOOD),
    )
    assert logged.item_version_id is not None
    assert kept == review_id


def test_a_known_card_moves_on_and_its_version_goes_up(loaded: SqlStore) -> None:
    user = loaded.user_id("ann")
    _rate(loaded, _view(loaded, user))
    before = _view(loaded, user)
    _rate(loaded, before, Rating.EASY)
    after = _view(loaded, user)
    assert after.version == before.version + 1
    assert after.state.reps == before.state.reps + 1
    assert _count(loaded, reviews) == 2


def test_a_used_request_key_is_refused_and_nothing_is_written(loaded: SqlStore) -> None:
    user = loaded.user_id("ann")
    key = _key(loaded, "again")
    _rate(loaded, _view(loaded, user, 0), key=key)
    other = _view(loaded, user, 1)
    with pytest.raises(DuplicateRequest):
        _rate(loaded, other, key=key)
    assert _count(loaded, reviews) == 1 and _count(loaded, rate_requests) == 1
    assert _view(loaded, user, 1).card_id is None  # the card it would have created is gone


def test_a_stale_card_is_a_concurrent_update_and_nothing_is_written(loaded: SqlStore) -> None:
    user = loaded.user_id("ann")
    _rate(loaded, _view(loaded, user))
    stale = _view(loaded, user)
    _rate(loaded, stale)  # another tab rated it first
    with pytest.raises(ConcurrentUpdate):
        _rate(loaded, stale, key=_key(loaded, "late"))
    assert _count(loaded, reviews) == 2 and _count(loaded, rate_requests) == 0


def test_a_card_created_meanwhile_is_a_concurrent_update(loaded: SqlStore) -> None:
    user = loaded.user_id("ann")
    new = _view(loaded, user)
    _rate(loaded, new)
    with pytest.raises(ConcurrentUpdate):
        _rate(loaded, new)  # still seen as new: another session created the card
    assert _count(loaded, cards) == 1 and _count(loaded, reviews) == 1


def test_cram_logs_without_moving_the_card(loaded: SqlStore) -> None:
    user = loaded.user_id("ann")
    _rate(loaded, _view(loaded, user))
    before = _view(loaded, user)
    review_id = _rate(loaded, before, Rating.AGAIN, cram=True)
    assert _view(loaded, user) == before
    with loaded.engine.connect() as conn:
        kind = conn.execute(select(reviews.c.kind).where(reviews.c.id == review_id)).scalar()
    assert kind == "cram"


def test_a_suspended_card_stays_suspended_when_rated(loaded: SqlStore) -> None:
    user = loaded.user_id("ann")
    _rate(loaded, _view(loaded, user))
    with loaded.engine.begin() as conn:
        conn.execute(cards.update().values(suspended=True))
    with loaded.engine.connect() as conn:
        row = conn.execute(select(cards.c.id, cards.c.version)).one()
    view = _view(loaded, user)
    _rate(loaded, CardView(view.item_pk, view.item, view.bank, view.state, row.id, row.version))
    with loaded.engine.connect() as conn:
        assert conn.execute(select(cards.c.suspended)).scalar() is True


@pytest.mark.parametrize("cram", [False, True])
def test_on_postgresql_a_keyed_rating_is_one_statement(
    pg_url: str, make_item: Any, cram: bool
) -> None:
    store = SqlStore.open(pg_url)
    try:
        store.sync_bank("b", "b.md", [make_item(n) for n in range(3)])
        user = store.user_id("ann")
        _rate(store, _view(store, user))
        view, key = _view(store, user), _key(store, "one")
        statements: list[str] = []

        @event.listens_for(store.engine, "before_cursor_execute")
        def _seen(*args: Any) -> None:
            statements.append(args[2])

        new_state = (
            None if cram else Scheduler(load_settings(env={})).review(view.state, Rating.GOOD, T0)
        )
        with store.engine.begin() as conn:
            write_review(conn, user, view, new_state, ReviewInput(Rating.GOOD, T0), key)
        event.remove(store.engine, "before_cursor_execute", _seen)
        assert len(statements) == 1, statements
        assert _count(store, rate_requests) == 1
    finally:
        store.close()


@pytest.mark.parametrize("shown", [2, None], ids=["next card", "session over"])
def test_the_session_after_a_rating_is_what_the_database_holds(
    loaded: SqlStore, shown: int | None
) -> None:
    user = loaded.user_id("ann")
    views = loaded.all_cards(user, QueueFilter(), 10)
    state = loaded.show_card(
        loaded.start_practice(user, QueueFilter(), None, False), views[0].item_pk, 3
    )
    state = loaded.save_check(state, "typed", 0.5, Rating.HARD)
    with loaded.transaction():
        after = loaded.count_rating(state, Rating.AGAIN, T0, 2, shown and views[1].item_pk)
    stored = loaded.practice_state(user, state.sid)
    assert stored is not None
    assert after == stored  # every field, as the database now holds it
    assert (after.reviewed, after.again, after.version) == (1, 1, state.version + 1)
    assert after.typed is None and after.grade is None
    assert (after.finished_at is None) == (shown is not None)
