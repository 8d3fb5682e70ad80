"""Figures about a bank: items per topic, answer lengths, references and metadata coverage."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from prepdeck.model import Bank, Item


def _words(text: str) -> int:
    return len(text.split())


def _coverage(items: list[Item], has: Any) -> float:
    return round(100.0 * sum(1 for i in items if has(i)) / len(items), 1) if items else 0.0


def bank_stats(bank: Bank) -> dict[str, Any]:
    """A JSON-ready summary. Coverage figures are percentages of items."""
    items = bank.items
    per_topic = Counter(i.topic for i in items)
    lengths = [_words(i.answer) for i in items]
    difficulty = Counter(str(i.difficulty) if i.difficulty else "unset" for i in items)
    return {
        "files": len(bank.pages),
        "unreadable_files": len(bank.errors),
        "items": len(items),
        "topics": len(per_topic),
        "per_topic": dict(sorted(per_topic.items())),
        "difficulty": dict(sorted(difficulty.items())),
        "answer_words": {
            "median": statistics.median(lengths) if lengths else 0,
            "min": min(lengths, default=0),
            "max": max(lengths, default=0),
        },
        "references": sum(len(i.references) for i in items),
        "coverage": {
            "references": _coverage(items, lambda i: i.references),
            "key_points": _coverage(items, lambda i: i.key_points),
            "difficulty": _coverage(items, lambda i: i.difficulty is not None),
            "tags": _coverage(items, lambda i: i.tags),
            "hints": _coverage(items, lambda i: i.hints),
            "explicit_id": _coverage(items, lambda i: i.explicit_id),
        },
    }
