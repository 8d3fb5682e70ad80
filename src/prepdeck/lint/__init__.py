"""The bank linter: structural findings from the reader plus checks across the whole bank."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from prepdeck.diagnostics import Diagnostic, Severity
from prepdeck.errors import Location
from prepdeck.ids import normalise_question
from prepdeck.lint import duplicates, spelling
from prepdeck.model import Bank, Item
from prepdeck.reader import Progress, read_bank


@dataclass
class LintReport:
    bank: Bank
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


def _duplicates(items: list[Item]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    first_by_text: dict[str, Item] = {}
    first_by_id: dict[str, Item] = {}
    for item in items:
        key = normalise_question(item.question)
        if key and key in first_by_text:
            other = first_by_text[key]
            out.append(
                Diagnostic(item.location, "PD501", f"duplicate question: also at {other.location}")
            )
        else:
            first_by_text.setdefault(key, item)
        if item.explicit_id:
            if item.id in first_by_id:
                other = first_by_id[item.id]
                out.append(
                    Diagnostic(
                        item.location, "PD503", f"id '{item.id}' is also used at {other.location}"
                    )
                )
            else:
                first_by_id[item.id] = item
    for i, j, sim in duplicates.near_duplicate_pairs(items):
        out.append(
            Diagnostic(
                items[j].location,
                "PD502",
                f"near-duplicate of the question at {items[i].location} "
                f"({sim:.0%} of content words shared)",
            )
        )
    return out


def _spelling(items: list[Item], extra: frozenset[str]) -> list[Diagnostic]:
    found: list[tuple[Item, int, int, str]] = []
    for item in items:
        for offset, col, word in spelling.words_of(item.question):
            found.append((item, offset, col, word))
    unknown = spelling.misspelt((w for *_, w in found), extra)
    out: list[Diagnostic] = []
    for item, offset, col, word in found:
        if word.lower() not in unknown:
            continue
        at = item.question_at or item.location
        suggestion = unknown[word.lower()]
        hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
        location = Location(at.file, at.line + offset, at.column + col)
        out.append(Diagnostic(location, "PD601", f"unknown word '{word}'{hint}"))
    return out


def lint_bank(bank: Bank, *, spellcheck: bool = True, words: Iterable[str] = ()) -> LintReport:
    """Lint a bank already read. ``words`` are extra accepted spellings."""
    items = bank.items
    diagnostics = [*bank.diagnostics, *_duplicates(items)]
    if spellcheck:
        diagnostics += _spelling(items, frozenset(w.lower() for w in words))
    diagnostics.sort(key=lambda d: (d.location.file, d.location.line, d.location.column, d.code))
    return LintReport(bank, diagnostics)


def lint(
    paths: Iterable[str | Path] | str | Path | None = None,
    *,
    spellcheck: bool = True,
    words: Iterable[str] = (),
    progress: Progress | None = None,
) -> LintReport:
    """Read and lint the banks under ``paths`` (the bundled bank when None)."""
    return lint_bank(read_bank(paths, progress=progress), spellcheck=spellcheck, words=words)
