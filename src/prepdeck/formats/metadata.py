"""prepdeck metadata: a YAML block in an HTML comment just before an item.

mkdocs passes a top-level HTML comment through as a comment, so the page still builds
and shows nothing of it::

    <!-- prepdeck
    id: weight-tying
    difficulty: medium
    tags: [nlp, language-models]
    key_points:
      - The input embedding and the output projection share one matrix.
    hints:
      - Count the parameters of both matrices.
    -->
    !!! Question ""
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from prepdeck.ids import EXPLICIT_ID
from prepdeck.model import Difficulty

OPEN = re.compile(r"^<!--\s*prepdeck\b:?")
KEYS = ("id", "topic", "difficulty", "tags", "key_points", "hints", "companies")

# The C loader is ~10x faster; PyYAML wheels ship it but source builds may not.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Metadata:
    id: str | None = None
    topic: str | None = None
    difficulty: Difficulty | None = None
    tags: tuple[str, ...] = ()
    key_points: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line offset, message)


def _strings(value: Any, key: str, meta: Metadata) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(",") if key in ("tags", "companies") else [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        meta.problems.append((0, f"'{key}' must be a list of strings"))
        return ()
    return tuple(str(v).strip() for v in value if str(v).strip())


def parse_metadata(comment: str) -> Metadata:
    """Parse a ``<!-- prepdeck ... -->`` comment; problems are collected, never raised."""
    meta = Metadata()
    body = OPEN.sub("", comment.strip(), count=1)
    body = body.removesuffix("-->")
    try:
        data = yaml.load(body, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line if mark is not None else 0
        problem = getattr(exc, "problem", None) or str(exc)
        meta.problems.append((line, f"metadata is not valid YAML: {problem}"))
        return meta
    if data is None:
        return meta
    if not isinstance(data, dict):
        meta.problems.append((0, "metadata must be a YAML mapping of key: value"))
        return meta
    for key in data:
        if key not in KEYS:
            meta.problems.append((0, f"unknown metadata key '{key}' (known: {', '.join(KEYS)})"))
    if "id" in data:
        raw_id = str(data["id"])
        if EXPLICIT_ID.match(raw_id):
            meta.id = raw_id
        else:
            meta.problems.append(
                (0, f"id '{raw_id}' must be lowercase letters, digits, '.', '_' or '-'")
            )
    if data.get("topic") is not None:
        meta.topic = str(data["topic"]).strip()
    if data.get("difficulty") is not None:
        value = str(data["difficulty"]).strip().lower()
        try:
            meta.difficulty = Difficulty(value)
        except ValueError:
            meta.problems.append((0, f"difficulty '{value}' must be easy, medium or hard"))
    meta.tags = _strings(data.get("tags"), "tags", meta)
    meta.key_points = _strings(data.get("key_points"), "key_points", meta)
    meta.hints = _strings(data.get("hints"), "hints", meta)
    meta.companies = _strings(data.get("companies"), "companies", meta)
    return meta


#: Plain scalars that read back as the same string inside a flow list ``[a, b]``: a letter
#: first (not a number, date, sign or YAML indicator), no ``:``/``#``/flow indicators, no space
#: at either end. Checked with a regex instead of ``yaml.safe_dump`` per value, which was most
#: of the time of writing an imported bank.
_PLAIN = re.compile(r"[^\W\d_](?:[\w .+/()'&-]*[\w.+/()'&-])?")
#: What ``yaml.safe_dump`` writes plain in block context (a mapping value, a ``- `` item): a
#: letter first, then printable characters (YAML's set, no line breaks or tabs); the caller
#: also excludes ``": "``, ``" #"``, a trailing space or colon.
_BLOCK_PLAIN = re.compile(
    "[^\\W\\d_][\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffd]*"
)
#: Plain words YAML 1.1 (PyYAML) reads as booleans or null.
_KEYWORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null"})
#: Characters a plain scalar inside ``[...]`` may not hold (PyYAML also stops at ``:`` and
#: reads a leading ``?`` as a key there).
_FLOW_UNSAFE = frozenset(",[]{}:?")


def _plain(text: str) -> bool:
    return _PLAIN.fullmatch(text) is not None and text.lower() not in _KEYWORDS


def _block_plain(text: str) -> bool:
    return (
        _BLOCK_PLAIN.fullmatch(text) is not None
        and not text.endswith((" ", ":"))
        and ": " not in text
        and " #" not in text
        and text.lower() not in _KEYWORDS
    )


def _dump(text: str, style: str | None) -> str:
    dumped = yaml.safe_dump(text, allow_unicode=True, width=1 << 30, default_style=style)
    return dumped.removesuffix("\n...\n").rstrip("\n")


def _comment_safe(text: str) -> str:
    """``text`` double-quoted with every ``-->`` written ``--\\u003e``: the metadata lives in an
    HTML comment, which a literal ``-->`` would end early (YAML reads the escape back as ``>``)."""
    return _dump(text, '"').replace("-->", "--\\u003e")


def _quote(text: str) -> str:
    """``text`` as a YAML scalar in block context (a mapping value or a ``- `` item), on one
    line: a value YAML would spread over lines is double-quoted (line breaks escaped)."""
    if "-->" in text:
        return _comment_safe(text)
    if _block_plain(text):
        return text
    quoted = _dump(text, None)
    return _dump(text, '"') if len(quoted.splitlines()) > 1 else quoted


def _flow_quote(text: str) -> str:
    """``text`` as a scalar inside a flow list ``[a, b]``: a comma or bracket in a plain
    scalar would split or end the list, so such values are double-quoted."""
    if _plain(text):
        return text
    if "-->" in text:
        return _comment_safe(text)
    quoted = _quote(text)
    if quoted[:1] not in ("'", '"') and _FLOW_UNSAFE & set(quoted):
        return _dump(text, '"')
    return quoted


def render_metadata(
    *,
    id: str | None,
    topic: str | None = None,
    difficulty: Difficulty | None,
    tags: tuple[str, ...],
    key_points: tuple[str, ...],
    hints: tuple[str, ...],
    companies: tuple[str, ...] = (),
) -> str:
    """The canonical comment, or '' when there is nothing to say."""
    lines: list[str] = []
    if id:
        lines.append(f"id: {id}")
    if topic:
        lines.append(f"topic: {_quote(topic)}")
    if difficulty:
        lines.append(f"difficulty: {difficulty}")
    if tags:
        lines.append("tags: [" + ", ".join(_flow_quote(t) for t in tags) + "]")
    if companies:
        lines.append("companies: [" + ", ".join(_flow_quote(c) for c in companies) + "]")
    for key, values in (("key_points", key_points), ("hints", hints)):
        if values:
            lines.append(f"{key}:")
            lines.extend(f"  - {_quote(v)}" for v in values)
    if not lines:
        return ""
    return "<!-- prepdeck\n" + "\n".join(lines) + "\n-->\n"
