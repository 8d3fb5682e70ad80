"""Options shared by several ``prepdeck`` commands: the database and the queue filters."""

from __future__ import annotations

from typing import Annotated

import typer

from prepdeck.storage import QueueFilter

DatabaseOpt = Annotated[
    str | None,
    typer.Option(
        "--database",
        envvar="PREPDECK_DATABASE_URL",
        help="Database URL (default: SQLite in your data folder).",
        show_default=False,
    ),
]
TopicOpt = Annotated[
    list[str] | None, typer.Option("--topic", "-t", help="Only this topic (repeatable).")
]
TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", help="Only items with this tag (repeatable).")
]
DifficultyOpt = Annotated[
    list[str] | None, typer.Option("--difficulty", "-d", help="easy, medium or hard (repeatable).")
]
BankOpt = Annotated[
    list[str] | None,
    typer.Option("--bank", help="Only this bank: 'bundled' or the path given to `bank add`."),
]


def queue_filter(
    topic: list[str] | None,
    tag: list[str] | None,
    difficulty: list[str] | None,
    bank: list[str] | None,
) -> QueueFilter:
    """The queue filter of the --topic, --tag, --difficulty and --bank options."""
    return QueueFilter(
        banks=tuple(bank or ()),
        topics=tuple(topic or ()),
        tags=tuple(tag or ()),
        difficulties=tuple(difficulty or ()),
    )
