"""Multiple-choice practice without a session: the draw, and answers recorded like reviews."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from prepdeck.choice_practice import StaleCard, keys_from, next_choice, queue, record
from prepdeck.choices import judge, proposed_rating
from prepdeck.scheduling import CardPhase, Rating
from prepdeck.settings import load_settings
from prepdeck.storage import QueueFilter
from prepdeck.store import SqlStore
from tests.choices.helpers import SCHEDULER
from tests.store.conftest import T0

SETTINGS = load_settings(env={}, fuzz=False, new_per_day=3)
ANSWERS = [
    "Bias is the error from wrong assumptions built into the model.",
    "Variance is the error from sensitivity to the particular training sample.",
    "Regularisation adds a penalty on the size of the weights to the loss.",
    "Cross-validation rotates the held-out fold to estimate generalisation error.",
    "Bagging averages models trained on bootstrap samples to cut variance.",
    "Boosting fits each new model to the errors left by the previous ones.",
]


@pytest.fixture
def loaded(store: SqlStore, make_item: Any) -> SqlStore:
    store.sync_bank("b", "b.md", [make_item(n, answer=a) for n, a in enumerate(ANSWERS)])
    return store


def test_draw_follows_the_queue_and_daily_limits(loaded: SqlStore) -> None:
    user = loaded.user_id("ann")
    cards = queue(loaded, SETTINGS, user, QueueFilter(), T0)
    assert [c.item.id for c in cards] == ["q0", "q1", "q2"]  # new_per_day = 3
    shown = next_choice(loaded, SETTINGS, user, QueueFilter(), n=4, now=T0)
    assert shown is not None and shown.card.item.id == "q0" and len(shown.options) == 4
    skipped = next_choice(
        loaded, SETTINGS, user, QueueFilter(), n=4, skip=shown.card.item_pk, now=T0
    )
    assert skipped is not None and skipped.card.item.id == "q1"
    only = QueueFilter(tags=("beta",))  # q0, q2, q4
    filtered = next_choice(loaded, SETTINGS, user, only, n=3, now=T0)
    assert filtered is not None and filtered.card.item.id == "q0" and len(filtered.options) == 3


def test_answer_is_recorded_through_the_scheduler(loaded: SqlStore) -> None:
    user = loaded.user_id("ann")
    shown = next_choice(loaded, SETTINGS, user, QueueFilter(), n=4, now=T0)
    assert shown is not None
    wrong = next(o.key for o in shown.options if not o.correct)
    pool = loaded.all_cards(user, QueueFilter(), 100)
    judged = judge(shown.card, pool, keys_from(",".join(shown.keys)), wrong)
    proposed = proposed_rating(judged.correct, 4000, judged.words)
    assert proposed is Rating.AGAIN
    saved = record(
        loaded, SCHEDULER, user, judged, proposed, proposed,
        seen_version=shown.card.version, duration_ms=4000, now=T0,
    )  # fmt: skip
    assert saved.state.phase is CardPhase.LEARNING
    (log,) = list(loaded.review_log(user))
    assert (log.rating, log.grade, log.proposed_rating, log.duration_ms, log.typed_answer) == (
        1, 0.0, 1, 4000, None,
    )  # fmt: skip
    # The same form sent again (a reload, a second tab) saves nothing.
    with pytest.raises(StaleCard):
        record(
            loaded, SCHEDULER, user, judged, Rating.GOOD, proposed,
            seen_version=shown.card.version, duration_ms=4000, now=T0,
        )  # fmt: skip
    assert len(list(loaded.review_log(user))) == 1
    # The failed card waits while others are new, and comes back when it is due.
    later = next_choice(loaded, SETTINGS, user, QueueFilter(), n=4, skip=shown.card.item_pk, now=T0)
    assert later is not None and later.card.item.id == "q1"
    due = next_choice(loaded, SETTINGS, user, QueueFilter(), n=4, now=T0 + timedelta(minutes=2))
    assert due is not None and due.card.item.id == "q0"
    # A right answer: grade 1.0, the rating the user chose next to the proposal.
    card = loaded.card(user, shown.card.item_pk)
    right = judge(card, pool, due.keys, next(o.key for o in due.options if o.correct))
    record(
        loaded, SCHEDULER, user, right, Rating.GOOD, Rating.EASY,
        seen_version=card.version, duration_ms=2000, now=T0 + timedelta(minutes=2),
    )  # fmt: skip
    last = list(loaded.review_log(user))[-1]
    assert (last.rating, last.grade, last.proposed_rating) == (3, 1.0, 4)


def test_nothing_left_is_none(loaded: SqlStore) -> None:
    settings = load_settings(env={}, fuzz=False, new_per_day=0)
    assert next_choice(loaded, settings, loaded.user_id("ann"), QueueFilter(), n=4, now=T0) is None


def test_keys_from_form_fields() -> None:
    assert keys_from("a, b,,c") == ["a", "b", "c"]
    assert keys_from(["a", "b,c"]) == ["a", "b", "c"]
