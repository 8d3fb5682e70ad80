"""Rich rendering for the CLI: diagnostics, items, statistics."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from prepdeck.diagnostics import Diagnostic, Severity
from prepdeck.model import Item


def diagnostic_line(d: Diagnostic) -> Text:
    style = "bold red" if d.severity is Severity.ERROR else "yellow"
    line = Text()
    line.append(str(d.location), style="bold")
    line.append(": ")
    line.append(d.code, style=style)
    line.append(f" {d.message}")
    return line


def item_panel(item: Item) -> Panel:
    meta = Text()
    meta.append(item.id, style="cyan")
    meta.append(f"  {item.topic}")
    if item.difficulty:
        meta.append(f"  {item.difficulty}", style="magenta")
    if item.tags:
        meta.append("  " + " ".join(f"#{t}" for t in item.tags), style="green")
    parts: list[Any] = [meta, Text(""), Markdown(item.question), Text("")]
    parts.append(
        Panel(Markdown(item.answer or "_(no answer)_"), title="Answer", title_align="left")
    )
    if item.key_points:
        parts.append(Text("Key points", style="bold"))
        parts.extend(Text(f"  • {k}") for k in item.key_points)
    if item.hints:
        parts.append(Text("Hints", style="bold"))
        parts.extend(Text(f"  • {h}") for h in item.hints)
    if item.references:
        parts.append(Text("References", style="bold"))
        for ref in item.references:
            parts.append(
                Text.assemble("  • ", (ref.label, "bold"), " ", (ref.url, "blue underline"))
            )
    return Panel(Group(*parts), title=str(item.location), title_align="right")


def stats_tables(stats: dict[str, Any]) -> Group:
    topics = Table(title="Items per topic", show_footer=True)
    topics.add_column("topic", footer="all")
    topics.add_column("items", justify="right", footer=str(stats["items"]))
    for topic, count in stats["per_topic"].items():
        topics.add_row(topic, str(count))
    summary = Table(title="Bank", show_header=False)
    summary.add_column("what")
    summary.add_column("value", justify="right")
    summary.add_row("files", str(stats["files"]))
    summary.add_row("items", str(stats["items"]))
    summary.add_row("topics", str(stats["topics"]))
    summary.add_row("references", str(stats["references"]))
    words = stats["answer_words"]
    summary.add_row(
        "answer words (median, min-max)", f"{words['median']} ({words['min']}-{words['max']})"
    )
    for level, count in stats["difficulty"].items():
        summary.add_row(f"difficulty {level}", str(count))
    for what, pct in stats["coverage"].items():
        summary.add_row(f"with {what.replace('_', ' ')}", f"{pct:.1f}%")
    return Group(summary, topics)


def stderr_console() -> Console:
    return Console(stderr=True)
