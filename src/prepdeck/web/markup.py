"""Markdown to safe HTML for templates, through :mod:`prepdeck.render` (the book's pipeline).

Until that module is present the text is shown escaped, paragraph by paragraph, so pages
work either way; switching over needs no change here.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import lru_cache

from markupsafe import Markup


def _fallback(text: str) -> str:
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def _renderer() -> Callable[[str], str]:
    try:
        from prepdeck.render import render_markdown
    except ImportError:
        return _fallback
    return render_markdown


@lru_cache(maxsize=8192)
def markdown_html(text: str) -> Markup:
    """Sanitised HTML for a markdown fragment (cached: bank text repeats across requests)."""
    return Markup(_renderer()(text or ""))
