"""HTML (an Anki field) to markdown that means the same text and nothing more.

Only structure is carried over: paragraphs, line breaks (as paragraphs), bold, italic,
code, code blocks, lists, quotes, tables, and links with an http(s) or mailto URL.
Scripts, styles, comments, event handlers and every other tag are dropped (their text
kept); text is escaped so that it can never turn into markdown or HTML markup, nor start
a line that the bank reader would take for an admonition, a tab or a heading. Math in
``\\(..\\)`` and ``\\[..\\]`` (what Anki's MathJax reads) is kept as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_DROP = frozenset(
    ["script", "style", "head", "title", "template", "noscript", "iframe", "object", "svg", "math"]
)
_BLOCK = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "aside",
        "nav",
        "figure",
        "figcaption",
        "details",
        "summary",
        "address",
        "center",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "pre",
        "blockquote",
        "table",
        "hr",
    ]
)
_SAFE_SCHEMES = ("http", "https", "mailto")
_MATH = re.compile(r"\\\((?:.|\n)*?\\\)|\\\[(?:.|\n)*?\\\]")
# An underscore inside a word is never emphasis in python-markdown, so it stays as it is.
_ESCAPE = re.compile(r"([\\`*]|(?<!\w)_|_(?!\w))")
_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_SOUND = re.compile(r"\[sound:[^\]]*\]")
_LIST_START = re.compile(r"^(\d+)([.)])")
#: First characters that would start markdown or bank structure at the start of a line.
_START_ENTITY = {"=": "&#61;", "?": "&#63;", "|": "&#124;", "~": "&#126;", ":": "&#58;"}
_START_BACKSLASH = "#>-+!"


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        # The parser may hand one text over in pieces (at a "<" that opens no tag); math
        # spans are found in whole texts only.
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)


@dataclass
class Conversion:
    """Markdown, and what could not be carried over (images and sounds, by count)."""

    markdown: str
    dropped_media: int = 0


def escape_text(text: str) -> str:
    """Plain text as markdown that shows exactly this text (math spans kept as they are)."""
    out: list[str] = []
    pos = 0
    for match in _MATH.finditer(text):
        out.append(_escape_plain(text[pos : match.start()]))
        out.append(match.group(0).replace("&", "&amp;").replace("<", "&lt;"))
        pos = match.end()
    out.append(_escape_plain(text[pos:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # Brackets as entities, not "\[": the bank linter reads "](" as a link even escaped.
    text = _ESCAPE.sub(r"\\\1", text)
    return text.replace("[", "&#91;").replace("]", "&#93;")


def _guard_start(line: str) -> str:
    """Keep a line from starting a heading, quote, list, admonition, tab or fence."""
    if not line:
        return line
    numbered = _LIST_START.match(line)
    if numbered:
        return f"{numbered.group(1)}\\{numbered.group(2)}{line[numbered.end() :]}"
    first = line[0]
    if first in _START_ENTITY:
        return _START_ENTITY[first] + line[1:]
    if first in _START_BACKSLASH:
        return "\\" + line
    return line


class _Converter:
    def __init__(self) -> None:
        self.dropped_media = 0

    # inline --------------------------------------------------------------------------
    def inline(self, node: _Node) -> str:
        """The inline markdown of ``node``'s children; "\\n" marks a line break."""
        parts: list[str] = []
        for child in node.children:
            if isinstance(child, str):
                sounds = len(_SOUND.findall(child))
                self.dropped_media += sounds
                parts.append(escape_text(_SPACE.sub(" ", _SOUND.sub("", child))))
            else:
                parts.append(self.inline_node(child))
        return "".join(parts)

    def inline_node(self, node: _Node) -> str:
        tag = node.tag
        if tag in _DROP:
            return ""
        if tag == "br":
            return "\n"
        if tag == "img":
            self.dropped_media += 1
            alt = " ".join(node.attrs.get("alt", "").split())
            return escape_text(f"[image: {alt}]") if alt else ""
        if tag == "code":
            return _code_span(_text_of(node))
        inner = self.inline(node)
        if tag in ("b", "strong"):
            return _wrap(inner, "**")
        if tag in ("i", "em"):
            return _wrap(inner, "*")
        if tag == "a":
            url = _safe_url(node.attrs.get("href", ""))
            label = inner.strip()
            if url and label and "\n" not in label:
                return f"[{label}]({url})"
            return inner
        if tag in _BLOCK:
            return f"\n{inner}\n"
        return inner

    # blocks --------------------------------------------------------------------------
    def blocks(self, node: _Node) -> list[str]:
        """The markdown blocks of ``node``'s children (paragraphs, lists, code, ...)."""
        out: list[str] = []
        pending: list[_Node | str] = []

        def flush() -> None:
            if pending:
                out.extend(self._paragraphs(_Node("span", children=list(pending))))
                pending.clear()

        for child in node.children:
            if isinstance(child, _Node) and child.tag in _BLOCK:
                flush()
                out.extend(self.block(child))
            elif isinstance(child, _Node) and child.tag in _DROP:
                continue
            else:
                pending.append(child)
        flush()
        return [b for b in out if b.strip()]

    def _paragraphs(self, node: _Node) -> list[str]:
        text = self.inline(node)
        return [_guard_start(p.strip()) for p in text.split("\n") if p.strip()]

    def block(self, node: _Node) -> list[str]:
        tag = node.tag
        if tag == "pre":
            return [_fence(_text_of(node))]
        if tag in ("ul", "ol"):
            return [self._list(node, ordered=tag == "ol")]
        if tag == "blockquote":
            inner = "\n\n".join(self.blocks(node))
            return ["\n".join(f"> {line}".rstrip() for line in inner.split("\n"))] if inner else []
        if tag == "table":
            return self._table(node)
        if tag == "hr":
            return ["* * *"]
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "dt", "summary"):
            text = " ".join(p for p in self._paragraphs(node))
            return [_wrap(text, "**")] if text else []
        return self.blocks(node)

    def _list(self, node: _Node, *, ordered: bool) -> str:
        entries: list[str] = []
        number = 0
        for child in node.children:
            if isinstance(child, str):
                if child.strip():
                    entries.append("- " + escape_text(" ".join(child.split())))
                continue
            content = self.blocks(child) if child.tag == "li" else self.block(child)
            if not content:
                continue
            number += 1
            marker = f"{number}. " if ordered else "- "
            pad = " " * 4
            first, *rest = content
            lines = [marker + first.replace("\n", "\n" + pad)]
            lines += [pad + b.replace("\n", "\n" + pad) for b in rest]
            entries.append("\n\n".join(lines))
        return "\n".join(entries)

    def _table(self, node: _Node) -> list[str]:
        rows: list[list[str]] = []
        for row in _find_all(node, "tr"):
            cells = [
                " ".join(self._paragraphs(c)).replace("|", "\\|")
                for c in row.children
                if isinstance(c, _Node) and c.tag in ("td", "th")
            ]
            if cells:
                rows.append(cells)
        if not rows:
            return []
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return ["\n".join(lines)]


def _find_all(node: _Node, tag: str) -> list[_Node]:
    found: list[_Node] = []
    for child in node.children:
        if isinstance(child, _Node):
            if child.tag == tag:
                found.append(child)
            else:
                found.extend(_find_all(child, tag))
    return found


def _text_of(node: _Node) -> str:
    """The text content of ``node`` with ``<br>`` as line breaks (for code)."""
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag == "br":
            parts.append("\n")
        elif child.tag not in _DROP:
            parts.append(_text_of(child))
    return "".join(parts)


def _wrap(inner: str, mark: str) -> str:
    stripped = inner.strip()
    if not stripped or "\n" in stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    return f"{lead}{mark}{stripped}{mark}{trail}"


def _code_span(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return ""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _fence(text: str) -> str:
    text = text.strip("\n")
    longest = max((len(m) for m in re.findall(r"^\s*(`{3,}|~{3,})", text, re.M)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}"


def _safe_url(raw: str) -> str:
    url = raw.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    if scheme not in _SAFE_SCHEMES:
        return ""
    return quote(url, safe=":/?#@!$&'*+,;=%~-._")


def html_to_markdown(html: str) -> Conversion:
    """Convert an HTML fragment; never raises. See the module docstring for what is kept."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    converter = _Converter()
    markdown = "\n\n".join(converter.blocks(builder.root))
    return Conversion(markdown, converter.dropped_media)
