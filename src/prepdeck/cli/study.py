"""``prepdeck practice`` and ``prepdeck status``: spaced-repetition practice in the terminal
(its line input and prompts are in :mod:`prepdeck.cli._practice_io`)."""

from __future__ import annotations

import sys
import time
from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from prepdeck.cli._practice_io import (
    Lines,
    ask_rating,
    elapsed,
    markdown,
    out,
    show_answer,
    show_hints,
    undo,
)
from prepdeck.cli.context import Context, open_context
from prepdeck.cli.feedback import show_feedback
from prepdeck.cli.options import (
    BankOpt,
    DatabaseOpt,
    DifficultyOpt,
    TagOpt,
    TopicOpt,
    queue_filter,
)
from prepdeck.cli.readiness_view import readiness_view
from prepdeck.grading.service import bands_from, grade_item
from prepdeck.grading.types import Grade
from prepdeck.model import Item
from prepdeck.practice import PracticeSession, day_bounds
from prepdeck.readiness import NoInterviewDate, Readiness, ReadinessError, readiness_for
from prepdeck.scheduling import Rating, humanise, utcnow
from prepdeck.toward_date import pull_toward_date


def _read_answer(lines: Lines, item: Item) -> tuple[str, str | None]:
    """('answer'|'quit'|'undo', typed text). Empty first line reveals without typing."""
    typed: list[str] = []
    while True:
        line = lines.ask(
            "> "
            if typed
            else "Your answer (empty line ends it; Enter alone reveals; "
            ":h hint, :u undo, :q quit)\n> "
        )
        if line is None:
            return "quit", None
        command = line.strip().lower()
        if not typed and command in (":q", ":quit"):
            return "quit", None
        if not typed and command in (":u", ":undo"):
            return "undo", None
        if not typed and command in (":h", ":hint"):
            show_hints(item)
            continue
        if not line.strip():
            return "answer", "\n".join(typed) or None
        typed.append(line)


def _grade(ctx: Context, item: Item, typed: str) -> Grade | None:
    """Grade a typed answer; a grading failure never stops practice."""
    try:
        with out.status("grading..."):
            bands = bands_from(ctx.store.user_settings(ctx.user))
            return grade_item(item, typed, ctx.settings, bands)
    except Exception as exc:
        out.print(
            f"[yellow]Could not grade this answer ({type(exc).__name__}); rate it yourself.[/]"
        )
        return None


def practice(
    topic: TopicOpt = None,
    tag: TagOpt = None,
    difficulty: DifficultyOpt = None,
    bank: BankOpt = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="Stop after N ratings.")
    ] = None,
    cram: Annotated[
        bool, typer.Option("--cram", help="Practise without changing the schedule.")
    ] = False,
    grading: Annotated[
        bool,
        typer.Option(
            "--grading/--no-grading",
            help="Grade typed answers against the reference and propose a rating.",
        ),
    ] = True,
    database: DatabaseOpt = None,
) -> None:
    """Practise the cards due today, then new ones, with spaced repetition (FSRS).

    For each question: type an answer (or press Enter to reveal), read the reference
    answer, then rate your recall 1-4; the interval each rating gives is shown. Every
    rating is saved the moment you give it. Example: `prepdeck practice --topic Statistics -n 10`.
    """
    flt = queue_filter(topic, tag, difficulty, bank)
    lines = Lines(sys.stdin)
    with open_context(database) as ctx:
        if not cram and (moved := pull_toward_date(ctx.store, ctx.scheduler, ctx.user)):
            out.print(
                f"Scheduling toward the interview: {moved} card(s) due after it now come in "
                "its last days."
            )
        session = PracticeSession(
            ctx.store, ctx.scheduler, ctx.settings, ctx.user, flt=flt, limit=limit, cram=cram
        )
        if session.next() is None:
            out.print(
                "Nothing to practise right now: no card is due and today's new cards are done."
            )
            out.print(
                "Try [bold]prepdeck practice --cram[/] or raise new_per_day in your settings."
            )
            session.finish()
            return
        mode = "cram (schedule untouched)" if cram else "review"
        out.print(
            f"[bold]prepdeck practice[/] — {session.remaining} card(s) queued, {mode}. "
            "Ctrl-D or :q quits."
        )
        while (view := session.next()) is not None:
            item = view.item
            total = session.position - 1 + session.remaining
            if limit is not None:
                total = min(total, limit)
            meta = " · ".join(
                x
                for x in (
                    item.topic,
                    str(item.difficulty or ""),
                    "new" if view.card_id is None else "",
                    "[red]leech[/]" if view.state.lapses >= ctx.settings.leech_threshold else "",
                )
                if x
            )
            out.rule(f"[{session.position}/{total}] {meta}")
            out.print(markdown(item.question))
            started = time.monotonic()
            action, typed = _read_answer(lines, item)
            if action == "quit":
                break
            if action == "undo":
                undo(session)
                continue
            graded = _grade(ctx, item, typed) if typed and grading else None
            if graded is not None:
                show_feedback(out, graded, typed or "")
            show_answer(item)
            proposed = graded.rating if graded is not None else None
            choice = ask_rating(lines, item, session.preview(view), proposed)
            if choice is None:
                break
            if choice == "undo":
                undo(session)
                continue
            assert isinstance(choice, Rating)
            result = session.rate(
                view,
                choice,
                duration_ms=int((time.monotonic() - started) * 1000),
                typed_answer=typed,
                grade=graded.score if graded is not None else None,
                proposed=proposed,
            )
            after = (
                f"next review in {humanise(result.interval)}"
                if result.interval
                else "schedule unchanged"
            )
            out.print(f"[green]✓ Saved {choice.label} for {item.id}[/] — {after}")
        summary = session.finish()
    out.rule("Session summary")
    out.print(
        f"Reviewed {summary.reviewed} card(s), again-rate {summary.again_rate:.0%}, "
        f"time {elapsed(summary.elapsed)}."
    )
    if summary.next_due:
        out.print(f"Next card due in {humanise(summary.next_due - utcnow())}.")


def status(
    interview: Annotated[
        datetime | None,
        typer.Option(
            "--date",
            formats=["%Y-%m-%d"],
            help="Interview date (YYYY-MM-DD) for this look; default: interview_date in settings.",
            show_default=False,
        ),
    ] = None,
    target: Annotated[
        float | None,
        typer.Option(
            "--target",
            min=0.5,
            max=0.99,
            help="Expected recall to reach on the date (default: desired_retention).",
            show_default=False,
        ),
    ] = None,
    database: DatabaseOpt = None,
) -> None:
    """Due today, new, learned and retention so far, per topic; and readiness for your
    interview: expected recall per topic on the date, the plan to reach the target (new and
    review cards a day) and a plot of where it leads.

    Example: `prepdeck status --date 2026-12-15 --target 0.85`. Set interview_date in
    settings (web Settings page or config.toml) to see readiness every time; with
    schedule_toward_date = true, practice schedules every card into the last days before it.
    """
    with open_context(database) as ctx:
        now = utcnow()
        start, end = day_bounds(now, ctx.settings)
        rows = ctx.store.topic_status(ctx.user, now, end)
        done = ctx.store.day_counts(ctx.user, start)
        ready: Readiness | str | None = None
        try:
            ready = readiness_for(
                ctx.store,
                ctx.scheduler,
                ctx.user,
                interview_date=interview.date() if interview else None,
                target=target,
                now=now,
                date_field="--date" if interview else "interview_date",
                target_field="--target",
            )
        except NoInterviewDate:
            ready = (
                "[dim]Readiness: no interview date set. Try [bold]prepdeck status --date "
                "2026-12-15[/], or set interview_date in settings (web Settings page, "
                "config.toml or PREPDECK_INTERVIEW_DATE) to keep it.[/]"
            )
        except ReadinessError as exc:
            field = exc.location.file if exc.location else "readiness"
            if interview is not None:
                Console(stderr=True).print(f"error: {field}: {exc.message}", highlight=False)
                raise typer.Exit(2) from None
            # The saved date (an interview that has passed, say): say so, show the rest.
            ready = (
                f"[yellow]Readiness: your {field}: {exc.message}.[/] Set the next one with "
                "[bold]prepdeck status --date YYYY-MM-DD[/] or in settings."
            )
    table = Table(title="prepdeck status", show_footer=True)
    total = {
        k: sum(getattr(r, k) for r in rows)
        for k in ("items", "new", "learning", "due", "learned", "reviews", "recalled")
    }
    table.add_column("topic", footer="all")
    for key in ("items", "new", "learning", "due", "learned"):
        table.add_column(key, justify="right", footer=str(total[key]))
    overall = f"{total['recalled'] / total['reviews']:.0%}" if total["reviews"] else "–"
    table.add_column("retention", justify="right", footer=overall)
    for r in rows:
        table.add_row(
            r.topic,
            str(r.items),
            str(r.new),
            str(r.learning),
            str(r.due),
            str(r.learned),
            f"{r.retention:.0%}" if r.retention is not None else "–",
        )
    out.print(table)
    new_left = max(ctx.settings.new_per_day - done.new_done, 0)
    out.print(
        f"Due today: {total['due']} · new cards left today: {min(new_left, total['new'])} "
        f"(limit {ctx.settings.new_per_day}) · "
        f"reviewed today: {done.new_done + done.reviews_done} · retention so far: {overall}"
    )
    out.print()
    out.print(ready if isinstance(ready, str) else readiness_view(ready, out))
