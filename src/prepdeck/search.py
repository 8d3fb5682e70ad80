"""Search items by words in their question, answer, tags and topic, with topic/difficulty filters.

Every query word must match the start of a word in the item (so results come while typing);
matches in tags and the question rank above matches in the answer. Pure Python over items.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

from prepdeck.model import Item

T = TypeVar("T")
_WORD = re.compile(r"\w+", re.UNICODE)
#: How much a query word counts when found in each field.
WEIGHTS = {"tags": 3.0, "topic": 2.0, "question": 2.0, "answer": 1.0}


@dataclass(frozen=True)
class Hit(Generic[T]):
    entry: T
    score: float
    fields: tuple[str, ...]
    snippet: str


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


@lru_cache(maxsize=65_536)
def _words_of(text: str) -> frozenset[str]:
    return frozenset(words(text))


def _fields(item: Item) -> dict[str, frozenset[str]]:
    # Cached per text: the same bank is searched on every keystroke.
    return {
        "tags": _words_of(" ".join(item.tags)),
        "topic": _words_of(item.topic),
        "question": _words_of(item.question),
        "answer": _words_of(item.answer),
    }


def snippet(text: str, terms: Sequence[str], width: int = 160) -> str:
    """About ``width`` characters of ``text`` around the first query word found in it."""
    flat = " ".join(text.split())
    lower = flat.lower()
    found = [i for i in (lower.find(t) for t in terms) if i >= 0]
    start = max(min(found) - width // 3, 0) if found else 0
    piece = flat[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(flat) else "")


def search(
    entries: Sequence[T],
    query: str,
    item_of: Callable[[T], Item],
    *,
    topics: Sequence[str] = (),
    difficulties: Sequence[str] = (),
    limit: int = 50,
) -> list[Hit[T]]:
    """The best ``limit`` entries for ``query``; an empty query lists the filtered entries."""
    terms = words(query)
    wanted_topics = {t.lower() for t in topics if t}
    wanted_levels = {d.lower() for d in difficulties if d}
    hits: list[Hit[T]] = []
    for entry in entries:
        item = item_of(entry)
        if wanted_topics and item.topic.lower() not in wanted_topics:
            continue
        if wanted_levels and str(item.difficulty or "").lower() not in wanted_levels:
            continue
        fields = _fields(item)
        score = 0.0
        matched: set[str] = set()
        for term in terms:
            term_score = 0.0
            for name, field_words in fields.items():
                if any(w.startswith(term) for w in field_words):
                    term_score += WEIGHTS[name]
                    matched.add(name)
            if term_score == 0:
                break
            score += term_score
        else:
            source = item.answer if matched == {"answer"} else item.question
            hits.append(Hit(entry, score, tuple(sorted(matched)), snippet(source, terms)))
    hits.sort(key=lambda h: -h.score)
    return hits[:limit]
