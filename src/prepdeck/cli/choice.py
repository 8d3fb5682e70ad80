"""``prepdeck choice``: multiple-choice practice in the terminal, scheduled like any review."""

from __future__ import annotations

import string
import sys
import time
from typing import Annotated

import typer
from rich.padding import Padding
from rich.table import Table

from prepdeck.choice_practice import pool
from prepdeck.choices import (
    DEFAULT_OPTIONS,
    MAX_OPTIONS,
    MIN_OPTIONS,
    ChoiceError,
    ChoiceSet,
    judge,
    make_choices,
    proposed_rating,
    time_limits,
)
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
from prepdeck.cli.context import open_context
from prepdeck.cli.options import BankOpt, DatabaseOpt, DifficultyOpt, TagOpt, TopicOpt, queue_filter
from prepdeck.leeches import is_leech
from prepdeck.practice import PracticeSession
from prepdeck.scheduling import Rating, humanise, utcnow
from prepdeck.storage import CardView

LETTERS = string.ascii_lowercase


def _show_options(choices: ChoiceSet) -> None:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", style="bold")
    grid.add_column()
    for letter, option in zip(LETTERS, choices.options, strict=False):
        grid.add_row(f"{letter})", markdown(option.text))
    out.print(Padding(grid, (1, 0, 0, 1)))


def _ask_choice(lines: Lines, item_help: CardView, count: int) -> str | None:
    """A letter a.. (or 'hint', 'undo', 'quit')."""
    last = LETTERS[count - 1]
    while True:
        answer = lines.ask(f"Your choice (a-{last}; :h hint, :u undo, :q quit) > ")
        if answer is None:
            return "quit"
        key = answer.strip().lower()
        if key in (":q", "q", ":quit"):
            return "quit"
        if key in (":u", "u", ":undo"):
            return "undo"
        if key in (":h", "h", ":hint"):
            show_hints(item_help.item)
            continue
        if len(key) == 1 and key in LETTERS[:count]:
            return key
        out.print(f"[red]Type a letter from a to {last} (or :h, :u, :q).[/]")


def _meta(view: CardView, threshold: int) -> str:
    parts = [view.item.topic, str(view.item.difficulty or "")]
    parts.append("new" if view.card_id is None else "")
    parts.append("[red]leech[/]" if is_leech(view.state, threshold) else "")
    return " · ".join(p for p in parts if p)


def choice(
    topic: TopicOpt = None,
    tag: TagOpt = None,
    difficulty: DifficultyOpt = None,
    bank: BankOpt = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="Stop after N ratings.")
    ] = None,
    options: Annotated[
        int,
        typer.Option(
            "--options",
            "-k",
            min=MIN_OPTIONS,
            max=MAX_OPTIONS,
            help="How many options per question (the answer and k-1 distractors).",
        ),
    ] = DEFAULT_OPTIONS,
    database: DatabaseOpt = None,
) -> None:
    """Multiple-choice practice: pick the right answer among similar answers from the bank.

    The queue is the one `prepdeck practice` uses (due cards, then new ones). The wrong options
    are the answers of the most similar questions on the same page or topic, found offline by
    the grading model (by shared words if the model cannot load). A right pick proposes Good
    (Easy when fast, Hard when slow), a wrong one Again; Enter accepts the proposal, 1-4 picks
    another rating. Example: `prepdeck choice --topic Statistics -n 10`.
    """
    flt = queue_filter(topic, tag, difficulty, bank)
    lines = Lines(sys.stdin)
    with open_context(database) as ctx:
        session = PracticeSession(
            ctx.store, ctx.scheduler, ctx.settings, ctx.user, flt=flt, limit=limit
        )
        if session.next() is None:
            out.print(
                "Nothing to practise right now: no card is due and today's new cards are done."
            )
            session.finish()
            return
        everything = pool(ctx.store, ctx.user)
        threshold = ctx.settings.leech_threshold
        out.print(
            f"[bold]prepdeck choice[/] — {session.remaining} card(s) queued, "
            f"{options} options each. Ctrl-D or :q quits."
        )
        noted = False
        while (view := session.next()) is not None:
            try:
                with out.status("choosing the options..."):
                    choices = make_choices(view, everything, n=options)
            except ChoiceError as exc:
                out.print(f"[yellow]Skipping {view.item.id}: {exc.message}[/]")
                session.queue.popleft()
                continue
            if choices.note and not noted:
                out.print(f"[dim]{choices.note}[/]")
                noted = True
            total = session.position - 1 + session.remaining
            total = min(total, limit) if limit is not None else total
            out.rule(f"[{session.position}/{total}] {_meta(view, threshold)}")
            out.print(markdown(view.item.question))
            _show_options(choices)
            started = time.monotonic()
            picked = _ask_choice(lines, view, len(choices.options))
            if picked == "quit" or picked is None:
                break
            if picked == "undo":
                undo(session)
                continue
            duration_ms = int((time.monotonic() - started) * 1000)
            key = choices.options[LETTERS.index(picked)].key
            judged = judge(view, everything, choices.keys, key)
            right = LETTERS[choices.keys.index(judged.correct_key)]
            proposed = proposed_rating(judged.correct, duration_ms, judged.words)
            fast, slow = time_limits(judged.words)
            pace = f"{duration_ms / 1000:.0f} s; fast ≤ {fast:.0f} s, slow ≥ {slow:.0f} s"
            if judged.correct:
                out.print(f"[green]✓ Right: {right})[/] ({pace})")
            else:
                out.print(f"[red]✗ Not {picked}) — the answer is {right})[/] ({pace})")
            show_answer(view.item)
            rating = ask_rating(lines, view.item, session.preview(view), proposed)
            if rating is None:
                break
            if rating == "undo":
                undo(session)
                continue
            assert isinstance(rating, Rating)
            result = session.rate(
                view,
                rating,
                duration_ms=duration_ms,
                grade=1.0 if judged.correct else 0.0,
                proposed=proposed,
            )
            after = f"next review in {humanise(result.interval)}" if result.interval else ""
            out.print(f"[green]✓ Saved {rating.label} for {view.item.id}[/] — {after}")
            if result.state is not None and result.state.lapses >= threshold > view.state.lapses:
                out.print(
                    f"[yellow]{view.item.id} has lapsed {result.state.lapses} times: a leech. "
                    f"`prepdeck leeches --edit {view.item.id}` to rewrite it, "
                    f"`--suspend {view.item.id}` to set it aside.[/]"
                )
        summary = session.finish()
    out.rule("Session summary")
    out.print(
        f"Answered {summary.reviewed} card(s), again-rate {summary.again_rate:.0%}, "
        f"time {elapsed(summary.elapsed)}."
    )
    if summary.next_due:
        out.print(f"Next card due in {humanise(summary.next_due - utcnow())}.")
