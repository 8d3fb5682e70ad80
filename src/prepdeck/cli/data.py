"""Commands about the user's data: export the review log, fit parameters, migrate the database."""

from __future__ import annotations

import csv
import json
import sys
from contextlib import nullcontext
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from prepdeck.cli.context import open_context
from prepdeck.cli.options import DatabaseOpt
from prepdeck.optimize import MIN_REVIEWS, fit_parameters
from prepdeck.scheduling import utcnow
from prepdeck.settings import load_settings
from prepdeck.store import SqlStore
from prepdeck.store.engine import head_revision

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

log_app = typer.Typer(
    help="The review log: every rating you gave, exportable.", no_args_is_help=True
)
db_app = typer.Typer(help="The database: migrations and housekeeping.", no_args_is_help=True)

FIELDS = [
    "review_id",
    "kind",
    "bank",
    "item_key",
    "topic",
    "rating",
    "reviewed_at",
    "duration_ms",
    "typed_answer",
    "grade",
    "proposed_rating",
    "was_new",
    "undoes_id",
]


class LogFormat(StrEnum):
    csv = "csv"
    json = "json"


def _row(record: Any) -> dict[str, Any]:
    row = {name: getattr(record, name) for name in FIELDS}
    row["reviewed_at"] = record.reviewed_at.isoformat()
    return row


@log_app.command("export")
def export(
    output_format: Annotated[
        LogFormat, typer.Option("--format", "-f", help="csv or json.")
    ] = LogFormat.csv,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    database: DatabaseOpt = None,
) -> None:
    """Export the whole review log (ratings, undo entries, typed answers) as CSV or JSON."""
    with open_context(database) as ctx:
        records = [_row(r) for r in ctx.store.review_log(ctx.user)]
    target = output.open("w", encoding="utf-8", newline="") if output else nullcontext(sys.stdout)
    with target as stream:
        if output_format is LogFormat.json:
            json.dump(records, stream, ensure_ascii=False, indent=1)
            stream.write("\n")
        else:
            writer = csv.DictWriter(stream, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(records)
    if output:
        err.print(f"wrote {len(records)} review(s) to {output}")


def optimize(
    minimum: Annotated[
        int, typer.Option("--min-reviews", help="Refuse to fit on fewer reviews.")
    ] = MIN_REVIEWS,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Fit and report, but keep the current parameters.")
    ] = False,
    database: DatabaseOpt = None,
) -> None:
    """Fit your own FSRS parameters to your review log (fsrs-rs, the engine Anki uses).

    Prints the log loss of the current and of the fitted parameters on your reviews; lower
    is better. The new parameters are stored and used from the next session on.
    """
    with open_context(database) as ctx:
        current = ctx.store.parameters(ctx.user)
        with out.status("fitting parameters..."):
            result = fit_parameters(ctx.store.review_log(ctx.user), current, minimum)
        out.print(f"Fitted on {result.reviews} review(s).")
        before, after = result.log_loss_before, result.log_loss_after
        out.print(f"log loss: {before:.4f} (current) -> {after:.4f} (fitted)")
        out.print(f"RMSE (bins): {result.rmse_before:.4f} -> {result.rmse_after:.4f}")
        if dry_run:
            out.print("Dry run: parameters not saved.")
        elif result.log_loss_after <= result.log_loss_before:
            ctx.store.set_parameters(ctx.user, result.parameters)
            out.print("Saved: your schedule now uses the fitted parameters.")
        else:
            out.print("The fitted parameters are not better on your log; kept the current ones.")


@db_app.command("upgrade")
def upgrade(database: DatabaseOpt = None) -> None:
    """Create or migrate the database schema to this version of prepdeck (keeps all data)."""
    settings = load_settings(database_url=database)
    store = SqlStore.open(settings.resolved_database_url)
    store.close()
    out.print(f"{store.where}: schema at revision {head_revision()}")


@db_app.command("prune")
def prune(
    older_than: Annotated[
        int,
        typer.Option(
            "--older-than",
            min=1,
            help="Days: web practice sessions untouched, rating request keys and pending "
            "uploads older than this go.",
        ),
    ] = 30,
    database: DatabaseOpt = None,
) -> None:
    """Delete web state that only served requests long over (a server's periodic chore).

    Reviews, cards, mocks and banks are never touched: an old practice session's ratings stay
    in the log; only its resumable page (/practice/ID) goes. Run it from cron on a shared server.
    """
    settings = load_settings(database_url=database)
    store = SqlStore.open(settings.resolved_database_url)
    try:
        counts = store.prune_web_state(utcnow() - timedelta(days=older_than))
    finally:
        store.close()
    done = ", ".join(f"{n} {what}" for what, n in counts.items())
    out.print(f"{store.where}: deleted {done} (older than {older_than} days)")
