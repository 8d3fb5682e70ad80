"""Line helpers shared by the markdown readers.

Lines are split on ``\\n`` only (``str.splitlines`` would also split on form feeds and
U+2028, which markdown treats as ordinary characters) and keep their line endings, so
joining them gives the text back exactly.
"""

from __future__ import annotations

import re

TAB_WIDTH = 4
_PAD = [" " * n for n in range(17)]
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def split_lines(text: str) -> list[str]:
    lines = text.split("\n")
    last = lines.pop()
    out = [line + "\n" for line in lines]
    if last:
        out.append(last)
    return out


def is_blank(line: str) -> bool:
    return not line.strip()


def indent_width(line: str) -> int:
    """Columns of leading whitespace, tabs advancing to the next multiple of four."""
    rest = line.lstrip(" ")
    if rest[:1] != "\t":
        return len(line) - len(rest)
    col = 0
    for ch in line:
        if ch == " ":
            col += 1
        elif ch == "\t":
            col += TAB_WIDTH - col % TAB_WIDTH
        else:
            break
    return col


def mixes_tabs_and_spaces(line: str) -> bool:
    lead = line[: len(line) - len(line.lstrip(" \t"))]
    return " " in lead and "\t" in lead


def dedent(line: str, cols: int) -> str:
    """Remove ``cols`` columns of indentation (tabs expanded), keeping the rest of the line."""
    if line[:cols] == _PAD[cols]:
        rest = line[cols:].rstrip("\r\n")
        return rest if rest.strip() else ""
    body = line.rstrip("\r\n")
    if not body.strip():
        return ""
    width = indent_width(body)
    stripped = body.lstrip(" \t")
    return " " * max(width - cols, 0) + stripped


def dedent_block(lines: list[str], cols: int) -> str:
    """Dedent lines and trim blank lines at both ends; the result has ``\\n`` line endings."""
    out = [dedent(line, cols) for line in lines]
    while out and not out[0]:
        out.pop(0)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def closes_fence(fence: str, line: str) -> bool:
    """Whether ``line`` closes a block opened by ``fence`` (same character, at least as long)."""
    m = FENCE.match(line)
    return bool(
        m
        and m.group(1)[0] == fence[0]
        and len(m.group(1)) >= len(fence)
        and not line[m.end() :].strip()
    )


class FenceTracker:
    """Tracks whether a line is inside a fenced code block (``` or ~~~, CommonMark rules)."""

    def __init__(self) -> None:
        self.open: str | None = None

    def feed(self, line: str, indent: int = 0) -> bool:
        """Feed a line already dedented by ``indent``; return True if it is part of a fence."""
        text = line[indent:] if indent else line
        match = FENCE.match(text)
        if self.open is None:
            if match:
                self.open = match.group(1)
                return True
            return False
        if closes_fence(self.open, text):
            self.open = None
        return True
