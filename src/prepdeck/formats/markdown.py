"""Read a markdown page of questions in either convention into a :class:`Page`.

One pass over the lines at the page's top level finds items the way mkdocs would:
question admonitions that start a line, outside fenced code and HTML comments, and
dsprep ``###`` questions followed by their answer block. Everything else is kept as
:class:`Text`, so the page can be written back byte for byte.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import yaml

from prepdeck.diagnostics import Diagnostic
from prepdeck.errors import Location
from prepdeck.formats import book, dsprep
from prepdeck.formats._lines import FENCE, FenceTracker, closes_fence, split_lines
from prepdeck.formats.metadata import OPEN as META_OPEN
from prepdeck.formats.metadata import Metadata, parse_metadata
from prepdeck.formats.references import extract_references, malformed_links
from prepdeck.ids import derive_id
from prepdeck.model import Item, Page, Segment, Source, Style, Text

_H1 = re.compile(r"^# +(.+?)\s*#*\s*\r?$")
_SECTION = re.compile(r"^#{2,3} +(.+?)\s*#*\s*\r?$")
_TITLE_SUFFIX = re.compile(r"\s*[-:–]?\s*interview questions?( and answers)?\s*$", re.IGNORECASE)


def topic_from_name(path: str) -> str:
    stem = Path(path).stem.replace("_", " ").replace("-", " ").strip()
    words = " ".join(stem.split())
    return words[:1].upper() + words[1:] if words else "General"


def _clean_title(title: str) -> str:
    return _TITLE_SUFFIX.sub("", title).strip() or title.strip()


def _front_matter(lines: list[str]) -> tuple[int, dict[str, object]]:
    """(number of lines, data) of a leading ``---`` YAML block; (0, {}) when there is none."""
    if not lines or lines[0].lstrip("\ufeff").rstrip() != "---":
        return 0, {}
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            try:
                data = yaml.safe_load("".join(lines[1:i]))
            except yaml.YAMLError:
                data = None
            return i + 1, data if isinstance(data, dict) else {}
    return 0, {}


class _PageParser:
    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.lines = split_lines(text)
        self.segments: list[Segment] = []
        self.diagnostics: list[Diagnostic] = []
        self.text_start = 0
        self.section: str | None = None
        self.topic = topic_from_name(path)

    def loc(self, index: int, column: int = 1) -> Location:
        return Location(self.path, index + 1, column)

    def flush_text(self, upto: int) -> None:
        if upto > self.text_start:
            self.segments.append(Text("".join(self.lines[self.text_start : upto])))
        self.text_start = upto

    def parse(self) -> Page:
        lines = self.lines
        n = len(lines)
        i, front = _front_matter(lines)
        title = front.get("topic") or front.get("title")
        have_title = isinstance(title, str) and bool(title.strip())
        if have_title:
            self.topic = _clean_title(str(title))
        meta: tuple[int, int, Metadata] | None = None  # (first line, end, parsed) awaiting an item
        fence: str | None = None
        while i < n:
            line = lines[i]
            first = line[:1]
            if fence is not None:
                if closes_fence(fence, line):
                    fence = None
                i += 1
                continue
            if first in " \t\r\n" or not line.strip():
                if line.strip():
                    m = FENCE.match(line) if first == " " else None
                    if m:
                        fence = m.group(1)
                    if meta is not None:
                        self._orphan(meta)
                        meta = None
                i += 1
                continue
            if first == "<" and line.startswith("<!--"):
                end = self._comment_end(i)
                if META_OPEN.match(line):
                    if meta is not None:
                        self._orphan(meta)
                    meta = (i, end, parse_metadata("".join(lines[i:end])))
                i = end
                continue
            if first in "`~":
                m = FENCE.match(line)
                if m:
                    fence = m.group(1)
                    i += 1
                    continue
            if first in "!?" and book.is_question_start(line):
                i = self._book_item(i, meta)
                meta = None
                continue
            if first in "!?" and dsprep.is_answer_block(line):
                self.diagnostics.append(
                    Diagnostic(
                        self.loc(i),
                        "PD107",
                        "answer block without a question: a dsprep answer follows a "
                        "'### Question' heading (and its Difficulty line)",
                    )
                )
            if first == "#":
                if line.startswith("### "):
                    parts = dsprep.match_item(lines, i)
                    if parts is not None:
                        i = self._dsprep_item(i, parts, meta)
                        meta = None
                        continue
                    if dsprep.COMPANY_SUFFIX.match(line.strip()):
                        self.diagnostics.append(
                            Diagnostic(
                                self.loc(i),
                                "PD107",
                                "heading looks like a dsprep question but no "
                                "'??? success \"View Answer\"' block follows it",
                            )
                        )
                h1 = _H1.match(line)
                if h1 and not have_title:
                    self.topic = _clean_title(h1.group(1))
                    have_title = True
                sec = _SECTION.match(line)
                if sec:
                    self.section = sec.group(1)
            if meta is not None:
                self._orphan(meta)
                meta = None
            i += 1
        if meta is not None:
            self._orphan(meta)
        self.flush_text(n)
        return Page(self.path, self.segments, self.topic, self.diagnostics)

    def _comment_end(self, i: int) -> int:
        """Index after the line that closes the HTML comment opened on line ``i``."""
        first = self.lines[i]
        if "-->" in first[4:]:
            return i + 1
        for j in range(i + 1, len(self.lines)):
            if "-->" in self.lines[j]:
                return j + 1
        return len(self.lines)

    def _content_checks(self, text: str, first_line: int, column: int) -> None:
        """Unbalanced fences and malformed links in a question or answer starting at a line."""
        if "```" in text or "~~~" in text:
            self._fence_check(text, first_line, column)
        if "](" in text or "] (" in text:
            for offset, col, message in malformed_links(text):
                self.diagnostics.append(
                    Diagnostic(self.loc(first_line + offset, column + col - 1), "PD401", message)
                )

    def _fence_check(self, text: str, first_line: int, column: int) -> None:
        fence = FenceTracker()
        opened = 0
        for offset, line in enumerate(text.split("\n")):
            was_open = fence.open is not None
            fence.feed(line)
            if not was_open and fence.open is not None:
                opened = offset
        if fence.open is not None:
            self.diagnostics.append(
                Diagnostic(
                    self.loc(first_line + opened, column),
                    "PD301",
                    f"code fence '{fence.open}' is never closed: mkdocs would swallow the rest "
                    "of the item as code",
                )
            )

    def _orphan(self, meta: tuple[int, int, Metadata]) -> None:
        self.diagnostics.append(
            Diagnostic(
                self.loc(meta[0]),
                "PD002",
                "prepdeck metadata comment is not followed by a question item",
            )
        )

    def _meta_problems(self, meta: tuple[int, int, Metadata] | None) -> Metadata:
        if meta is None:
            return Metadata()
        for offset, message in meta[2].problems:
            self.diagnostics.append(Diagnostic(self.loc(meta[0] + 1 + offset), "PD002", message))
        return meta[2]

    def _start(self, i: int, meta: tuple[int, int, Metadata] | None) -> int:
        return i if meta is None else meta[0]

    def _book_item(self, i: int, meta: tuple[int, int, Metadata] | None) -> int:
        end = book.body_end(self.lines, i)
        parts = book.split_tabs(self.lines, i, end, self.path)
        self.diagnostics.extend(parts.diagnostics)
        self.diagnostics.extend(book.indentation_problems(self.lines, i, end, self.path))
        q_tab = parts.tabs.get("question")
        a_tab = parts.tabs.get("answer")
        title = parts.title or ""
        if not parts.tabs and title.strip():
            # "??? Question "What is X?"" with the answer as the body: a shape authors use.
            question, answer = title.strip(), book.loose_text(parts)
            q_at = self.loc(i, 1)
            a_line = parts.loose[0][0] if parts.loose else i
            self._content_checks(answer, a_line, 5)
        else:
            question = book.strip_heading(book.tab_text(q_tab[1])) if q_tab else ""
            answer = book.tab_text(a_tab[1]) if a_tab else ""
            self._check_tabs(i, parts, q_tab is not None, a_tab is not None)
            q_at = self.loc(_first_text_line(q_tab) if q_tab else i, 9)
            if a_tab:
                self._content_checks(answer, _first_text_line(a_tab), 9)
            if q_tab:
                self._content_checks(question, q_at.line - 1, 9)
        md = self._meta_problems(meta)
        self._add_item(
            self._start(i, meta),
            i,
            end,
            Style.BOOK,
            question,
            answer,
            md,
            title,
            companies=md.companies,
            question_at=q_at,
        )
        return end

    def _check_tabs(self, i: int, parts: book.BookParts, has_q: bool, has_a: bool) -> None:
        where = self.loc(i)
        if not has_q:
            self.diagnostics.append(Diagnostic(where, "PD102", 'item has no === "Question" tab'))
        if not has_a:
            self.diagnostics.append(Diagnostic(where, "PD101", 'item has no === "Answer" tab'))
        for name, (line, _) in parts.tabs.items():
            if name not in ("question", "answer"):
                self.diagnostics.append(
                    Diagnostic(
                        self.loc(line, 5),
                        "PD105",
                        f'unknown tab "{name}": only "Question" and "Answer" are read',
                    )
                )

    def _dsprep_item(
        self, i: int, parts: dsprep.DsprepParts, meta: tuple[int, int, Metadata] | None
    ) -> int:
        question, answer, hints = dsprep.question_and_answer(parts)
        for line, _title, text in parts.blocks:
            first = line + 1
            while first < parts.end and not self.lines[first].strip():
                first += 1
            self._content_checks(text, first, 5)
        md = self._meta_problems(meta)
        md.hints = md.hints or hints
        md.difficulty = md.difficulty or parts.difficulty
        md.tags = md.tags or parts.tags
        self._add_item(
            self._start(i, meta),
            i,
            parts.end,
            Style.DSPREP,
            question,
            answer,
            md,
            "",
            companies=md.companies or parts.companies,
            question_at=self.loc(i, 5),
        )
        return parts.end

    def _add_item(
        self,
        start: int,
        header: int,
        end: int,
        style: Style,
        question: str,
        answer: str,
        md: Metadata,
        title: str,
        companies: tuple[str, ...] = (),
        question_at: Location | None = None,
    ) -> None:
        loc = self.loc(header)
        if not question.strip():
            self.diagnostics.append(Diagnostic(loc, "PD103", "question is empty"))
        if not answer.strip():
            self.diagnostics.append(Diagnostic(loc, "PD104", "answer is empty"))
        self.flush_text(start)
        item = Item(
            id=md.id or derive_id(question),
            explicit_id=md.id is not None,
            topic=md.topic or self.topic,
            section=self.section,
            question=question,
            answer=answer,
            references=extract_references(answer),
            hints=md.hints,
            tags=md.tags,
            difficulty=md.difficulty,
            key_points=md.key_points,
            companies=companies,
            style=style,
            title=title,
            location=loc,
            question_at=question_at,
        )
        raw = "".join(self.lines[start:end])
        self.segments.append(_with_source(item, raw))
        self.text_start = end


def _first_text_line(tab: tuple[int, list[str]]) -> int:
    marker, lines = tab
    for k, line in enumerate(lines):
        if line.strip():
            return marker + 1 + k
    return marker


def _with_source(item: Item, raw: str) -> Item:
    return replace(item, source=Source(raw, item.signature()))


def parse_page(text: str, path: str = "<string>") -> Page:
    """Parse markdown text; never raises on any input: problems become diagnostics."""
    if text.startswith("\ufeff"):
        # mkdocs drops a byte-order mark; keep it as text of its own so writing restores it.
        page = _PageParser(text[1:], path).parse()
        page.segments.insert(0, Text("\ufeff"))
        return page
    return _PageParser(text, path).parse()
