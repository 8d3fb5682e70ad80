"""The canonical style of a bank page: the book's convention, written one clean way.

``format_page`` is idempotent: formatting its own output changes nothing.
"""

from __future__ import annotations

import re

from prepdeck.formats.metadata import render_metadata
from prepdeck.model import Item, Page, Style

_BLANK_RUN = re.compile(r"\n{3,}")


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.split("\n"))


def render_item(item: Item, page_topic: str | None = None) -> str:
    """One item as the book writes it, with prepdeck metadata in a comment above it."""
    meta = render_metadata(
        id=item.id if item.explicit_id else None,
        topic=item.topic if item.topic and item.topic != page_topic else None,
        difficulty=item.difficulty,
        tags=item.tags,
        key_points=item.key_points,
        hints=item.hints,
        companies=item.companies,
    )
    question = item.question.strip("\n") or "?"
    parts = [
        meta + '!!! Question ""',
        '    === "Question"',
        _indent(question, 8),
        "",
        '    === "Answer"',
        _indent(item.answer.strip("\n"), 8),
    ]
    return "\n".join(parts).rstrip() + "\n"


def _clean_text(raw: str) -> str:
    lines = [line.rstrip() for line in raw.replace("\r\n", "\n").split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip("\n")


def format_page(page: Page, to_book: bool = False) -> str:
    """The page in canonical style. dsprep items are kept as they are unless ``to_book``."""
    blocks: list[str] = []
    for segment in page.segments:
        if isinstance(segment, Item):
            if segment.style is Style.DSPREP and not to_book and segment.source is not None:
                blocks.append(_clean_text(segment.source.raw))
            else:
                blocks.append(render_item(segment, page.topic).rstrip("\n"))
        else:
            text = _clean_text(segment.raw)
            if text:
                blocks.append(text)
    out = "\n\n".join(blocks) + "\n" if blocks else ""
    original = "".join(
        s.source.raw if isinstance(s, Item) and s.source else getattr(s, "raw", "")
        for s in page.segments
    )
    if original.count("\r\n") > original.count("\n") // 2 > 0:
        out = out.replace("\n", "\r\n")
    return out
