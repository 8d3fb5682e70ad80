"""Scheduler.preview: the interval each rating would give is the one reviewing with it gives."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from prepdeck.scheduling import NEW_CARD, CardState, Rating, Scheduler
from prepdeck.settings import Settings

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _states(scheduler: Scheduler) -> list[CardState]:
    """A new card, then the card after Again, Good, Good, Easy, Again... over the weeks."""
    states = [NEW_CARD]
    moment = NOW
    for rating in (Rating.AGAIN, Rating.GOOD, Rating.GOOD, Rating.EASY, Rating.AGAIN, Rating.HARD):
        states.append(scheduler.review(states[-1], rating, moment))
        moment = max(moment + timedelta(minutes=5), states[-1].due or moment)
    return states


@pytest.mark.parametrize(
    "settings",
    [
        Settings(fuzz=False),
        # toward an interview date: long intervals are pulled into the days before it
        Settings(fuzz=False, schedule_toward_date=True, interview_date=date(2026, 12, 5)),
    ],
    ids=["as usual", "toward a date"],
)
def test_each_rating_previews_the_interval_reviewing_with_it_gives(settings: Settings) -> None:
    scheduler = Scheduler(settings)
    states = _states(scheduler)
    assert len({s.phase for s in states}) >= 3  # new, learning, review and relearning met
    for state in states:
        moment = NOW + timedelta(days=3)
        preview = scheduler.preview(state, moment)
        for rating in Rating:
            due = scheduler.review(state, rating, moment).due
            assert due is not None
            assert preview[rating] == due - moment, (state, rating)
