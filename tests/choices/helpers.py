"""Drive cards through the real scheduler and store: learn them, make them lapse."""

from __future__ import annotations

from datetime import datetime, timedelta

from prepdeck.scheduling import CardPhase, Rating, Scheduler
from prepdeck.settings import Settings
from prepdeck.storage import CardView, ReviewInput, Store

SCHEDULER = Scheduler(Settings(fuzz=False))


def rate(store: Store, user: int, item_pk: int, rating: Rating, when: datetime) -> CardView:
    view = store.card(user, item_pk)
    state = SCHEDULER.review(view.state, rating, when)
    store.record_review(user, view, state, ReviewInput(rating, when))
    return store.card(user, item_pk)


def lapse(store: Store, user: int, item_pk: int, times: int, start: datetime) -> datetime:
    """Learn the card, then forget it ``times`` times; the moment after the last rating."""
    when = start
    for _ in range(times):
        view = store.card(user, item_pk)
        while view.state.phase is not CardPhase.REVIEW:
            view = rate(store, user, item_pk, Rating.EASY, when)
            when += timedelta(minutes=30)
        when = (view.state.due or when) + timedelta(hours=1)
        rate(store, user, item_pk, Rating.AGAIN, when)
        when += timedelta(minutes=30)
    return when
