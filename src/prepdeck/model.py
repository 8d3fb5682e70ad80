"""The bank model: items, pages and banks.

A page is a sequence of segments: :class:`Text` (everything that is not a question,
kept byte for byte) and :class:`Item`. Items remember the exact source they were read
from, so writing an unchanged page gives back the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from prepdeck.diagnostics import Diagnostic
from prepdeck.errors import Location


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Style(StrEnum):
    """The convention an item was written in."""

    BOOK = "book"  # `!!! Question ""` with Question/Answer content tabs
    DSPREP = "dsprep"  # `### Question` heading with a `??? success "View Answer"` block


@dataclass(frozen=True)
class Reference:
    label: str
    url: str

    def to_dict(self) -> dict[str, str]:
        return {"label": self.label, "url": self.url}


@dataclass(frozen=True)
class Source:
    """The exact text an item was read from and a signature of what was parsed from it."""

    raw: str
    signature: int


@dataclass(frozen=True)
class Item:
    """One question with its answer and metadata.

    ``question`` and ``answer`` are markdown, dedented out of their tabs. ``id`` is stable:
    the explicit id when the item carries one, else derived from the normalised question.
    ``location`` is the first line of the item (its metadata comment, if any).
    """

    id: str
    topic: str
    question: str
    answer: str
    location: Location
    style: Style = Style.BOOK
    references: tuple[Reference, ...] = ()
    hints: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    difficulty: Difficulty | None = None
    key_points: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    section: str | None = None
    explicit_id: bool = False
    title: str = ""
    #: Where the question text starts (its first line and the column of its indentation).
    question_at: Location | None = field(default=None, compare=False, repr=False)
    source: Source | None = field(default=None, compare=False, repr=False)

    def signature(self) -> int:
        """Hash of every field that the writer renders; unchanged items are written from source."""
        return hash(
            (
                self.id if self.explicit_id else None,
                self.question,
                self.answer,
                self.hints,
                self.tags,
                self.difficulty,
                self.key_points,
                self.companies,
                self.style,
                self.title,
            )
        )

    @property
    def is_unchanged(self) -> bool:
        return self.source is not None and self.source.signature == self.signature()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "topic": self.topic,
            "section": self.section,
            "question": self.question,
            "answer": self.answer,
            "references": [r.to_dict() for r in self.references],
            "hints": list(self.hints),
            "tags": list(self.tags),
            "difficulty": None if self.difficulty is None else str(self.difficulty),
            "key_points": list(self.key_points),
            "companies": list(self.companies),
            "style": str(self.style),
            "file": self.location.file,
            "line": self.location.line,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Item:
        difficulty = data.get("difficulty")
        return cls(
            id=str(data["id"]),
            topic=str(data.get("topic") or ""),
            section=data.get("section"),
            question=str(data["question"]),
            answer=str(data.get("answer") or ""),
            references=tuple(
                Reference(str(r["label"]), str(r["url"])) for r in data.get("references", ())
            ),
            hints=tuple(str(h) for h in data.get("hints", ())),
            tags=tuple(str(t) for t in data.get("tags", ())),
            difficulty=Difficulty(difficulty) if difficulty else None,
            key_points=tuple(str(k) for k in data.get("key_points", ())),
            companies=tuple(str(c) for c in data.get("companies", ())),
            style=Style(data.get("style", Style.BOOK)),
            location=Location(str(data.get("file", "")), int(data.get("line", 1))),
            explicit_id=bool(data.get("explicit_id", False)),
        )


@dataclass(frozen=True)
class Text:
    """Non-question text, kept exactly: front matter, preamble, headings, comments."""

    raw: str


Segment = Text | Item


@dataclass
class Page:
    """One markdown file of a bank."""

    path: str
    segments: list[Segment]
    topic: str
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def items(self) -> list[Item]:
        return [s for s in self.segments if isinstance(s, Item)]


@dataclass
class Bank:
    """One or more pages, plus the files that could not be read (as diagnostics)."""

    pages: list[Page] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)

    @property
    def items(self) -> list[Item]:
        return [item for page in self.pages for item in page.items]

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items)

    def __len__(self) -> int:
        return sum(len(p.items) for p in self.pages)

    @property
    def topics(self) -> Sequence[str]:
        return sorted({item.topic for item in self.items})

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [*self.errors, *(d for p in self.pages for d in p.diagnostics)]
