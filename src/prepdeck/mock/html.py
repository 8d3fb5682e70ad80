"""The report as HTML: a fragment for the web page and a standalone file to keep or print.

Bank markdown goes through :func:`prepdeck.render.render_markdown` (the sanitiser); the
user's typed answers are escaped. The standalone file carries its own styles (print-ready)
and no script; formulas show as their TeX source there.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from importlib.resources import files
from urllib.parse import urlsplit

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from prepdeck.mock.report import MockReport
from prepdeck.render import render_markdown


def _markdown(text: str, scope: str) -> Markup:
    return Markup(render_markdown(text or "", scope=scope))


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _signed(value: float | None) -> str:
    if value is None:
        return "–"
    points = round(value * 100)
    return f"{points:+d} pts" if points else "±0 pts"


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def _safe_url(url: str) -> str:
    """Only web links leave a report (a bank could hold ``javascript:`` or ``data:`` links)."""
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else ""


def _date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


@cache
def _environment() -> Environment:
    env = Environment(autoescape=select_autoescape(default=True), auto_reload=False)
    env.filters.update(
        markdown=_markdown,
        percent=_percent,
        signed=_signed,
        seconds=_seconds,
        date=_date,
        safe_url=_safe_url,
    )
    return env


@cache
def _template(name: str) -> str:
    return files("prepdeck.mock").joinpath(name).read_text("utf-8")


def report_body(report: MockReport) -> Markup:
    """The report's content (no ``<html>``): for embedding in a page."""
    template = _environment().from_string(_template("report_body.html.j2"))
    return Markup(template.render(report=report))


def report_document(report: MockReport) -> str:
    """A complete HTML document of the report, with print styles, for saving to a file."""
    template = _environment().from_string(_template("report_document.html.j2"))
    return template.render(
        report=report, body=report_body(report), styles=Markup(_template("report.css"))
    )
