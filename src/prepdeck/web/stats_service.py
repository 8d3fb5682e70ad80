"""Stats: the numbers behind the stats page and ``/api/stats``, and the page's SVG plots."""

from __future__ import annotations

from datetime import date, datetime

from markupsafe import Markup

from prepdeck import charts
from prepdeck.progress import StudyStats, study_stats
from prepdeck.store.context import Context


def stats(ctx: Context, now: datetime | None = None) -> StudyStats:
    """Reviews per day, retention per week, the due forecast and mastery per topic."""
    return study_stats(ctx.store, ctx.scheduler, ctx.settings, ctx.user, now)


def _short(day: date) -> str:
    return f"{day:%d %b}"


def plots(data: StudyStats) -> dict[str, Markup]:
    """The four plots as inline SVG (generated here, every text escaped)."""
    reviews = charts.bar_chart(
        [(_short(d.day), d.count) for d in data.reviews_per_day],
        chart_id="chart-reviews",
        title="Reviews per day, last 60 days",
        x_label="day",
        y_label="reviews",
        unit="reviews",
    )
    retention = charts.line_chart(
        [(_short(w.week_start), w.retention) for w in data.retention],
        chart_id="chart-retention",
        title="Retention per week: share of reviews recalled (rated Hard or better)",
        x_label="week starting",
        y_label="retention",
        label_every=4,
    )
    forecast = charts.bar_chart(
        [(_short(d.day), d.count) for d in data.forecast],
        chart_id="chart-forecast",
        title="Cards due per day, next 30 days (overdue cards count today)",
        x_label="day",
        y_label="cards due",
        unit="cards",
        label_every=5,
    )
    mastery = charts.category_bars(
        [(t.topic, t.mastery, t.mean_recall) for t in data.topics],
        chart_id="chart-mastery",
        title="Mastery per topic",
        series=("learned / items", "mean recall probability"),
    )
    # Safe to mark up: prepdeck.charts builds the markup itself and escapes every text.
    return {
        "reviews": Markup(reviews),
        "retention": Markup(retention),
        "forecast": Markup(forecast),
        "mastery": Markup(mastery),
    }
