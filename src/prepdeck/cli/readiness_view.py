"""Readiness for the interview date in the terminal: a table per topic, the plan, a plot."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from prepdeck.readiness import Readiness

PLOT_ROWS = 10


def _pct(value: float) -> str:
    return f"{value:.0%}"


def topic_table(result: Readiness) -> Table:
    table = Table(
        title=f"Readiness for {result.interview_date:%a %d %b %Y} ({result.days_left} day(s) left)",
        caption="expected recall = share of the topic's questions you are expected to recall; "
        "never-seen items count 0",
        show_footer=True,
    )
    overall = result.overall
    table.add_column("topic", footer="all")
    table.add_column("items", justify="right", footer=str(overall.items))
    table.add_column("coverage", justify="right", footer=_pct(overall.coverage))
    table.add_column("recall now", justify="right", footer=_pct(overall.recall_now))
    style = "bold green" if result.on_track else "bold yellow"
    table.add_column(
        "on the date", justify="right", footer=Text(_pct(overall.on_date), style=style)
    )
    for t in result.topics:
        table.add_row(t.topic, str(t.items), _pct(t.coverage), _pct(t.recall_now), _pct(t.on_date))
    return table


def plan_text(result: Readiness) -> Text:
    plan = result.plan
    text = Text()
    text.append("Plan: ", style="bold")
    if not plan.days:
        text.append("the interview is today; good luck!\n")
    else:
        text.append(
            f"learn {plan.new_per_day} new card(s) a day ({plan.new_total} of "
            f"{plan.never_seen} never seen) and do every review that falls due: about "
            f"{plan.reviews_per_day} a day (peak {plan.peak_reviews}).\n"
        )
        verdict = "reaches" if plan.projected >= plan.target else "falls short of"
        text.append(
            f"Following it, expected recall on the date is {_pct(plan.projected)}, which "
            f"{verdict} the target of {_pct(plan.target)}. If you stop now: "
            f"{_pct(result.overall.on_date)}.\n"
        )
    for line in plan.advice:
        text.append(f"• {line}\n", style="yellow")
    return text


def plan_weeks(result: Readiness) -> Table | Text:
    """The plan a week at a time: new cards to learn and the reviews expected to fall due."""
    days = result.plan.days
    if not days:
        return Text()
    table = Table(title="The plan, week by week", title_justify="left")
    table.add_column("days")
    table.add_column("new cards", justify="right")
    table.add_column("reviews a day", justify="right")
    table.add_column("busiest day", justify="right")
    for start in range(0, len(days), 7):
        week = days[start : start + 7]
        span = f"{week[0].day:%a %d %b}" + (f" – {week[-1].day:%a %d %b}" if len(week) > 1 else "")
        reviews = [d.reviews for d in week]
        table.add_row(
            span,
            str(sum(d.new for d in week)),
            f"{sum(reviews) / len(week):.0f}",
            str(max(reviews)),
        )
    return table


def _columns(values: Sequence[float], width: int) -> list[float]:
    """``values`` resampled to at most ``width`` columns (nearest point)."""
    if len(values) <= width:
        return list(values)
    return [values[round(i * (len(values) - 1) / (width - 1))] for i in range(width)]


def plot(result: Readiness, width: int) -> Text:
    """Expected recall from today to the date: ● following the plan, • if you stop now,
    ┄ the target. One row per ``1 / PLOT_ROWS`` of recall."""
    points = result.plan.trajectory
    if len(points) < 2:
        return Text()
    cols = max(min(width - 8, len(points), 72), 2)
    plan = _columns([p.following_plan for p in points], cols)
    stop = _columns([p.if_you_stop for p in points], cols)

    def row(value: float) -> int:
        return round(value * PLOT_ROWS)

    text = Text("Expected recall until the interview\n", style="bold")
    for level in range(PLOT_ROWS, -1, -1):
        label = f"{level / PLOT_ROWS:>4.0%} " if level % (PLOT_ROWS // 2) == 0 else "     "
        text.append(label + "│", style="dim")
        for a, b in zip(plan, stop, strict=True):
            if row(a) == level:
                text.append("●", style="bold cyan")
            elif row(b) == level:
                text.append("•", style="magenta")
            elif row(result.target) == level:
                text.append("┄", style="yellow")
            else:
                text.append(" ")
        text.append("\n")
    first, last = f"{points[0].day:%d %b}", f"{points[-1].day:%d %b}"
    text.append("      " + first + " " * max(cols - len(first) - len(last), 1) + last + "\n")
    text.append("      ● following the plan", style="bold cyan")
    text.append("  • if you stop now", style="magenta")
    text.append(f"  ┄ target {result.target:.0%}\n", style="yellow")
    return text


def readiness_view(result: Readiness, console: Console) -> RenderableType:
    return Group(
        topic_table(result), plan_text(result), plan_weeks(result), plot(result, console.width)
    )
