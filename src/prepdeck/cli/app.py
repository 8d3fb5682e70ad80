"""The ``prepdeck`` command: a thin skin over the library (``prepdeck.*``)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

import prepdeck
from prepdeck.cli import (
    bank,
    choice,
    data,
    grading,
    interchange,
    leeches,
    mock,
    progress,
    serve,
    stats,
    study,
    users,
)
from prepdeck.cli.render import stats_tables
from prepdeck.errors import PrepdeckError
from prepdeck.store import StoreError

app = typer.Typer(
    help="prepdeck: practise for data-science and ML interviews from markdown question banks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(bank.app, name="bank")
bank.app.command("export")(interchange.export)
bank.app.command("import")(interchange.import_)
app.command()(study.practice)
app.command()(study.status)
app.command()(stats.stats)
app.command()(choice.choice)
app.command(name="leeches")(leeches.leeches_command)
app.command()(data.optimize)
app.add_typer(data.log_app, name="log")
app.add_typer(progress.app, name="progress")
app.add_typer(data.db_app, name="db")
app.command()(grading.grade)
app.add_typer(grading.report_app, name="grading")
app.command()(serve.serve)
app.add_typer(users.app, name="users")
app.command()(mock.mock)
out = Console()


def _version(value: bool) -> None:
    if value:
        out.print(f"prepdeck {prepdeck.__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Question banks are markdown pages (mkdocs-material Q&A admonitions)."""


@app.command()
def overview() -> None:
    """Lint and count the bundled bank, then suggest what to try next."""
    report = prepdeck.lint()
    figures = prepdeck.bank_stats(report.bank)
    out.print(stats_tables(figures))
    state = "clean" if report.ok and not report.warnings else "has findings"
    out.print(
        f"\nLint of the bundled bank: {len(report.errors)} error(s), "
        f"{len(report.warnings)} warning(s) ({state})."
    )
    out.print(
        "\n[bold]Try next[/]\n"
        "  prepdeck bank show --topic 'Deep learning'   read questions and answers\n"
        "  prepdeck bank show --format json            items as JSON lines\n"
        "  prepdeck bank lint path/to/your/bank/       check your own pages\n"
        "  prepdeck bank fmt --check path/to/page.md   see what the formatter would change\n"
        "  prepdeck --help                             everything else",
        highlight=False,
    )


def main() -> None:
    try:
        app()
    except StoreError as exc:
        Console(stderr=True).print(f"error: {exc}", highlight=False)
        raise SystemExit(3) from None
    except PrepdeckError as exc:  # a last net: commands report their own errors first
        Console(stderr=True).print(f"error: {exc}", highlight=False)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
