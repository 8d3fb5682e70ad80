"""dsprep's convention: a ``###`` question heading, a metadata line and answer admonitions.

::

    ### What is X? - Google, Amazon Interview Question

    **Difficulty:** 🟡 Medium | **Tags:** `A`, `B` | **Asked by:** Google, Amazon

    ??? success "View Answer"

        The answer...

Some items put the question's details in the "View Answer" block and follow it with
``??? info "Hint N"`` blocks and a ``??? success "Answer"`` block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from prepdeck.formats._lines import TAB_WIDTH, dedent_block, is_blank
from prepdeck.formats.book import ADMONITION, body_end
from prepdeck.model import Difficulty

HEADING = re.compile(r"^### +(.+?)\s*#*\s*\r?$")
COMPANY_SUFFIX = re.compile(r"^(.*?)\s+-\s+([^-]+?)\s+Interview Questions?\s*$", re.IGNORECASE)
META_LINE = re.compile(r"^\*\*(Difficulty|Tags|Asked by):\*\*", re.IGNORECASE)
_FIELD = re.compile(r"\*\*([^*:]+):\*\*\s*([^|]*)")


@dataclass
class DsprepParts:
    heading: str
    companies: tuple[str, ...] = ()
    difficulty: Difficulty | None = None
    tags: tuple[str, ...] = ()
    blocks: list[tuple[int, str, str]] = field(default_factory=list)  # (line, title, text)
    end: int = 0


def _admonition_title(line: str) -> str | None:
    m = ADMONITION.match(line.rstrip("\n"))
    if not m:
        return None
    kind = m.group(2).split()[0].casefold()
    title = (m.group(3) or kind).strip()
    return title


def _is_answer_block(title: str | None) -> bool:
    return title is not None and "answer" in title.casefold()


def is_answer_block(line: str) -> bool:
    """A top-level ``??? success "View Answer"``-like line (only meaningful after a heading)."""
    return _is_answer_block(_admonition_title(line))


def _is_extra_block(title: str | None) -> bool:
    return title is not None and (
        title.casefold().startswith("hint") or "answer" in title.casefold()
    )


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and is_blank(lines[i]):
        i += 1
    return i


def parse_meta_line(line: str, parts: DsprepParts) -> None:
    for key, value in _FIELD.findall(line):
        key = key.strip().casefold()
        value = value.strip()
        if key == "difficulty":
            word = re.sub(r"[^A-Za-z]", "", value).lower()
            if word in {d.value for d in Difficulty}:
                parts.difficulty = Difficulty(word)
        elif key == "tags":
            tags = re.findall(r"`([^`]+)`", value) or value.split(",")
            parts.tags = tuple(t.strip() for t in tags if t.strip())
        elif key == "asked by":
            parts.companies = tuple(c.strip() for c in value.split(",") if c.strip())


def match_item(lines: list[str], start: int) -> DsprepParts | None:
    """If a dsprep item starts at ``lines[start]`` (a ``###`` heading), return its parts."""
    m = HEADING.match(lines[start])
    if not m:
        return None
    i = _skip_blank(lines, start + 1)
    meta_line: str | None = None
    if i < len(lines) and META_LINE.match(lines[i]):
        meta_line = lines[i]
        i = _skip_blank(lines, i + 1)
    if i >= len(lines) or not _is_answer_block(_admonition_title(lines[i])):
        return None
    heading = m.group(1)
    parts = DsprepParts(heading=heading)
    suffix = COMPANY_SUFFIX.match(heading)
    if suffix:
        parts.heading = suffix.group(1)
        parts.companies = tuple(c.strip() for c in suffix.group(2).split(",") if c.strip())
    if meta_line:
        parse_meta_line(meta_line, parts)
    while i < len(lines):
        title = _admonition_title(lines[i])
        if not parts.blocks and not _is_answer_block(title):
            break
        if parts.blocks and not _is_extra_block(title):
            break
        end = body_end(lines, i)
        text = dedent_block(lines[i + 1 : end], TAB_WIDTH)
        parts.blocks.append((i, title or "", text))
        parts.end = end
        i = _skip_blank(lines, end)
    return parts


def question_and_answer(parts: DsprepParts) -> tuple[str, str, tuple[str, ...]]:
    """(question, answer, hints): with a separate "Answer" block the first block is detail."""
    hints = tuple(text for _, title, text in parts.blocks if title.casefold().startswith("hint"))
    answers = [text for _, title, text in parts.blocks[1:] if "answer" in title.casefold()]
    if answers:
        detail = parts.blocks[0][2]
        question = parts.heading + ("\n\n" + detail if detail else "")
        return question, "\n\n".join(answers), hints
    return parts.heading, parts.blocks[0][2], hints
