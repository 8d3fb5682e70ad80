"""Write a page back to markdown: unchanged items from their source, so the round trip is exact."""

from __future__ import annotations

from prepdeck.formats.canonical import render_item
from prepdeck.model import Item, Page


def write_page(page: Page) -> str:
    """The page as markdown. Reading a file and writing it gives back the same text.

    Items whose fields were changed since reading (or that were built in code) are
    written in the canonical book style.
    """
    out: list[str] = []
    for segment in page.segments:
        if isinstance(segment, Item):
            if segment.is_unchanged and segment.source is not None:
                out.append(segment.source.raw)
            else:
                out.append(render_item(segment, page.topic))
        else:
            out.append(segment.raw)
    return "".join(out)
