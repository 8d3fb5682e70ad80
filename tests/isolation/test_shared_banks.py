"""Published banks, the group's progress per topic, shared answers, deleting an account."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from prepdeck.accounts import AccountError
from prepdeck.model import Item
from prepdeck.scheduling import Rating, Scheduler
from prepdeck.settings import Settings
from prepdeck.shared_banks import BankError, group_progress
from prepdeck.storage import QueueFilter, ReviewInput
from prepdeck.store import SqlStore
from prepdeck.store.engine import StoreError
from prepdeck.store.tables import (
    api_tokens,
    banks,
    cards,
    items,
    metadata,
    mocks,
    reviews,
    sessions,
    users,
)
from tests.store.conftest import T0

MakeItem = Callable[..., Item]
PASSWORD = "correct horse battery"


def _load(store: SqlStore, make_item: MakeItem) -> None:
    store.sync_bank("bundled", "(bundled)", [make_item(1, "Statistics"), make_item(2, "SQL")])
    store.sync_bank("private", "/srv/private.md", [make_item(10, "Secret topic")])


def _banks_seen(store: SqlStore, user: int) -> set[str]:
    return {v.bank for v in store.all_cards(user, QueueFilter(), 100)}


def _review(store: SqlStore, user: int, item_pk: int, rating: Rating, answer: str) -> int:
    scheduler = Scheduler(Settings(fuzz=False))
    view = store.card(user, item_pk)
    state = scheduler.review(view.state, rating, T0)
    session = store.start_session(user, "review", QueueFilter())
    store.record_review(
        user,
        view,
        state,
        ReviewInput(rating, T0, typed_answer=answer, grade=0.5, session_id=session),
    )
    return session


def test_learners_see_published_banks_only(store: SqlStore, make_item: MakeItem) -> None:
    _load(store, make_item)
    learner = store.create_account("lea", PASSWORD)
    admin = store.create_account("ada", PASSWORD, role="admin")
    local = store.user_id("local")
    assert _banks_seen(store, learner) == {"bundled"}
    assert _banks_seen(store, admin) == {"bundled", "private"}
    assert _banks_seen(store, local) == {"bundled", "private"}  # single-user: everything
    secret = next(v for v in store.all_cards(admin, QueueFilter(), 100) if v.bank == "private")
    with pytest.raises(StoreError):
        store.card(learner, secret.item_pk)
    assert [t.topic for t in store.topic_status(learner, T0, T0)] == ["SQL", "Statistics"]
    assert store.find_cards(learner, "q10") == []

    listing = store.set_bank_published("private", True, by=admin)
    assert listing.published and listing.published_by == "ada"
    assert _banks_seen(store, learner) == {"bundled", "private"}
    assert {b.name for b in store.bank_listings(learner)} == {"bundled", "private"}

    store.set_bank_published("private", False)
    assert _banks_seen(store, learner) == {"bundled"}
    assert [b.name for b in store.bank_listings(learner)] == ["bundled"]
    assert [b.name for b in store.bank_listings()] == ["bundled", "private"]


def test_publishing_names_the_bank_when_refused(store: SqlStore, make_item: MakeItem) -> None:
    _load(store, make_item)
    with pytest.raises(BankError, match="bank: no bank named 'nope'"):
        store.set_bank_published("nope", True)
    with pytest.raises(BankError, match="bundled bank is always published"):
        store.set_bank_published("bundled", False)
    assert [b.published for b in store.bank_listings()] == [True, False]


def test_group_progress_is_per_topic_and_weakest_first(
    store: SqlStore, make_item: MakeItem
) -> None:
    _load(store, make_item)
    one = store.create_account("one", PASSWORD)
    two = store.create_account("two", PASSWORD)
    store.create_account("ada", PASSWORD, role="admin")
    stats_pk, sql_pk = (
        v.item_pk for v in store.all_cards(one, QueueFilter(banks=("bundled",)), 10)
    )
    _review(store, one, stats_pk, Rating.GOOD, "one's typed answer")
    _review(store, two, stats_pk, Rating.EASY, "two's typed answer")
    _review(store, two, sql_pk, Rating.AGAIN, "two on sql")
    snapshot = store.group_snapshot()
    rows = group_progress(snapshot, Scheduler(Settings(fuzz=False)), T0 + timedelta(hours=1))
    by_topic = {(r.bank, r.topic): r for r in rows}
    stats, sql = by_topic[("bundled", "Statistics")], by_topic[("bundled", "SQL")]
    assert (stats.learners, stats.reviews, stats.items) == (2, 2, 1)
    assert (sql.learners, sql.reviews) == (1, 1)
    # both started the bank: SQL's mean counts 'one' (never saw it) as 0
    assert sql.expected_recall is not None and stats.expected_recall is not None
    assert sql.expected_recall < stats.expected_recall
    assert by_topic[("private", "Secret topic")].expected_recall is None
    assert rows[0].topic == "SQL"
    assert "answer" not in str(rows[0].to_dict())


def test_typed_answers_shared_only_by_choice(store: SqlStore, make_item: MakeItem) -> None:
    _load(store, make_item)
    one = store.create_account("one", PASSWORD)
    two = store.create_account("two", PASSWORD)
    pk = store.all_cards(one, QueueFilter(), 1)[0].item_pk
    _review(store, one, pk, Rating.GOOD, "one's typed answer")
    _review(store, two, pk, Rating.GOOD, "two's typed answer")
    assert not store.shares_answers(one)
    assert store.shared_answers() == []
    store.set_share_answers(two, True)
    shared = store.shared_answers()
    assert [(a.learner, a.answer, a.source) for a in shared] == [
        ("two", "two's typed answer", "practice")
    ]


def _count(store: SqlStore, table: object, where: object) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(where)).scalar_one())  # type: ignore[arg-type]


def test_delete_account_removes_only_its_own(store: SqlStore, make_item: MakeItem) -> None:
    _load(store, make_item)
    admin = store.create_account("ada", PASSWORD, role="admin")
    gone = store.create_account("gone", PASSWORD)
    stays = store.create_account("stays", PASSWORD)
    store.set_bank_published("private", True, by=admin)
    pk = store.all_cards(gone, QueueFilter(), 1)[0].item_pk
    for user in (gone, stays):
        _review(store, user, pk, Rating.GOOD, "typed")
        store.create_api_token(user, "laptop")
    # an undo row points at the row it undoes: deleting the log must not trip on it
    assert store.undo_last(gone, _review(store, gone, pk, Rating.AGAIN, "again")) is not None
    assert _count(store, reviews, reviews.c.undoes_id.is_not(None)) == 1
    store.delete_account(gone)
    assert store.account(gone) is None
    # every table that names a user, including ones added after this test was written
    owned = [t for t in metadata.tables.values() if "user_id" in t.c]
    assert {cards, reviews, sessions, api_tokens, mocks} <= set(owned)
    for table in owned:
        assert _count(store, table, table.c.user_id == gone) == 0, table.name
    for table in (cards, reviews, sessions, api_tokens):
        assert _count(store, table, table.c.user_id == stays) >= 1, table.name
    assert _count(store, banks, banks.c.name == "private") == 1
    assert _count(store, items, items.c.active.is_(True)) == 3
    assert _count(store, users, users.c.id == stays) == 1
    with pytest.raises(AccountError, match="only admin"):
        store.delete_account(admin)
    assert store.account(admin) is not None
