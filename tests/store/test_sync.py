from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select

from prepdeck.scheduling import Rating
from prepdeck.storage import QueueFilter, ReviewInput
from prepdeck.store import SqlStore, StoreError
from prepdeck.store.tables import item_versions, items, reviews
from tests.store.conftest import T0


def _count(store: SqlStore, query: Any) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def test_sync_is_idempotent(store: SqlStore, make_item: Any) -> None:
    bank = [make_item(n) for n in range(10)]
    first = store.sync_bank("b", "b.md", bank)
    again = store.sync_bank("b", "b.md", bank)
    assert (first.added, first.updated) == (10, 0)
    assert (again.added, again.updated, again.unchanged, again.retired) == (0, 0, 10, 0)
    assert _count(store, select(func.count()).select_from(items)) == 10
    assert _count(store, select(func.count()).select_from(item_versions)) == 10


def test_edit_keeps_card_and_history_and_versions(store: SqlStore, make_item: Any) -> None:
    user = store.user_id("ann")
    store.sync_bank("b", "b.md", [make_item(1)])
    view = store.new_cards(user, QueueFilter(), 5)[0]
    store.record_review(user, view, replace(view.state, reps=1), ReviewInput(Rating.GOOD, T0))
    edited = make_item(1, answer="A corrected answer.")
    result = store.sync_bank("b", "b.md", [edited])
    assert result.updated == 1
    card = store.card(user, view.item_pk)
    assert card.card_id is not None and card.item.answer == "A corrected answer."
    assert card.state.reps == 1
    assert _count(store, select(func.count()).select_from(item_versions)) == 2
    assert len(list(store.review_log(user))) == 1


def test_removed_item_leaves_queue_but_keeps_history(store: SqlStore, make_item: Any) -> None:
    user = store.user_id("ann")
    store.sync_bank("b", "b.md", [make_item(1), make_item(2)])
    view = next(v for v in store.new_cards(user, QueueFilter(), 5) if v.item.id == "q1")
    store.record_review(user, view, replace(view.state, reps=1), ReviewInput(Rating.GOOD, T0))
    result = store.sync_bank("b", "b.md", [make_item(2)])
    assert result.retired == 1
    assert [v.item.id for v in store.new_cards(user, QueueFilter(), 5)] == ["q2"]
    assert [r.item_key for r in store.review_log(user)] == ["q1"]
    back = store.sync_bank("b", "b.md", [make_item(1), make_item(2)])
    assert back.updated == 1 and store.card(user, view.item_pk).state.reps == 1


def test_failed_import_changes_nothing(store: SqlStore, make_item: Any) -> None:
    store.sync_bank("b", "b.md", [make_item(1)])
    broken = [make_item(2), make_item(3, question=None)]  # NULL question violates the schema
    with pytest.raises((StoreError, Exception)):
        store.sync_bank("b", "b.md", broken)
    assert _count(store, select(func.count()).select_from(items)) == 1
    assert store.sync_bank("b", "b.md", [make_item(1)]).unchanged == 1


def test_duplicate_ids_in_one_bank_load_once(store: SqlStore, make_item: Any) -> None:
    result = store.sync_bank("b", "b.md", [make_item(1), make_item(1, question="Other?")])
    assert result.added == 1 and result.skipped_duplicates == ("q1",)


def test_filters(store: SqlStore, make_item: Any) -> None:
    user = store.user_id("ann")
    store.sync_bank(
        "b", "b.md", [make_item(n, topic="Statistics" if n < 4 else "SQL") for n in range(8)]
    )

    def ids(flt: QueueFilter) -> list[str]:
        return sorted(v.item.id for v in store.new_cards(user, flt, 50))

    assert ids(QueueFilter(topics=("sql",))) == ["q4", "q5", "q6", "q7"]
    assert ids(QueueFilter(tags=("ALPHA",))) == ["q1", "q3", "q5", "q7"]
    assert ids(QueueFilter(difficulties=("easy",))) == ["q0", "q3", "q6"]
    assert ids(QueueFilter(banks=("other",))) == []
    assert _count(store, select(func.count()).select_from(reviews)) == 0
