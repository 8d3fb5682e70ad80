"""Bar charts drawn with block characters, for Rich (``prepdeck stats``).

One column per value, eight steps per row (``▁▂▃▄▅▆▇█``), the top value beside the first
row, zero beside the axis, and the first and last x labels under it. A value above zero
always shows at least ``▁``; a missing value (None) leaves its column blank.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text

_EIGHTHS = " ▁▂▃▄▅▆▇█"


def _cell(value: float | None, eighths: float, bottom_row: bool) -> str:
    """The character for ``value`` in a row it fills ``eighths`` eighths of."""
    if value is None:
        return " "
    if eighths >= 8:
        return "█"
    if eighths <= 0:
        return "▁" if bottom_row and value > 0 else " "
    return _EIGHTHS[max(1, round(eighths))]


def bar_chart(
    values: Sequence[float | None],
    *,
    title: str,
    first_label: str,
    last_label: str,
    height: int = 6,
    top: float | None = None,
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
    style: str = "cyan",
    column_width: int = 1,
) -> Text:
    """A ``height``-row bar chart of ``values`` (scaled to ``top``, default their maximum)."""
    known = [v for v in values if v is not None]
    ceiling = top if top is not None else max(known, default=0.0)
    ceiling = ceiling or 1.0
    labels = [fmt(ceiling), *([""] * (height - 1))]
    zero = fmt(0.0)
    pad = max(len(labels[0]), len(zero))
    chart = Text()
    chart.append(title + "\n", style="bold")
    for row in range(height, 0, -1):
        chart.append(f"{labels[height - row]:>{pad}} ┤", style="dim")
        for value in values:
            eighths = 0.0 if value is None else value / ceiling * height * 8 - (row - 1) * 8
            chart.append(_cell(value, eighths, row == 1) * column_width, style=style)
        chart.append("\n")
    width = len(values) * column_width
    chart.append(f"{zero:>{pad}} └" + "─" * width + "\n", style="dim")
    gap = max(width - len(first_label) - len(last_label), 1)
    chart.append(" " * (pad + 2) + first_label + " " * gap + last_label + "\n", style="dim")
    return chart
