"""The home page's streak reads recent reviews only, and further back only while it counts."""

from __future__ import annotations

from datetime import datetime, timedelta

from prepdeck.practice import PracticeSession
from prepdeck.scheduling import Rating, utcnow
from prepdeck.settings import Settings
from prepdeck.store.context import Context, open_store_context
from prepdeck.web import services


def rate_one_card_on(ctx: Context, moment: datetime) -> None:
    session = PracticeSession(
        ctx.store, ctx.scheduler, ctx.settings, ctx.user, limit=1, clock=lambda: moment
    )
    view = session.next()
    assert view is not None
    session.rate(view, Rating.GOOD)
    session.finish()


def test_streak_longer_than_the_first_window(settings: Settings) -> None:
    ctx = open_store_context(settings)
    try:
        now = utcnow()
        days = services.STREAK_WINDOW_DAYS + 5
        for back in reversed(range(days)):  # oldest first: one new card a day
            rate_one_card_on(ctx, now - timedelta(days=back))
        assert services.streak(ctx, now) == days
        # a gap ends it; a day without reviews yet keeps yesterday's streak
        assert services.streak(ctx, now + timedelta(days=1)) == days
        assert services.streak(ctx, now + timedelta(days=2)) == 0
    finally:
        ctx.close()


def test_streak_ignores_undone_ratings(settings: Settings) -> None:
    ctx = open_store_context(settings)
    try:
        now = utcnow()
        session = PracticeSession(ctx.store, ctx.scheduler, ctx.settings, ctx.user, limit=1)
        view = session.next()
        assert view is not None
        session.rate(view, Rating.GOOD)
        assert services.streak(ctx, now) == 1
        session.undo()
        assert services.streak(ctx, now) == 0
    finally:
        ctx.close()
