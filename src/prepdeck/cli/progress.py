"""``prepdeck progress export|import``: your whole progress as one JSON file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from prepdeck.cli.context import open_context
from prepdeck.cli.options import DatabaseOpt
from prepdeck.errors import PrepdeckError
from prepdeck.interchange import progress as progress_json
from prepdeck.interchange.output import write_text_atomically

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

app = typer.Typer(
    help="Your progress (card states, review log, fitted parameters) as one JSON file: "
    "back it up, or move it to another database or machine.",
    no_args_is_help=True,
)


@app.command("export")
def export(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="File to write (replaced). Default: stdout.", show_default=False
        ),
    ] = None,
    database: DatabaseOpt = None,
) -> None:
    """Write your cards, review log, FSRS parameters and saved settings as JSON.

    Items are named by bank and item id, so the file can be imported into another database
    (SQLite or PostgreSQL) that has the same banks. Example: `prepdeck progress export -o
    progress.json`, then elsewhere `prepdeck progress import progress.json`.
    """
    with open_context(database) as ctx:
        progress = ctx.store.export_progress(ctx.user)
    text = progress_json.dumps(progress)
    if output is None:
        sys.stdout.write(text)
        return
    write_text_atomically(output, text)
    err.print(
        f"wrote {len(progress.cards)} card(s) and {len(progress.reviews)} review(s) of "
        f"user '{progress.user}' to {output}"
    )


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A file written by `prepdeck progress export`.")],
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Refuse the whole file if an item is not in this database."),
    ] = False,
    database: DatabaseOpt = None,
) -> None:
    """Merge a progress file into your cards and review log (one transaction).

    Safe to repeat: a review already in your log is not added again, and a card is only
    replaced by a state reviewed more recently than its own. Items are matched by bank and
    id (or by id alone when only one bank has it); add the banks first with `prepdeck bank
    add`. Items not in this database are listed and skipped, or with --strict the file is
    refused and nothing changes. Fitted parameters and settings are taken only if you have
    none yet.
    """
    try:
        progress = progress_json.read_progress(file)
        with open_context(database) as ctx:
            result = ctx.store.import_progress(ctx.user, progress, strict=strict)
    except PrepdeckError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(1) from None
    table = Table(title=f"Imported {file}", title_justify="left")
    table.add_column("", style="bold")
    table.add_column("added", justify="right")
    table.add_column("already here", justify="right")
    table.add_column("updated", justify="right")
    table.add_column("kept (reviewed later here)", justify="right")
    table.add_row(
        "cards",
        str(result.cards_added),
        str(result.cards_unchanged),
        str(result.cards_updated),
        str(result.conflicts),
    )
    table.add_row("reviews", str(result.reviews_added), str(result.reviews_present), "", "")
    out.print(table)
    if result.parameters_set:
        out.print("Your FSRS parameters were set from the file.")
    if result.unknown:
        err.print(
            f"warning: {len(result.unknown)} item(s) are not in this database and were "
            "skipped (add their banks, then import again):"
        )
        for name in result.unknown[:10]:
            err.print(f"  {name}")
        if len(result.unknown) > 10:
            err.print(f"  ... and {len(result.unknown) - 10} more")
    if not result.changed:
        out.print("Nothing new: everything in the file was already here.")
