"""Cards already due after the interview are pulled into its last days once the option is on."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from prepdeck.errors import Location
from prepdeck.model import Item
from prepdeck.scheduling import Rating, Scheduler, study_day_start
from prepdeck.settings import Settings
from prepdeck.storage import QueueFilter, ReviewInput
from prepdeck.store import SqlStore
from prepdeck.toward_date import pull_toward_date

NOW = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
INTERVIEW = date(2026, 11, 10)


def test_pull_moves_every_card_due_after_the_interview_into_its_last_days(
    store: SqlStore,
) -> None:
    items = [
        Item(f"q{n}", "Statistics", f"Q {n}?", f"A {n}.", Location("b.md", n)) for n in range(40)
    ]
    store.sync_bank("bank", "b.md", items)
    user = store.user_id("local")
    plain = Scheduler(Settings(fuzz=False, interview_date=INTERVIEW))
    for n, view in enumerate(store.new_cards(user, QueueFilter(), 40)):
        when = NOW - timedelta(days=30, minutes=n)
        state = plain.review(view.state, Rating.EASY, when)
        state = plain.review(state, Rating.EASY, state.due)
        store.record_review(user, view, state, ReviewInput(Rating.GOOD, when))
    settings = Settings(fuzz=False, interview_date=INTERVIEW, schedule_toward_date=True)
    deadline = study_day_start(INTERVIEW, settings)
    after = store.cards_due_after(user, deadline)
    assert len(after) >= 30  # most cards would not be seen before the interview

    toward = Scheduler(settings)
    assert pull_toward_date(store, plain, user, NOW) == 0  # option off: nothing moves
    moved = pull_toward_date(store, toward, user, NOW)
    assert moved == len(after)
    assert store.cards_due_after(user, deadline) == []
    window = deadline - timedelta(days=settings.toward_date_days)
    dues = [c.state.due for c in store.cards_due_after(user, window)]
    assert len(dues) >= moved and all(d is not None and d <= deadline for d in dues)
    days = {(deadline - d).days for d in dues if d is not None}
    assert len(days) >= 3  # spread over the window, not piled on one day
    assert pull_toward_date(store, toward, user, NOW) == 0  # idempotent


def test_a_card_reviewed_meanwhile_keeps_its_new_schedule(store: SqlStore) -> None:
    store.sync_bank("bank", "b.md", [Item("q1", "SQL", "Q?", "A.", Location("b.md", 1))])
    user = store.user_id("local")
    plain = Scheduler(Settings(fuzz=False))
    view = store.new_cards(user, QueueFilter(), 1)[0]
    state = plain.review(view.state, Rating.EASY, NOW - timedelta(days=1))
    store.record_review(user, view, state, ReviewInput(Rating.EASY, NOW - timedelta(days=1)))
    settings = Settings(fuzz=False, interview_date=date(2026, 10, 22), schedule_toward_date=True)
    deadline = study_day_start(settings.interview_date, settings)  # type: ignore[arg-type]
    [card] = store.cards_due_after(user, deadline)
    stale = replace(card, version=card.version - 1)
    assert store.move_due_dates(user, [(stale, deadline)]) == 0
    assert store.move_due_dates(user, [(card, deadline)]) == 1
    assert store.card(user, view.item_pk).state.due == deadline
