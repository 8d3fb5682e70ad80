"""Duplicate and near-duplicate questions across a bank.

Near-duplicates are pairs whose content-word sets have a Jaccard similarity at or above
a threshold. Candidate pairs come from prefix filtering (a standard set-similarity
join), so a large bank is not compared pair by pair.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from prepdeck.ids import normalise_question
from prepdeck.model import Item

NEAR_DUPLICATE_JACCARD = 0.7
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "this",
        "to",
        "use",
        "used",
        "using",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "explain",
        "describe",
        "between",
    ]
)
_TOKEN = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    for suffix in ("ing", "es", "s", "ed"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(question: str) -> frozenset[str]:
    words = _TOKEN.findall(normalise_question(question))
    return frozenset(_stem(w) for w in words if w not in _STOP)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def near_duplicate_pairs(
    items: Sequence[Item], threshold: float = NEAR_DUPLICATE_JACCARD
) -> list[tuple[int, int, float]]:
    """(i, j, similarity) with i < j for questions at or above ``threshold`` but not equal."""
    sets = [content_words(item.question) for item in items]
    texts = [normalise_question(item.question) for item in items]
    freq = Counter(w for s in sets for w in s)
    ordered = [sorted(s, key=lambda w: (freq[w], w)) for s in sets]
    index: dict[str, list[int]] = defaultdict(list)
    pairs: list[tuple[int, int, float]] = []
    for j, words in enumerate(ordered):
        if len(words) < 3:
            continue
        prefix = len(words) - math.ceil(threshold * len(words)) + 1
        candidates: set[int] = set()
        for w in words[:prefix]:
            candidates.update(index[w])
            index[w].append(j)
        for i in sorted(candidates):
            sim = jaccard(sets[i], sets[j])
            if sim >= threshold and texts[i] != texts[j]:
                pairs.append((i, j, sim))
    return pairs
