"""References pulled out of answers, and links that are malformed."""

from __future__ import annotations

import re

from prepdeck.model import Reference

_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
_INLINE_LINK = re.compile(
    r"(?<!!)\[((?:[^\[\]]|\[[^\]]*\])+)\]\(\s*<?([^\s()<>]+(?:\([^\s()]*\))?[^\s()<>]*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_SPACED = re.compile(r"(?<!!)\[[^\[\]\n]+\]\s+\((?:https?://|www\.)[^)\s]*\)")
_UNCLOSED = re.compile(
    r"(?<!!)\[[^\[\]\n]+\]\((?!\s*<)(?:[^\s)]*\s+(?![\"'(])[^)\n]*|[^)\n]*$)", re.MULTILINE
)
_EMPTY = re.compile(r"(?<!!)\[[^\[\]\n]+\]\(\s*\)")
_BAD_SCHEME = re.compile(r"\]\((?:htps?|htp|https?:/(?!/)|https?//)[^)]*\)", re.IGNORECASE)
_NOT_NEWLINE = re.compile(r"[^\n]")
_FENCED = re.compile(r"^ *(`{3,}|~{3,}).*?^ *\1\s*$", re.MULTILINE | re.DOTALL)


def _without_code(markdown: str) -> str:
    """Blank out code so links shown as code are neither references nor lint findings."""

    def blank(m: re.Match[str]) -> str:
        return _NOT_NEWLINE.sub(" ", m.group(0))

    if "```" in markdown or "~~~" in markdown:
        markdown = _FENCED.sub(blank, markdown)
    if "`" in markdown:
        markdown = _CODE_SPAN.sub(blank, markdown)
    return markdown


def extract_references(markdown: str) -> tuple[Reference, ...]:
    """Links of the answer in order of appearance, one per URL; images are not references."""
    if "](" not in markdown and "<http" not in markdown:
        return ()
    text = _without_code(markdown)
    found: list[tuple[int, Reference]] = []
    for m in _INLINE_LINK.finditer(text):
        found.append((m.start(), Reference(" ".join(m.group(1).split()), m.group(2))))
    for m in _AUTOLINK.finditer(text):
        found.append((m.start(), Reference(m.group(1), m.group(1))))
    seen: set[str] = set()
    refs: list[Reference] = []
    for _, ref in sorted(found, key=lambda pair: pair[0]):
        if ref.url not in seen:
            seen.add(ref.url)
            refs.append(ref)
    return tuple(refs)


def malformed_links(markdown: str) -> list[tuple[int, int, str]]:
    """(line offset, column, message) of each malformed link; offsets 0-based, columns 1-based."""
    text = _without_code(markdown)
    out: list[tuple[int, int, str]] = []
    checks = (
        (_SPACED, "space between ']' and '(' makes this plain text, not a link"),
        (_EMPTY, "link has an empty URL"),
        (_UNCLOSED, "link URL has a space in it or misses its closing ')'"),
        (_BAD_SCHEME, "link URL has a misspelt scheme"),
    )
    reported: set[int] = set()
    for pattern, message in checks:
        for m in pattern.finditer(text):
            if m.start() in reported:
                continue
            reported.add(m.start())
            line = text.count("\n", 0, m.start())
            col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
            out.append((line, col, message))
    return sorted(out)
