"""``prepdeck mock``: a timed mock interview in the terminal, then its report.

Input is read line by line like ``prepdeck practice``, so a script can drive a mock. The
answers are graded as you go but shown only in the report at the end.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console, Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from prepdeck.cli._practice_io import Lines, markdown
from prepdeck.cli.context import Context, open_context
from prepdeck.cli.options import DatabaseOpt
from prepdeck.mock import (
    PRESETS,
    MockConflict,
    MockError,
    MockInterviews,
    MockNotFound,
    MockReport,
    MockRequest,
)
from prepdeck.mock.html import report_document
from prepdeck.mock.interview import QuestionStep
from prepdeck.mock.records import MockRecord
from prepdeck.textmath import math_to_text

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
SPARKS = "▁▂▃▄▅▆▇█"


def _clock(seconds: float) -> str:
    seconds = max(round(seconds), 0)
    minutes, secs = divmod(seconds, 60)
    return f"{minutes}:{secs:02d}"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100):+d} pts"


def _service(ctx: Context) -> MockInterviews:
    return MockInterviews(ctx.store, ctx.scheduler, ctx.settings, ctx.user)


def _read_answer(lines: Lines) -> str | None:
    """The typed answer (lines until an empty one); '' passes; None quits (:q or end of input)."""
    typed: list[str] = []
    while True:
        line = lines.ask(
            "> " if typed else "Your answer (empty line ends it; Enter alone passes; :q ends)\n> "
        )
        if line is None:
            return None if not typed else "\n".join(typed)
        if not typed and line.strip().lower() in (":q", ":quit"):
            return None
        if not line.strip():
            return "\n".join(typed)
        typed.append(line)


def _ask(step: QuestionStep) -> None:
    item = step.item
    left = (step.mock.deadline - step.now).total_seconds()
    limit = (step.question_deadline - step.now).total_seconds()
    meta = " · ".join(x for x in (item.topic, str(item.difficulty or "")) if x)
    out.rule(f"[{step.position}/{step.total}] {meta}")
    out.print(
        f"[bold]⏱ {_clock(limit)}[/] for this question "
        f"(by {step.question_deadline:%H:%M:%S} UTC) · {_clock(left)} left in the mock"
    )
    out.print(markdown(item.question))


def _run(service: MockInterviews, mock: MockRecord, lines: Lines) -> MockRecord:
    step = service.current(mock.mock_id)
    while isinstance(step, QuestionStep):
        _ask(step)
        typed = _read_answer(lines)
        if typed is None:
            out.print("[yellow]Mock ended early; unanswered questions score 0.[/]")
            return service.finish(mock.mock_id)
        try:
            with out.status("saving..."):
                following = service.answer(mock.mock_id, step.position, typed)
        except MockConflict as exc:  # the time ran out while typing
            out.print(f"[yellow]{exc.message}.[/]")
            return service.finish(mock.mock_id)
        answered = service.get(mock.mock_id).questions[step.position - 1]
        taken = answered.time_taken.total_seconds() if answered.time_taken else 0.0
        over = taken > answered.limit_s
        note = f" [yellow](over the {_clock(answered.limit_s)} limit)[/]" if over else ""
        out.print(f"[green]✓ Answer saved[/] after {_clock(taken)}{note}")
        step = following
    return step


def _spark(values: list[float]) -> str:
    return "".join(SPARKS[min(int(v * len(SPARKS)), len(SPARKS) - 1)] for v in values)


def show_report(report: MockReport) -> None:
    """The report in Rich: overall figures, the trend, per topic, per question, what to read."""
    m = report.mock
    out.rule(f"Mock interview #{m.mock_id} — report")
    change = (
        f" · {_signed(report.change)} since your last mock" if report.change is not None else ""
    )
    out.print(
        f"[bold]Score {_percent(report.score)}[/] · answered {report.answered} of "
        f"{len(report.questions)} · time {_clock(report.time_used_s)} of {_clock(m.total_s)}"
        f"{change}"
    )
    if len(report.trend) > 1:
        scores = [p.score for p in report.trend]
        out.print(
            f"Trend over {len(scores)} mocks: {_spark(scores)}  "
            + " → ".join(_percent(s) for s in scores[-6:])
        )
    topics = Table(title="By topic", title_justify="left")
    for name in ("topic", "questions", "answered", "score", "earlier", "change"):
        topics.add_column(name, justify="left" if name == "topic" else "right")
    for t in report.topics:
        topics.add_row(
            t.topic,
            str(t.questions),
            str(t.answered),
            _percent(t.score),
            _percent(t.previous),
            _signed(t.change),
        )
    out.print(topics)
    table = Table(title="By question", title_justify="left")
    for name in ("#", "topic", "difficulty", "score", "time", "limit", "missed"):
        table.add_column(
            name, justify="right" if name in ("#", "score", "time", "limit") else "left"
        )
    for q in report.questions:
        time_text = "–" if q.time_taken_s is None else _clock(q.time_taken_s)
        table.add_row(
            str(q.question.position),
            q.item.topic,
            str(q.item.difficulty or "–"),
            _percent(q.score) if q.question.answered else "not answered",
            time_text + (" ⚠ over" if q.overtime else ""),
            _clock(q.question.limit_s),
            str(len(q.missed)),
        )
    out.print(table)
    for q in report.questions:
        parts: list[Text | Markdown] = [Text(q.verdict or "Not answered.", style="bold")]
        for point in q.hit:
            parts.append(Text("  ✓ ", style="green") + Text(math_to_text(point)))
        for point in q.missed:
            parts.append(Text("  ✗ ", style="red") + Text(math_to_text(point)))
        parts.append(Text("Reference answer:", style="dim"))
        parts.append(markdown(q.item.answer))
        title = f"Q{q.question.position} · {q.item.id} · {_percent(q.score)}"
        out.print(Panel(Group(*parts), title=title, title_align="left"))
    if report.to_read:
        out.print("[bold]To read:[/]")
        for ref, why in report.to_read:
            out.print(f"  • {ref.label} — [blue]{ref.url}[/] [dim](for {why})[/]")


def _history(service: MockInterviews) -> None:
    listings = service.history()
    if not listings:
        out.print("No mock interviews yet. Start one with [bold]prepdeck mock[/].")
        return
    table = Table(title="Your mock interviews")
    for name in ("id", "started", "preset / topics", "answered", "score"):
        table.add_column(name)
    for h in listings:
        what = h.preset or ", ".join(h.topics[:3]) + (" …" if len(h.topics) > 3 else "")
        status = _percent(h.score) if h.finished_at else "running"
        table.add_row(
            str(h.mock_id),
            f"{h.started_at:%Y-%m-%d %H:%M}",
            what,
            f"{h.answered}/{h.questions}",
            status,
        )
    out.print(table)


def mock(
    minutes: Annotated[
        int | None,
        typer.Option("--minutes", "-m", min=1, max=240, help="Length in minutes (default 30)."),
    ] = None,
    questions: Annotated[
        int | None,
        typer.Option("--questions", "-n", min=1, max=100, help="Ask exactly N questions."),
    ] = None,
    topic: Annotated[
        list[str] | None, typer.Option("--topic", "-t", help="Draw from this topic (repeatable).")
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option(
            "--preset",
            "-p",
            help=f"A role's topics: {', '.join(PRESETS)}.",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Fix the draw (same seed, same questions).")
    ] = None,
    schedule: Annotated[
        bool,
        typer.Option(
            "--schedule/--no-schedule",
            help="Each answer becomes a review rated with the grader's proposal.",
        ),
    ] = True,
    report_html: Annotated[
        Path | None,
        typer.Option("--report-html", help="Also save the report as a standalone HTML file."),
    ] = None,
    history: Annotated[
        bool, typer.Option("--history", help="List your earlier mocks and their scores.")
    ] = False,
    show: Annotated[
        int | None, typer.Option("--show", help="Print the report of an earlier mock by id.")
    ] = None,
    database: DatabaseOpt = None,
) -> None:
    """A timed mock interview: questions you are weakest on, graded, with a report at the end.

    Questions are drawn by weakness (low recall, recent lapses, topics never studied) with a
    mix of easy, medium and hard, and each has a time limit; the mock has one overall. Type
    each answer (an empty line ends it). Nothing is shown until the end: then a report with
    the score per question and topic, the key points you missed, your time, what to read,
    and how you did against your earlier mocks.

    Examples: `prepdeck mock -m 30 --preset "data scientist"`, `prepdeck mock -n 5 -t
    Statistics --no-schedule --report-html mock.html`, `prepdeck mock --history`.
    """
    with open_context(database) as ctx:
        service = _service(ctx)
        try:
            if history:
                _history(service)
                return
            if show is not None:
                report = service.report(show)
            else:
                request = MockRequest(
                    minutes=minutes,
                    questions=questions,
                    topics=tuple(topic or ()),
                    preset=preset,
                    seed=seed,
                    schedule=schedule,
                )
                started = service.start(request)
                out.print(
                    f"[bold]prepdeck mock[/] #{started.mock_id} — {len(started.questions)} "
                    f"question(s) in {_clock(started.total_s)} from "
                    f"{', '.join(started.topics)}. Answers are graded but shown only at "
                    "the end" + ("" if schedule else "; your schedule is left as it is") + "."
                )
                finished = _run(service, started, Lines(sys.stdin))
                report = service.report(finished.mock_id)
        except (MockError, MockNotFound) as exc:
            err.print(f"error: {exc}")
            raise typer.Exit(2) from None
    show_report(report)
    if report_html is not None:
        report_html.write_text(report_document(report), encoding="utf-8")
        out.print(f"Report saved to {report_html} (open it in a browser; print it from there).")
