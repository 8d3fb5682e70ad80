"""Imported items written as one markdown page in the book's convention.

The page goes through the canonical writer (:func:`prepdeck.format_page`) and is read back
and linted before anything is written, so what lands on disk lints without errors and
builds with mkdocs, and holds exactly the items imported.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from prepdeck.diagnostics import Severity
from prepdeck.errors import FormatError, Location
from prepdeck.formats.canonical import format_page
from prepdeck.formats.markdown import parse_page
from prepdeck.ids import normalise_question
from prepdeck.interchange.output import refuse_existing, write_text_atomically
from prepdeck.lint import lint_bank
from prepdeck.model import Bank, Item, Page, Text


@dataclass
class ImportedBank:
    """Items read from a foreign file, in order, with what was skipped and why.

    ``warnings`` are ``file:row: message`` lines (a skipped duplicate, a dropped image).
    """

    title: str
    items: list[Item] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _questions: dict[str, Item] = field(default_factory=dict, repr=False)
    _ids: dict[str, Item] = field(default_factory=dict, repr=False)

    def add(self, item: Item) -> None:
        """Add ``item`` unless it repeats an earlier question or explicit id (then warn)."""
        key = normalise_question(item.question)
        earlier = self._questions.get(key)
        if earlier is None and item.explicit_id:
            earlier = self._ids.get(item.id)
        if earlier is not None:
            what = "question" if self._questions.get(key) is earlier else f"id '{item.id}'"
            self.warnings.append(
                f"{item.location.file}:{item.location.line}: skipped: the same {what} as "
                f"line/row {earlier.location.line}"
            )
            return
        self._questions[key] = item
        if item.explicit_id:
            self._ids[item.id] = item
        self.items.append(item)


def _page_topic(bank: ImportedBank) -> str:
    """The heading: the one topic all items share, else the bank's title."""
    topics = Counter(i.topic for i in bank.items)
    if len(topics) == 1:
        (only,) = topics
        if only.strip():
            return only
    return bank.title


def page_text(bank: ImportedBank, path: str) -> str:
    """The markdown page for ``bank``. Raises :class:`FormatError` (naming the source row)
    if the page would not read back as the same items without lint errors."""
    if not bank.items:
        raise FormatError("nothing to import: no question with an answer", Location(path))
    topic = _page_topic(bank)
    items = [replace(i, topic=i.topic or topic) for i in bank.items]
    segments: list[Text | Item] = [Text(f"# {topic}\n\n"), *items]
    text = format_page(Page(path, segments, topic))
    back = parse_page(text, path)
    report = lint_bank(Bank(pages=[back]), spellcheck=False)
    errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    got = back.items
    if errors or len(got) != len(items):
        at = errors[0].location if errors else Location(path)
        source = _source_of(items, got, at.line)
        detail = errors[0].message if errors else "the page does not read back item for item"
        raise FormatError(f"cannot write this item as markdown: {detail}", source)
    for mine, read in zip(items, got, strict=True):
        for name in _CHECKED:
            if _value(mine, name) != _value(read, name):
                raise FormatError(
                    f"the {name} would not read back the same from the markdown page "
                    f"({_value(mine, name)!r} became {_value(read, name)!r})",
                    mine.location,
                )
    return text


_CHECKED = ("id", "question", "answer", "topic", "difficulty", "tags", "hints", "key_points",
            "companies")  # fmt: skip


def _value(item: Item, name: str) -> object:
    value = getattr(item, name)
    return value.strip() if isinstance(value, str) else value


def _source_of(items: list[Item], read: list[Item], line: int) -> Location:
    """The source row of the item that the page line ``line`` belongs to."""
    index = sum(1 for back in read if back.location.line <= line) - 1
    return items[min(max(index, 0), len(items) - 1)].location


def write_bank_page(bank: ImportedBank, path: str | Path, *, force: bool = False) -> int:
    """Write ``bank`` as the page ``path`` (atomically; refused if it exists, unless
    ``force``). Returns the number of items written."""
    target = Path(path)
    refuse_existing(target, force)
    text = page_text(bank, str(target))
    write_text_atomically(target, text)
    return len(bank.items)
