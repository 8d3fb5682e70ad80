"""``prepdeck grade`` and ``prepdeck grading report``: offline feedback on typed answers."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

import prepdeck
from prepdeck.cli.context import open_context
from prepdeck.cli.feedback import show_feedback
from prepdeck.cli.options import DatabaseOpt
from prepdeck.grading.calibration import MIN_FOR_BANDS, override_report
from prepdeck.grading.service import grade_item
from prepdeck.scheduling import Rating
from prepdeck.settings import load_settings

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
report_app = typer.Typer(
    help="How grades compare with the ratings you chose.", no_args_is_help=True
)


def grade(
    item_id: Annotated[str, typer.Option("--item", "-i", help="Id of the item answered.")],
    answer: Annotated[
        str | None,
        typer.Option("--answer", "-a", help="The typed answer (default: read from stdin)."),
    ] = None,
    bank: Annotated[
        list[Path] | None,
        typer.Option(
            "--bank", help="Bank files or folders to find the item in (default: bundled)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the grade as JSON.")] = False,
) -> None:
    """Grade an answer against an item's reference, offline: score, key points, proposed rating.

    Example: `prepdeck grade --item dl-weight-tying --answer "the embedding and output
    layers share one matrix"`, or pipe the answer in: `prepdeck grade -i dl-weight-tying < a.txt`.
    """
    found = [i for i in prepdeck.read_bank(bank or None).items if i.id == item_id]
    if not found:
        err.print(
            f"error: no item with id '{item_id}' (list ids with `prepdeck bank show --format json`)"
        )
        raise typer.Exit(2)
    item = found[0]
    text = answer if answer is not None else sys.stdin.read()
    result = grade_item(item, text, load_settings())
    if as_json:
        payload = {
            "item": item.id,
            **result.to_dict(),
            "references": [r.to_dict() for r in item.references],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
        return
    out.print(f"[bold]{item.question}[/]")
    show_feedback(out, result, text)
    out.print(f"Proposed rating: [bold]{result.rating.label}[/]")
    if item.references:
        out.print("[bold]Read:[/]")
        for ref in item.references:
            out.print(f"  • {ref.label} — {ref.url}")


@report_app.command("report")
def report(
    apply: Annotated[
        bool, typer.Option("--apply", help="Use the suggested bands from now on.")
    ] = False,
    database: DatabaseOpt = None,
) -> None:
    """How often you overrode the proposed rating, in which direction, and suggested bands."""
    with open_context(database) as ctx:
        result = override_report(ctx.store.review_log(ctx.user))
        if result.graded == 0:
            out.print("No graded reviews yet: type an answer in `prepdeck practice` to get one.")
            return
        table = Table(title=f"Proposed vs chosen ratings ({result.graded} graded reviews)")
        table.add_column("proposed")
        for r in Rating:
            table.add_column(f"chose {r.label}", justify="right")
        for proposed in Rating:
            counts = result.by_proposal.get(proposed)
            if counts:
                table.add_row(proposed.label, *(str(counts.get(r, 0)) for r in Rating))
        out.print(table)
        out.print(
            f"Accepted {result.accepted} ({result.accepted / result.graded:.0%}), "
            f"raised {result.raised}, lowered {result.lowered}."
        )
        if result.suggested is None:
            if result.graded < MIN_FOR_BANDS:
                out.print(f"Bands are suggested after {MIN_FOR_BANDS} graded reviews.")
            else:
                out.print("The default bands already match your ratings.")
            return
        s = result.suggested
        out.print(
            f"Suggested bands: Hard from {s.hard:.2f}, Good from {s.good:.2f}, "
            f"Easy from {s.easy:.2f} (defaults 0.40 / 0.60 / 0.85)."
        )
        if apply:
            values = ctx.store.user_settings(ctx.user)
            values["bands"] = {"hard": s.hard, "good": s.good, "easy": s.easy}
            ctx.store.set_user_settings(ctx.user, values)
            out.print("Applied: proposals now use these bands.")
