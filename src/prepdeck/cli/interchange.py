"""``prepdeck bank export`` and ``prepdeck bank import``: banks to and from Anki, CSV, JSON."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

import prepdeck
from prepdeck.cli.context import open_context
from prepdeck.cli.options import DatabaseOpt
from prepdeck.cli.render import diagnostic_line
from prepdeck.errors import PrepdeckError
from prepdeck.interchange import tabular
from prepdeck.interchange.anki_export import export_apkg
from prepdeck.interchange.anki_import import read_apkg
from prepdeck.interchange.bank_page import ImportedBank, write_bank_page
from prepdeck.interchange.files import AnkiOptions
from prepdeck.interchange.items import title_of
from prepdeck.interchange.output import write_text_atomically
from prepdeck.interchange.progress import ProgressCard, cards_by_item
from prepdeck.model import Item

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


class ExportFormat(StrEnum):
    apkg = "apkg"
    csv = "csv"
    json = "json"


@contextmanager
def _bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long work; silent when stderr is not a terminal."""
    if not err.is_terminal:
        yield None
        return
    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), console=err, transient=True
    ) as bar:
        task = bar.add_task("", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _deck_name(paths: list[Path] | None) -> str:
    if not paths:
        return "prepdeck"
    if len(paths) == 1:
        path = paths[0].resolve()
        return title_of(path.stem if path.is_file() else path.name)
    return "prepdeck"


def _bank_names(paths: list[Path] | None) -> list[str]:
    """The names ``prepdeck bank add`` gives these paths in the database."""
    return [str(p.resolve()) for p in paths] if paths else ["bundled"]


def _user_cards(
    items: list[Item], paths: list[Path] | None, database: str | None
) -> tuple[dict[str, ProgressCard], AnkiOptions]:
    with open_context(database) as ctx:
        progress = ctx.store.export_progress(ctx.user)
        options = AnkiOptions.of(ctx.settings, ctx.scheduler.parameters)
    return cards_by_item(progress.cards, (i.id for i in items), _bank_names(paths)), options


def export(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files or folders of markdown pages. Default: the bundled bank.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="apkg (Anki package), csv or json."),
    ] = ExportFormat.apkg,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write (replaced if it exists). Default: DECK.apkg here for apkg, "
            "stdout for csv and json.",
            show_default=False,
        ),
    ] = None,
    with_progress: Annotated[
        bool,
        typer.Option(
            "--with-progress",
            help="Include your scheduling state: Anki cards keep their due dates, intervals "
            "and FSRS memory state; CSV gets card_* columns, JSON a progress object.",
        ),
    ] = False,
    deck: Annotated[
        str | None,
        typer.Option(
            "--deck", help="Anki deck name (topics become subdecks). Default: the bank's name."
        ),
    ] = None,
    database: DatabaseOpt = None,
) -> None:
    """Export a bank to Anki (.apkg), CSV or JSON.

    Re-exporting updates in Anki instead of duplicating: deck, note type and note ids are
    derived from prepdeck's (a hash), so importing a newer .apkg updates the notes imported
    before. Answers are rendered to HTML and sanitised; the notes also keep the markdown, so
    `prepdeck bank import` of an unedited note gives the item back exactly.

    Examples: `prepdeck bank export -o bundled.apkg`,
    `prepdeck bank export my-bank/ --format csv -o my-bank.csv`,
    `prepdeck bank export --with-progress -o with-my-schedule.apkg`.
    """
    with _bar("reading") as progress:
        bank = prepdeck.read_bank(
            paths or None, progress=progress and (lambda done, total, _path: progress(done, total))
        )
    for diagnostic in bank.errors:
        err.print(diagnostic_line(diagnostic), soft_wrap=True)
    if bank.errors:
        raise typer.Exit(1)
    items = [i for i in bank.items if i.question.strip() and i.answer.strip()]
    if not items:
        err.print("error: no question with an answer to export")
        raise typer.Exit(1)
    cards: dict[str, ProgressCard] | None = None
    options = AnkiOptions()
    if with_progress:
        cards, options = _user_cards(items, paths, database)
    name = deck or _deck_name(paths)
    try:
        if output_format is ExportFormat.apkg:
            target = output or Path(f"{name.replace('/', '-').replace(' ', '-').lower()}.apkg")
            with _bar("exporting") as progress:
                summary = export_apkg(
                    items,
                    target,
                    deck=name,
                    cards=cards,
                    desired_retention=options.desired_retention,
                    decay=options.decay,
                    # no steps configured: Anki still gets its defaults (the web export sends 0)
                    learning_steps=options.learning_steps or 2,
                    relearning_steps=options.relearning_steps or 1,
                    on_item=progress,
                )
            scheduled = f", {summary.scheduled} with your schedule" if with_progress else ""
            err.print(
                f"wrote {summary.notes} note(s) in {summary.decks} deck(s){scheduled} to "
                f"{target}; in Anki: File > Import"
            )
            return
        if output_format is ExportFormat.csv:
            text = tabular.csv_text(items, cards)
        else:
            text = tabular.json_text(items, name, cards)
        if output is None:
            sys.stdout.write(text)
        else:
            write_text_atomically(output, text)
            err.print(f"wrote {len(items)} item(s) to {output}")
    except PrepdeckError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(1) from None


def _target(source: Path, to: Path | None) -> Path:
    if to is not None and to.suffix.lower() in (".md", ".markdown"):
        return to
    return (to or Path.cwd()) / f"{source.stem}.md"


def read_foreign(path: Path) -> ImportedBank:
    """An .apkg, CSV or JSON bank, by its suffix."""
    if path.suffix.lower() == ".apkg":
        return read_apkg(path)
    return tabular.read_tabular(path)


def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="An Anki package (.apkg), CSV (.csv/.tsv) or JSON (.json/.jsonl) file.",
            show_default=False,
        ),
    ],
    to: Annotated[
        Path | None,
        typer.Option(
            "--to",
            help="Folder to write FILE's name .md into, or a .md file. Default: this folder.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the markdown page if it exists.")
    ] = False,
) -> None:
    """Turn an Anki package, CSV or JSON file into a markdown bank page (book format).

    The page is written in prepdeck's canonical style, checked to read back item for item
    and lint without errors, then written atomically; a malformed file names the line, row
    or field and writes nothing. Anki: Basic-like notes (Front/Back or Question/Answer
    fields), HTML turned into plain markdown (no scripts, styles or media); topics come from
    a Topic field or the deck. CSV needs the columns question and answer (optional: id,
    topic, difficulty, tags, hints, key_points, companies).

    Then: `prepdeck bank lint PAGE` and `prepdeck bank add PAGE` to practise it.
    """
    target = _target(file, to)
    try:
        if target.exists() and not force:
            raise PrepdeckError("file exists; pass --force to replace it", None)
        with err.status(f"reading {file.name}..."):
            imported = read_foreign(file)
        written = write_bank_page(imported, target, force=force)
    except PrepdeckError as exc:
        where = exc.location or target
        err.print(f"error: {where}: {exc.message}")
        raise typer.Exit(1) from None
    for warning in imported.warnings:
        err.print(f"warning: {warning}")
    topics = sorted({i.topic for i in imported.items if i.topic})
    shown = ", ".join(topics[:5]) + (", ..." if len(topics) > 5 else "")
    out.print(f"wrote {written} question(s) in {len(topics)} topic(s) to {target}: {shown}")
    out.print(f"next: prepdeck bank lint {target} && prepdeck bank add {target}")
