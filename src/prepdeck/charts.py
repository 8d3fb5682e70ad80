"""Tiny SVG charts made on the server: bars over time, a line, and bars per category.

Each function returns one ``<svg>`` element as a string, for inline use in a page. Charts are
accessible: ``role="img"`` labelled by a ``<title>`` and a ``<desc>`` summing the data up, and
every bar or point carries its own ``<title>`` (a tooltip, read by screen readers). All text
is escaped. Colours come from CSS classes (``bar``, ``bar2``, ``line``, ``dot``, ``axis``,
``grid``), so the page's theme applies; no ``style`` attributes (the CSP forbids inline style).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

Format = Callable[[float], str]

WIDTH = 640
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 48


def plain(value: float) -> str:
    """A count or a short decimal: 12, 3.5."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2g}"


def percent(value: float) -> str:
    return f"{value:.0%}"


def nice_max(value: float) -> float:
    """The smallest of 1, 2, 5 x 10^k that is >= ``value`` (1 for zero or less)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    cid = escape(chart_id, quote=True)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{cid}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{cid}-title {cid}-desc">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]


def _y_axis(top_value: float, fmt: Format, y_label: str, height: int) -> list[str]:
    """Grid lines and labels at 0, half and the top, and the rotated axis label."""
    plot_h = height - TOP - BOTTOM
    out = []
    for share in (0.0, 0.5, 1.0):
        y = TOP + plot_h * (1 - share)
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_n(y)}" y2="{_n(y)}"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{_n(y + 4)}" text-anchor="end">'
            f"{escape(fmt(top_value * share))}</text>"
        )
    mid = TOP + plot_h / 2
    out.append(
        f'<text x="12" y="{_n(mid)}" text-anchor="middle" '
        f'transform="rotate(-90 12 {_n(mid)})">{escape(y_label)}</text>'
    )
    out.append(f'<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{height - BOTTOM}"/>')
    out.append(
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
        f'y1="{height - BOTTOM}" y2="{height - BOTTOM}"/>'
    )
    return out


def _x_labels(labels: Sequence[str], x_of: Callable[[int], float], every: int) -> list[str]:
    out = []
    base = HEIGHT - BOTTOM
    for i, label in enumerate(labels):
        if i % every == 0:
            out.append(
                f'<text x="{_n(x_of(i))}" y="{base + 14}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    return out


def _x_title(x_label: str) -> str:
    middle = LEFT + (WIDTH - LEFT - RIGHT) / 2
    return f'<text x="{_n(middle)}" y="{HEIGHT - 8}" text-anchor="middle">{escape(x_label)}</text>'


def _summary(points: Sequence[tuple[str, float | None]], fmt: Format, unit: str) -> str:
    known = [(label, v) for label, v in points if v is not None]
    if not known:
        return "No data yet."
    label, top = max(known, key=lambda p: p[1])
    unit = f" {unit}" if unit else ""
    return (
        f"{len(points)} values from {points[0][0]} to {points[-1][0]}; "
        f"highest {fmt(top)}{unit} ({label})."
    )


def bar_chart(
    points: Sequence[tuple[str, float]],
    *,
    chart_id: str,
    title: str,
    x_label: str,
    y_label: str,
    unit: str = "",
    fmt: Format = plain,
    label_every: int = 7,
) -> str:
    """Vertical bars, one per ``(label, value)``; values must be >= 0."""
    top = nice_max(max((v for _, v in points), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(points), 1)
    out = _open(chart_id, title, _summary(points, fmt, unit), WIDTH, HEIGHT)
    out += _y_axis(top, fmt, y_label, HEIGHT)
    for i, (label, value) in enumerate(points):
        h = plot_h * value / top
        x = LEFT + i * slot + slot * 0.1
        out.append(
            f'<rect class="bar" x="{_n(x)}" y="{_n(TOP + plot_h - h)}" '
            f'width="{_n(slot * 0.8)}" height="{_n(h)}">'
            f"<title>{escape(label)}: {escape(fmt(value))} {escape(unit)}</title></rect>"
        )
    out += _x_labels([p[0] for p in points], lambda i: LEFT + (i + 0.5) * slot, label_every)
    out.append(_x_title(x_label))
    out.append("</svg>")
    return "".join(out)


def line_chart(
    points: Sequence[tuple[str, float | None]],
    *,
    chart_id: str,
    title: str,
    x_label: str,
    y_label: str,
    unit: str = "",
    fmt: Format = percent,
    y_max: float | None = 1.0,
    label_every: int = 2,
) -> str:
    """A line through ``(label, value)`` points; None leaves a gap. ``y_max`` None: from data."""
    known = [v for _, v in points if v is not None]
    top = y_max if y_max is not None else nice_max(max(known, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(points), 1)

    def x_of(i: int) -> float:
        return LEFT + (i + 0.5) * slot

    out = _open(chart_id, title, _summary(points, fmt, unit), WIDTH, HEIGHT)
    out += _y_axis(top, fmt, y_label, HEIGHT)
    runs: list[list[str]] = [[]]
    dots = []
    for i, (label, value) in enumerate(points):
        if value is None:
            runs.append([])
            continue
        y = TOP + plot_h * (1 - min(value, top) / top)
        runs[-1].append(f"{_n(x_of(i))},{_n(y)}")
        dots.append(
            f'<circle class="dot" cx="{_n(x_of(i))}" cy="{_n(y)}" r="3.5">'
            f"<title>{escape(label)}: {escape(fmt(value))} {escape(unit)}</title></circle>"
        )
    out += [f'<polyline class="line" points="{" ".join(run)}"/>' for run in runs if len(run) > 1]
    out += dots
    if not known:
        out.append(
            f'<text class="empty" x="{_n(LEFT + plot_w / 2)}" y="{_n(TOP + plot_h / 2)}" '
            'text-anchor="middle">no data yet</text>'
        )
    out += _x_labels([p[0] for p in points], x_of, label_every)
    out.append(_x_title(x_label))
    out.append("</svg>")
    return "".join(out)


def category_bars(
    rows: Sequence[tuple[str, float, float]],
    *,
    chart_id: str,
    title: str,
    series: tuple[str, str],
    fmt: Format = percent,
) -> str:
    """Two horizontal bars per category, values in 0..1: ``(category, first, second)``."""
    row_h, label_w, right = 34, 190, 56
    height = TOP + 24 + row_h * max(len(rows), 1) + 8
    bar_w = WIDTH - label_w - right
    desc = "; ".join(f"{cat}: {series[0]} {fmt(a)}, {series[1]} {fmt(b)}" for cat, a, b in rows)
    out = _open(chart_id, title, desc or "No data yet.", WIDTH, height)
    for i, (name, cls) in enumerate(zip(series, ("bar", "bar2"), strict=True)):
        x = label_w + i * 170
        out.append(f'<rect class="{cls}" x="{x}" y="{TOP}" width="12" height="12"/>')
        out.append(f'<text x="{x + 18}" y="{TOP + 10}">{escape(name)}</text>')
    for i, (cat, first, second) in enumerate(rows):
        y = TOP + 24 + i * row_h
        shown = cat if len(cat) <= 30 else cat[:29] + "…"
        out.append(
            f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end">'
            f"<title>{escape(cat)}</title>{escape(shown)}</text>"
        )
        for j, (value, cls) in enumerate(((first, "bar"), (second, "bar2"))):
            w = bar_w * max(0.0, min(value, 1.0))
            by = y + 3 + j * 14
            out.append(
                f'<rect class="{cls}" x="{label_w}" y="{by}" width="{_n(w)}" height="12">'
                f"<title>{escape(cat)}, {escape(series[j])}: {escape(fmt(value))}</title></rect>"
            )
            out.append(f'<text x="{_n(label_w + w + 4)}" y="{by + 10}">{escape(fmt(value))}</text>')
    out.append(
        f'<line class="axis" x1="{label_w}" x2="{label_w}" y1="{TOP + 22}" y2="{height - 6}"/>'
    )
    out.append("</svg>")
    return "".join(out)


#: Dash patterns and classes telling the lines of :func:`readiness_chart` apart (the dashes
#: without colour too).
_DASHES = ("", "7 4", "2 3")
_LINE_CLASSES = ("line", "line line2", "line line3")
#: Colours for a chart saved as a file (on a page the stylesheet colours it).
_STANDALONE_STYLE = (
    "<style>.chart{font-family:sans-serif;background:#fff}.chart text{fill:#222;font-size:11px}"
    ".chart .axis{stroke:#666}.chart .grid{stroke:#ddd}.chart .line{stroke:#1f6feb;"
    "stroke-width:2;fill:none}.chart .line2{stroke:#1a7f37}.chart .line3{stroke:#8250df}"
    ".chart .dot{fill:#1f6feb}.chart .target{stroke:#b35900;stroke-width:1.5;fill:none}</style>"
)


def readiness_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    target: float,
    chart_id: str,
    title: str,
    x_label: str = "day",
    label_every: int = 7,
    standalone: bool = False,
    dots: bool = True,
) -> str:
    """Up to three lines of values in 0..1 over the same ``labels`` (solid, dashed, dotted)
    and a dashed horizontal ``target``. With ``dots`` the first line's points are drawn and
    carry tooltips. With ``standalone`` the SVG carries its own colours (for a file outside
    the web UI)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)

    def x_of(i: int) -> float:
        return LEFT + (i + 0.5) * slot

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - max(0.0, min(value, 1.0)))

    ends = "; ".join(f"{name}: {percent(values[-1])}" for name, values in series if values)
    desc = f"{len(labels)} days from {labels[0]} to {labels[-1]}. " if labels else ""
    desc += f"Last values: {ends}; target {percent(target)}." if ends else "No data yet."
    # The legend gets rows of its own above the plot, which is shifted down below it.
    styles = list(zip(_DASHES, _LINE_CLASSES, strict=True))
    keys = [(name, dash, cls) for (name, _), (dash, cls) in zip(series, styles, strict=False)]
    keys.append((f"target {percent(target)}", "5 4", "target"))
    legend, rows = _legend(keys)
    shift = 16 * rows + 4
    out = _open(chart_id, title, desc, WIDTH, HEIGHT + shift)
    if standalone:
        out.insert(1, _STANDALONE_STYLE)
    out += legend
    out.append(f'<g transform="translate(0 {shift})">')
    out += _y_axis(1.0, percent, "expected recall", HEIGHT)
    ty = _n(y_of(target))
    out.append(
        f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty}" y2="{ty}" '
        f'stroke-dasharray="5 4"><title>target {escape(percent(target))}</title></line>'
    )
    for n, ((name, values), (dash, cls)) in enumerate(zip(series, styles, strict=False)):
        points = " ".join(f"{_n(x_of(i))},{_n(y_of(v))}" for i, v in enumerate(values))
        pattern = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<polyline class="{cls}"{pattern} points="{points}"><title>{escape(name)}</title>'
            "</polyline>"
        )
        if n == 0 and dots:
            out += [
                f'<circle class="dot" cx="{_n(x_of(i))}" cy="{_n(y_of(v))}" r="2.5">'
                f"<title>{escape(labels[i])}: {escape(name)} {escape(percent(v))}</title></circle>"
                for i, v in enumerate(values)
            ]
    out += _x_labels(labels, x_of, label_every)
    out.append(_x_title(x_label))
    out.append("</g></svg>")
    return "".join(out)


def _legend(keys: Sequence[tuple[str, str, str]]) -> tuple[list[str], int]:
    """A sample line and a name per ``(name, dash pattern, class)``, in rows across the top;
    returns the markup and the number of rows."""
    out = []
    x: float = LEFT
    y = 12
    for name, dash, cls in keys:
        width = 36 + 6.6 * len(name)
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, y = LEFT, y + 16
        pattern = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line class="{cls}"{pattern} x1="{_n(x)}" x2="{_n(x + 22)}" y1="{y}" y2="{y}"/>'
        )
        out.append(f'<text x="{_n(x + 26)}" y="{y + 4}">{escape(name)}</text>')
        x += width
    return out, (y - 12) // 16 + 1
