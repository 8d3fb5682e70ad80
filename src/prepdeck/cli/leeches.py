"""``prepdeck leeches``: cards you keep forgetting; suspend them or rewrite them in your editor."""

from __future__ import annotations

import os
import subprocess
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from prepdeck.cli.context import open_context
from prepdeck.cli.options import DatabaseOpt
from prepdeck.leeches import (
    Leech,
    LeechError,
    edit_target,
    editor_command,
    editor_from,
    find_card,
    leeches,
    set_suspended,
)
from prepdeck.scheduling import utcnow

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def _when(leech: Leech) -> str:
    due = leech.card.view.state.due
    if due is None:
        return "–"
    days = (due - utcnow()).total_seconds() / 86400
    return "due" if days <= 0 else f"in {days:.0f} d" if days >= 1 else "today"


def _table(found: list[Leech], threshold: int) -> Table:
    table = Table(title=f"Leeches (lapsed {threshold}+ times) and suspended cards")
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("topic")
    table.add_column("lapses", justify="right")
    table.add_column("reviews", justify="right")
    table.add_column("status")
    table.add_column("next")
    table.add_column("file:line", overflow="fold")
    for leech in found:
        view = leech.card.view
        status = "suspended" if leech.card.suspended else "[red]leech[/]"
        if leech.card.suspended and leech.leech:
            status = "leech, suspended"
        table.add_row(
            view.item.id,
            view.item.topic,
            str(view.state.lapses),
            str(view.state.reps),
            status,
            "–" if leech.card.suspended else _when(leech),
            leech.location + (" (bundled)" if leech.bundled else ""),
        )
    return table


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"error: {message}")
    return typer.Exit(code)


def leeches_command(
    suspend: Annotated[
        str | None, typer.Option("--suspend", metavar="ID", help="Suspend this card.")
    ] = None,
    unsuspend: Annotated[
        str | None,
        typer.Option("--unsuspend", metavar="ID", help="Bring a suspended card back."),
    ] = None,
    edit: Annotated[
        str | None,
        typer.Option(
            "--edit", metavar="ID", help="Open the item in $VISUAL/$EDITOR at its file:line."
        ),
    ] = None,
    bank: Annotated[
        str | None,
        typer.Option(help="The bank of ID, when several banks have it ('bundled' or a path)."),
    ] = None,
    threshold: Annotated[
        int | None,
        typer.Option(
            "--threshold",
            min=1,
            help="Lapses that make a leech (default: the leech_threshold setting, 8).",
            show_default=False,
        ),
    ] = None,
    database: DatabaseOpt = None,
) -> None:
    """List leeches: cards forgotten again and again after being learned (8+ lapses by default).

    A leech costs many reviews and usually needs rewriting: split it, shorten the answer, or
    add a hint. Suspend it to take it out of every queue (its history is kept), or open it in
    your editor. Examples: `prepdeck leeches`, `prepdeck leeches --suspend dl-weight-tying`,
    `prepdeck leeches --edit my-item`. Set the threshold with `leech_threshold` in the config
    file or PREPDECK_LEECH_THRESHOLD.
    """
    actions = [a for a in (suspend, unsuspend, edit) if a]
    if len(actions) > 1:
        raise _fail("give one of --suspend, --unsuspend, --edit at a time", 2)
    with open_context(database) as ctx:
        limit = threshold or ctx.settings.leech_threshold
        try:
            if suspend or unsuspend:
                key = suspend or unsuspend or ""
                card = set_suspended(ctx.store, ctx.user, key, bool(suspend), bank)
                state = "suspended: it leaves every queue" if suspend else "back in the queue"
                out.print(
                    f"[green]✓ {card.view.item.id}[/] ({card.view.bank}) is {state}; "
                    f"{card.view.state.lapses} lapse(s), history kept."
                )
                return
            if edit:
                card = find_card(ctx.store, ctx.user, edit, bank)
                file, line = edit_target(card)
                _open_editor(file, line, card.view.bank)
                return
        except LeechError as exc:
            raise _fail(exc.message) from None
        found = leeches(ctx.store, ctx.user, limit)
    if not found:
        out.print(f"No leeches: no card has lapsed {limit} or more times, and none is suspended.")
        return
    out.print(_table(found, limit))
    out.print(
        "[dim]prepdeck leeches --suspend ID · --unsuspend ID · --edit ID "
        "(then `prepdeck bank add` the bank again to load your edit)[/]"
    )


def _open_editor(file: str, line: int, bank: str) -> None:
    editor = editor_from()
    if editor is None:
        raise _fail(
            f"set $VISUAL or $EDITOR to open {file}:{line} (for example: export EDITOR=nano)"
        )
    command = editor_command(editor, file, line)
    out.print(f"Opening {file}:{line} with {command[0]} ...")
    try:
        code = subprocess.call(command, env=os.environ.copy())
    except OSError as exc:
        raise _fail(f"could not start the editor '{command[0]}': {exc.strerror}") from None
    if code != 0:
        raise _fail(f"the editor exited with status {code}")
    out.print(
        f"Saved? Load the change with [bold]prepdeck bank add {bank}[/] "
        "(the card keeps its history; the old text is kept as a version)."
    )
