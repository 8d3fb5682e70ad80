"""``prepdeck bank ...``: lint, format, show and count question banks."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

import prepdeck
from prepdeck.cli.options import DatabaseOpt
from prepdeck.cli.render import diagnostic_line, item_panel, stats_tables
from prepdeck.errors import PrepdeckError
from prepdeck.model import Bank

app = typer.Typer(
    help="Work with question banks: markdown pages of questions and answers.",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class TargetStyle(StrEnum):
    book = "book"


PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Files or folders of markdown pages (folders are searched for *.md). "
        "Default: the bundled bank.",
        show_default=False,
    ),
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


@contextmanager
def _progress(label: str) -> Iterator[prepdeck.reader.Progress | None]:
    """A progress bar on stderr for long reads; silent when stderr is not a terminal."""
    if not err.is_terminal:
        yield None
        return
    with Progress(
        TextColumn(f"{label} [progress.description]{{task.description}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def update(done: int, total: int, path: str) -> None:
            bar.update(task, completed=done, total=total, description=Path(path).name)

        yield update


def _read(paths: list[Path] | None) -> Bank:
    with _progress("reading") as progress:
        return prepdeck.read_bank(paths or None, progress=progress)


def _report_unreadable(bank: Bank) -> None:
    for d in bank.errors:
        err.print(diagnostic_line(d), soft_wrap=True)


@app.command()
def lint(
    paths: PathsArg = None,
    output: FormatOpt = OutputFormat.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit non-zero on warnings as well as errors.")
    ] = False,
    spelling: Annotated[
        bool, typer.Option("--spelling/--no-spelling", help="Check spelling of questions.")
    ] = True,
    words: Annotated[
        Path | None,
        typer.Option("--words", help="A file of extra accepted words, one a line.", exists=True),
    ] = None,
) -> None:
    """Check banks for problems; print `file:line:col: CODE message` for each.

    Exits 1 when there are errors (with --strict, warnings too). Codes are listed in the
    README. Example: `prepdeck bank lint docs/ --format json`.
    """
    extra = words.read_text("utf-8").split() if words else []
    with _progress("linting") as progress:
        report = prepdeck.lint(paths or None, spellcheck=spelling, words=extra, progress=progress)
    if output is OutputFormat.json:
        payload = {
            "files": len(report.bank.pages) + len(report.bank.errors),
            "items": len(report.bank),
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "diagnostics": [d.to_dict() for d in report.diagnostics],
        }
        out.print_json(json.dumps(payload))
    else:
        for d in report.diagnostics:
            out.print(diagnostic_line(d), soft_wrap=True)
        files = len(report.bank.pages) + len(report.bank.errors)
        summary = (
            f"{files} file(s), {len(report.bank)} item(s): "
            f"{len(report.errors)} error(s), {len(report.warnings)} warning(s)"
        )
        out.print(summary, style="bold green" if report.ok and not report.warnings else "bold")
    if report.errors or (strict and report.warnings):
        raise typer.Exit(1)


@app.command()
def fmt(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders to format in place.", show_default=False)
    ],
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if a file would change.")
    ] = False,
    to: Annotated[
        TargetStyle | None,
        typer.Option("--to", help="Convert dsprep-style items to the book's style."),
    ] = None,
) -> None:
    """Rewrite pages in prepdeck's canonical book style (atomically, only if changed).

    A page with structural errors is left untouched; run `prepdeck bank lint` first.
    """
    files, missing = prepdeck.formats.files.discover(paths)
    failures = len(missing)
    for exc in missing:
        err.print(f"[bold]{exc.location}[/]: {exc.message}", highlight=False)
    changed = 0
    for path in files:
        try:
            result = prepdeck.format_file(path, to_book=to is TargetStyle.book, write=not check)
        except PrepdeckError as exc:
            failures += 1
            err.print(f"[bold]{exc.location or path}[/]: {exc.message}", highlight=False)
            continue
        if result.changed:
            changed += 1
            verb = "would reformat" if check else "reformatted"
            out.print(f"{verb} {path}", highlight=False)
    total = len(files)
    verb = "would be reformatted" if check else "reformatted"
    out.print(f"{changed} of {total} file(s) {verb}, {total - changed} unchanged")
    if failures or (check and changed):
        raise typer.Exit(1)


@app.command()
def show(
    paths: PathsArg = None,
    output: FormatOpt = OutputFormat.text,
    item_id: Annotated[
        list[str] | None, typer.Option("--id", help="Only items with this id (repeatable).")
    ] = None,
    topic: Annotated[
        str | None, typer.Option("--topic", help="Only items of this topic (case-insensitive).")
    ] = None,
) -> None:
    """Show items: rendered in the terminal, or one JSON object a line with --format json."""
    bank = _read(paths)
    items = bank.items
    if item_id:
        wanted = set(item_id)
        items = [i for i in items if i.id in wanted]
    if topic:
        items = [i for i in items if i.topic.casefold() == topic.casefold()]
    for item in items:
        if output is OutputFormat.json:
            sys.stdout.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
        else:
            out.print(item_panel(item))
    _report_unreadable(bank)
    if not items and (item_id or topic):
        err.print("no item matches")
        raise typer.Exit(1)
    if bank.errors:
        raise typer.Exit(1)


@app.command()
def add(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders of markdown pages.", show_default=False)
    ],
    database: DatabaseOpt = None,
) -> None:
    """Load banks into your study database so `prepdeck practice` can use them.

    Each PATH becomes one bank. Running it again is safe: unchanged items stay as they are,
    an edited item keeps its card and history (the old text is kept as a version), and an
    item removed from the files leaves the queue but keeps its history. Each bank is loaded
    in one transaction: if anything fails, the store is left as it was.
    """
    from prepdeck.cli.context import open_context

    failures = 0
    with open_context(database) as ctx:
        for path in paths:
            bank = _read([path])
            _report_unreadable(bank)
            failures += len(bank.errors)
            usable = [i for i in bank.items if i.question.strip() and i.answer.strip()]
            skipped = len(bank.items) - len(usable)
            if not bank.pages:
                continue
            name = str(path.resolve())
            with _sync_progress() as progress:
                result = ctx.store.sync_bank(name, str(path), usable, progress=progress)
            out.print(
                f"{name}: {result.added} added, {result.updated} updated, "
                f"{result.unchanged} unchanged, {result.retired} retired"
                + (f", {skipped} skipped (empty question or answer)" if skipped else ""),
                highlight=False,
            )
            for key in result.skipped_duplicates:
                err.print(f"warning: id '{key}' appears more than once; only the first is loaded")
    if failures:
        raise typer.Exit(1)


@app.command()
def publish(
    target: Annotated[
        str,
        typer.Argument(
            help="A page or folder on this machine, or the name of a loaded bank (say, an "
            "upload's).",
            show_default=False,
        ),
    ],
    withdraw: Annotated[
        bool, typer.Option("--withdraw", help="Stop showing the bank to learners.")
    ] = False,
    database: DatabaseOpt = None,
) -> None:
    """Share a bank with the learners of a multi-user server (accounts on).

    A path is loaded first (refused whole if a file cannot be read or an item has no answer),
    then published; learners see published banks (and the bundled one) with their own
    progress. --withdraw hides a bank again; learners' progress on it is kept.
    """
    from prepdeck.cli.context import open_context
    from prepdeck.shared_banks import BankError, load_bank_path

    try:
        with open_context(database) as ctx:
            name = str(Path(target).resolve()) if Path(target).exists() else target
            if not withdraw and Path(target).exists():
                name, result = load_bank_path(ctx.store, Path(target))
                out.print(
                    f"{name}: {result.added} added, {result.updated} updated, "
                    f"{result.unchanged} unchanged, {result.retired} retired",
                    highlight=False,
                    soft_wrap=True,
                )
            listing = ctx.store.set_bank_published(name, not withdraw)
    except BankError as exc:
        err.print(f"error: {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    state = (
        "published: learners see it"
        if listing.published
        else "withdrawn: learners no longer see it"
    )
    out.print(
        f"{listing.name}: {state} ({listing.items} questions)", highlight=False, soft_wrap=True
    )


@contextmanager
def _sync_progress() -> Iterator[Callable[[int, int], None] | None]:
    if not err.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("loading"), BarColumn(), MofNCompleteColumn(), console=err, transient=True
    ) as bar:
        task = bar.add_task("", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@app.command()
def stats(paths: PathsArg = None, output: FormatOpt = OutputFormat.text) -> None:
    """Count items per topic, answer length, references and metadata coverage."""
    bank = _read(paths)
    figures = prepdeck.bank_stats(bank)
    if output is OutputFormat.json:
        out.print_json(json.dumps(figures))
    else:
        out.print(stats_tables(figures))
    _report_unreadable(bank)
    if bank.errors:
        raise typer.Exit(1)
