"""Scheduling toward the interview date: no due date is left after the date."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from prepdeck.scheduling import NEW_CARD, CardState, Rating, Scheduler, study_day_start
from prepdeck.settings import Settings

NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
INTERVIEW = date(2026, 11, 15)


def _walk(scheduler: Scheduler, seed: int, until: datetime) -> list[CardState]:
    """A card reviewed whenever due with random ratings, every state it passes through."""
    rng = random.Random(seed)
    state, when, seen = NEW_CARD, NOW + timedelta(minutes=rng.randrange(600)), []
    while when < until:
        rating = Rating(rng.choices([1, 2, 3, 4], weights=[1, 1, 6, 2])[0])
        state = scheduler.review(state, rating, when)
        seen.append(state)
        assert state.due is not None
        when = max(state.due, when + timedelta(minutes=1))
    return seen


def test_with_the_option_no_due_date_is_after_the_interview() -> None:
    random.seed(0)  # fsrs's fuzz draws from the global generator
    settings = Settings(interview_date=INTERVIEW, schedule_toward_date=True)
    scheduler = Scheduler(settings)
    deadline = study_day_start(INTERVIEW, settings)
    window_start = deadline - timedelta(days=settings.toward_date_days)
    last_days: Counter[int] = Counter()
    for seed in range(300):
        states = _walk(scheduler, seed, deadline)
        assert all(s.due is not None and s.due <= deadline for s in states), seed
        final = states[-1]
        assert final.due == deadline  # the interview is the next review
        reviewed_late = [s for s in states if s.last_review and s.last_review >= window_start]
        assert reviewed_late, "every card is seen in the last days"
        last_days[(deadline - reviewed_late[0].last_review).days] += 1  # type: ignore[operator]
    # Spread over the window, not piled on its last day.
    assert set(last_days) == set(range(settings.toward_date_days))
    assert max(last_days.values()) < 2 * 300 / settings.toward_date_days


def test_without_the_option_due_dates_pass_the_interview() -> None:
    settings = Settings(interview_date=INTERVIEW, schedule_toward_date=False)
    deadline = study_day_start(INTERVIEW, settings)
    states = [s for seed in range(50) for s in _walk(Scheduler(settings), seed, deadline)]
    assert any(s.due is not None and s.due > deadline for s in states)


def test_preview_matches_the_saved_review_and_after_the_interview_nothing_is_pulled() -> None:
    settings = Settings(interview_date=INTERVIEW, schedule_toward_date=True, fuzz=False)
    scheduler = Scheduler(settings)
    deadline = study_day_start(INTERVIEW, settings)
    state = scheduler.review(scheduler.review(NEW_CARD, Rating.GOOD, NOW), Rating.GOOD, NOW)
    state = scheduler.review(state, Rating.EASY, NOW + timedelta(days=3))
    moment = NOW + timedelta(days=20)
    preview = scheduler.preview(state, moment)
    saved = scheduler.review(state, Rating.GOOD, moment)
    assert saved.due is not None and saved.due <= deadline
    assert moment + preview[Rating.GOOD] == saved.due
    after = deadline + timedelta(days=1)
    assert scheduler.review(saved, Rating.GOOD, after).due > deadline + timedelta(days=5)  # type: ignore[operator]
