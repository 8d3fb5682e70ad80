"""Practice in the terminal, shared by ``prepdeck practice``, ``choice`` and ``mock``: line
input, questions and answers rendered as markdown, the rating prompt and undo.

Input is read line by line, so practice works the same at a terminal, under tmux, or with
answers piped in from a script.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TextIO

from rich.console import Console
from rich.markdown import Markdown
from rich.panel import Panel

from prepdeck.model import Item
from prepdeck.practice import PracticeSession
from prepdeck.scheduling import Rating, humanise
from prepdeck.textmath import math_to_text

out = Console(highlight=False)


class Lines:
    """Line input that reports end of input as None instead of raising."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def ask(self, prompt: str) -> str | None:
        out.print(prompt, end="")
        line = self.stream.readline()
        if not line:
            out.print()
            return None
        return line.rstrip("\r\n")


def markdown(text: str) -> Markdown:
    return Markdown(math_to_text(text))


def show_answer(item: Item) -> None:
    out.print(Panel(markdown(item.answer), title="Answer", title_align="left"))
    if item.references:
        out.print("[bold]Read more:[/]")
        for ref in item.references:
            out.print(f"  • {ref.label} — [blue]{ref.url}[/]")


def show_hints(item: Item) -> None:
    if not item.hints:
        out.print("[dim]No hint for this question.[/]")
    for hint in item.hints:
        out.print(f"[yellow]Hint:[/] {math_to_text(hint)}")


def ask_rating(
    lines: Lines, item: Item, previews: dict[Rating, timedelta], proposed: Rating | None
) -> str | Rating | None:
    choices = " · ".join(f"[bold]{int(r)}[/] {r.label} ({humanise(previews[r])})" for r in Rating)
    default = f" · [bold]Enter[/] = {proposed.label} (proposed)" if proposed else ""
    while True:
        answer = lines.ask(
            f"Rate: {choices}{default} · [bold]h[/] hint · [bold]u[/] undo · [bold]q[/] quit > "
        )
        if answer is None:
            return None
        key = answer.strip().lower()
        if not key and proposed is not None:
            return proposed
        if key in ("1", "2", "3", "4"):
            return Rating(int(key))
        if key in ("q", ":q", "quit"):
            return None
        if key in ("u", ":u", "undo"):
            return "undo"
        if key in ("h", ":h"):
            show_hints(item)
            continue
        out.print("[red]Type 1, 2, 3 or 4 (or u, h, q).[/]")


def undo(session: PracticeSession) -> None:
    """Undo the last rating of ``session`` and say whether there was one to undo."""
    restored = session.undo()
    out.print("Undid the last rating." if restored else "[dim]Nothing to undo.[/]")


def elapsed(delta: timedelta) -> str:
    seconds = delta.total_seconds()
    return f"{seconds:.0f} s" if seconds < 60 else humanise(delta)
