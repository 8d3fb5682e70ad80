"""``prepdeck stats``: how your study is going, as tables and charts in the terminal.

The figures are :func:`prepdeck.progress.study_stats`, the same the web stats page plots.
"""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table

from prepdeck.cli.context import open_context
from prepdeck.cli.options import DatabaseOpt
from prepdeck.cli.terminal_charts import bar_chart
from prepdeck.progress import StudyStats, study_stats

out = Console(highlight=False)


class StatsFormat(StrEnum):
    text = "text"
    json = "json"


def _day(day: date) -> str:
    return f"{day:%d %b}"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def summary_table(data: StudyStats) -> Table:
    """The headline figures: reviews, retention, what is due."""
    recent = data.retention[-4:]
    reviewed = sum(w.reviews for w in recent)
    recalled = sum(w.recalled for w in recent)
    overall_reviews = sum(w.reviews for w in data.retention)
    overall = sum(w.recalled for w in data.retention) / overall_reviews if overall_reviews else None
    active = [d for d in data.reviews_per_day if d.count]
    table = Table(title="Your study", title_justify="left", show_header=False)
    table.add_column("figure", style="bold")
    table.add_column("value", justify="right")
    table.add_row(f"Reviews, last {len(data.reviews_per_day)} days", str(data.total_reviews))
    table.add_row("Days studied", str(len(active)))
    table.add_row(
        "Reviews per day studied",
        f"{data.total_reviews / len(active):.1f}" if active else "–",
    )
    table.add_row("Retention, last 4 weeks", _percent(recalled / reviewed if reviewed else None))
    table.add_row(f"Retention, last {len(data.retention)} weeks", _percent(overall))
    table.add_row("Due today", str(data.forecast[0].count if data.forecast else 0))
    table.add_row("Due in the next 7 days", str(sum(d.count for d in data.forecast[:7])))
    if data.interview_date is not None:
        table.add_row("Interview", f"{data.interview_date} ({data.days_to_interview} days)")
    return table


def topic_table(data: StudyStats) -> Table:
    table = Table(title="Mastery per topic", title_justify="left")
    table.add_column("topic")
    table.add_column("items", justify="right")
    table.add_column("studied", justify="right")
    table.add_column("learned", justify="right")
    table.add_column("mastery", justify="right")
    table.add_column("mean recall", justify="right")
    table.add_column("", min_width=10)
    for topic in data.topics:
        filled = round(topic.mastery * 10)
        table.add_row(
            topic.topic,
            str(topic.items),
            str(topic.studied),
            str(topic.learned),
            _percent(topic.mastery),
            _percent(topic.mean_recall),
            "[green]" + "█" * filled + "[/][dim]" + "░" * (10 - filled) + "[/]",
        )
    return table


def charts(data: StudyStats) -> Group:
    reviews = data.reviews_per_day
    weeks = data.retention
    ahead = data.forecast
    return Group(
        bar_chart(
            [d.count for d in reviews],
            title=f"Reviews per day, last {len(reviews)} days",
            first_label=_day(reviews[0].day),
            last_label=_day(reviews[-1].day),
        ),
        bar_chart(
            [w.retention for w in weeks],
            title="Retention per week (share of reviews recalled; blank: no reviews)",
            first_label=_day(weeks[0].week_start),
            last_label=_day(weeks[-1].week_start),
            top=1.0,
            fmt=lambda v: f"{v:.0%}",
            style="green",
            column_width=2,
        ),
        bar_chart(
            [d.count for d in ahead],
            title=f"Cards due per day, next {len(ahead)} days (overdue count today)",
            first_label=_day(ahead[0].day),
            last_label=_day(ahead[-1].day),
            style="magenta",
            column_width=2,
        ),
    )


def stats(
    output: Annotated[
        StatsFormat, typer.Option("--format", "-f", help="text (tables and charts) or json.")
    ] = StatsFormat.text,
    database: DatabaseOpt = None,
) -> None:
    """Your study in numbers: reviews per day, retention, cards due ahead, mastery per topic.

    Tables and bar charts in the terminal; the web UI's /stats page plots the same figures.
    Days start at day_starts_at_hour (4:00 by default), as the daily limits do. Retention
    counts reviews of learned cards rated Hard or better. Example: `prepdeck stats`, or
    `prepdeck stats --format json` for scripts.
    """
    with open_context(database) as ctx:
        data = study_stats(ctx.store, ctx.scheduler, ctx.settings, ctx.user)
    if output is StatsFormat.json:
        out.print_json(json.dumps(data.to_dict()))
        return
    out.print(summary_table(data))
    out.print(Panel(charts(data), title="Charts", title_align="left", expand=False))
    out.print(topic_table(data))
    if not data.total_reviews:
        out.print("No reviews yet: start with `prepdeck practice`.")
