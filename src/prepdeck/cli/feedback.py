"""Rich rendering of a grade: score, verdict, key points hit and missed, matched words lit."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from prepdeck.grading.types import Grade
from prepdeck.textmath import math_to_text


def highlighted_answer(grade: Grade, answer: str) -> Text:
    text = Text(answer)
    for point in grade.hits:
        if point.span is not None:
            text.stylize("bold green underline", *point.span)
    return text


def feedback_panel(grade: Grade, answer: str) -> Panel:
    lines: list[Text] = [Text(f"{grade.score:.0%} · {grade.verdict}", style="bold")]
    for point in grade.key_points:
        mark = Text("  ✓ ", style="green") if point.hit else Text("  ✗ ", style="red")
        line = mark + Text(math_to_text(point.text))
        if point.hit and point.evidence:
            line.append(f'  ← "{point.evidence}"', style="dim")
        elif point.reason:
            line.append(f"  ({point.reason})", style="yellow")
        lines.append(line)
    if answer.strip():
        lines += [Text(""), Text("Your answer, matched words lit:", style="dim")]
        lines.append(highlighted_answer(grade, answer))
    for note in grade.notes:
        lines.append(Text(note, style="yellow"))
    title = f"Feedback ({grade.method or 'offline'}) · proposed: {grade.rating.label}"
    return Panel(Group(*lines), title=title, title_align="left")


def show_feedback(console: Console, grade: Grade, answer: str) -> None:
    console.print(feedback_panel(grade, answer))
