"""The book's convention: a Question admonition holding Question and Answer content tabs.

Variants handled: ``!!!``, ``???`` and ``???+`` admonitions with or without a title;
``===``, ``===+`` and ``===!`` tabs with trailing spaces; tab or space indentation;
blank lines holding whitespace; headings inside the question; answers that start with
blank lines; and the title-only shape (``??? Question "What is X?"`` whose body is the
answer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from prepdeck.diagnostics import Diagnostic
from prepdeck.errors import Location
from prepdeck.formats._lines import (
    TAB_WIDTH,
    dedent,
    dedent_block,
    indent_width,
    is_blank,
    mixes_tabs_and_spaces,
)

ADMONITION = re.compile(r'^(!!!|\?\?\?\+?) ?([\w-]+(?: +[\w-]+)*)(?: +"(.*?)")? *\r?$')
TAB = re.compile(r'^={3}[!+]{0,2} +"(.*?)" *\r?$')
HEADING = re.compile(r"^#{1,6}(?:\s+|$)")


def is_question_start(line: str) -> bool:
    if not (line.startswith("!!!") or line.startswith("???")):
        return False
    m = ADMONITION.match(line.rstrip("\n"))
    return bool(m and m.group(2).split()[0].casefold() == "question")


def body_end(lines: list[str], start: int) -> int:
    """Index after the admonition opened at ``start``, trailing blank lines excluded."""
    end = start + 1
    last = start + 1
    n = len(lines)
    while end < n:
        line = lines[end]
        if line[:4] == "    " or line[:1] == "\t":
            if line.strip():
                last = end + 1
        elif line.strip():
            if indent_width(line) < TAB_WIDTH:
                break
            last = end + 1
        end += 1
    return last


@dataclass
class BookParts:
    title: str | None
    tabs: dict[str, tuple[int, list[str]]] = field(default_factory=dict)  # name -> (line, lines)
    loose: list[tuple[int, str]] = field(default_factory=list)  # lines outside any tab
    diagnostics: list[Diagnostic] = field(default_factory=list)


def split_tabs(lines: list[str], start: int, end: int, path: str) -> BookParts:
    """Split the admonition body ``lines[start+1:end]`` into its content tabs."""
    header = ADMONITION.match(lines[start].rstrip("\n"))
    parts = BookParts(title=header.group(3) if header else None)
    current: str | None = None
    current_lines: list[str] = []
    seen_tab = False

    def close() -> None:
        if current is not None:
            key = current.strip().casefold()
            if key in parts.tabs:
                parts.diagnostics.append(
                    Diagnostic(
                        Location(path, tab_line + 1, 5),
                        "PD106",
                        f'tab "{current.strip()}" appears twice in this item; '
                        "only the first one is used",
                    )
                )
            else:
                parts.tabs[key] = (tab_line, current_lines)

    tab_line = start
    for i in range(start + 1, end):
        raw = lines[i]
        if mixes_tabs_and_spaces(raw):
            parts.diagnostics.append(
                Diagnostic(Location(path, i + 1, 1), "PD202", "indentation mixes tabs and spaces")
            )
        if is_blank(raw):
            if current is not None:
                current_lines.append(raw)
            continue
        inner = dedent(raw, TAB_WIDTH)  # relative to the admonition body
        width = indent_width(inner)
        if width < TAB_WIDTH:
            tab = TAB.match(inner)
            if tab:
                close()
                current, current_lines, tab_line, seen_tab = tab.group(1), [], i, True
                continue
            if seen_tab:
                parts.diagnostics.append(
                    Diagnostic(
                        Location(path, i + 1, indent_width(raw) + 1),
                        "PD201",
                        "line is not indented under its tab: mkdocs shows it outside the "
                        "Question/Answer tabs (indent it 4 more spaces)",
                    )
                )
                close()
                current = None
            parts.loose.append((i, inner))
            continue
        if current is None:
            parts.loose.append((i, inner))
        else:
            current_lines.append(inner)
    close()
    return parts


def tab_text(lines: list[str]) -> str:
    return dedent_block(lines, TAB_WIDTH)


def strip_heading(question: str) -> str:
    """'#### What is X?' -> 'What is X?' (only the first line's heading marker)."""
    first, sep, rest = question.partition("\n")
    if HEADING.match(first):
        first = HEADING.sub("", first, count=1).rstrip("# ").rstrip() or first
    return first + sep + rest


def loose_text(parts: BookParts) -> str:
    return dedent_block([line for _, line in parts.loose], 0)


def indentation_problems(lines: list[str], start: int, end: int, path: str) -> list[Diagnostic]:
    """The line after an item indented 1-3 columns: mkdocs drops it out of the item."""
    if end < len(lines):
        nxt = lines[end]
        if nxt.strip() and 0 < indent_width(nxt) < TAB_WIDTH and not is_blank(lines[end - 1]):
            return [
                Diagnostic(
                    Location(path, end + 1, 1),
                    "PD201",
                    "line is indented less than 4 spaces: mkdocs ends the item before it and "
                    "shows it as ordinary text",
                )
            ]
    return []
