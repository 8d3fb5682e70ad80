"""``fmt``: rewrite bank files in the canonical style, safely.

A file is rewritten only when its canonical form differs, only through an atomic
replace, and only after checking that the new text reads back to the same items. Pages
with structural errors are left alone: formatting them could move or drop content.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prepdeck.diagnostics import Diagnostic, Severity
from prepdeck.errors import FormatError, Location
from prepdeck.formats.canonical import format_page
from prepdeck.formats.files import read_text, write_atomic
from prepdeck.formats.markdown import parse_page
from prepdeck.model import Item, Page


@dataclass
class FormatResult:
    path: str
    original: str
    formatted: str
    written: bool = False

    @property
    def changed(self) -> bool:
        return self.original != self.formatted


def _content(item: Item) -> tuple[object, ...]:
    return (
        item.id if item.explicit_id else None,
        item.question.strip(),
        item.answer.strip(),
        item.hints,
        item.tags,
        item.difficulty,
        item.key_points,
        item.companies,
    )


def _check_same_items(before: Page, after: Page) -> None:
    old = [_content(i) for i in before.items]
    new = [_content(i) for i in after.items]
    if old != new:
        index = next((k for k, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), None)
        where = before.items[index].location if index is not None else Location(before.path)
        raise FormatError(
            "formatting would change this item's content; file left untouched "
            "(please report this as a bug)",
            where,
        )


def format_file(path: str | Path, *, to_book: bool = False, write: bool = True) -> FormatResult:
    """Format one file. Raises :class:`FormatError` (file untouched) when it is unsafe."""
    name = str(path)
    original = read_text(path)
    page = parse_page(original, name)
    blocking = [d for d in page.diagnostics if d.severity is Severity.ERROR]
    if blocking:
        first: Diagnostic = blocking[0]
        raise FormatError(
            f"not formatted: fix {len(blocking)} error(s) first ({first.code} {first.message})",
            first.location,
        )
    formatted = format_page(page, to_book=to_book)
    _check_same_items(page, parse_page(formatted, name))
    result = FormatResult(name, original, formatted)
    if write and result.changed:
        result.written = write_atomic(path, formatted, expected=original)
    return result
