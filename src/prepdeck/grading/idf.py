"""Inverse document frequencies over the bundled bank's reference answers.

Rare words carry a reference answer's meaning ("heap", "amortised"); common ones ("the",
"model") carry little, so each reference unit is weighted by ``log((n + 1) / (df + 1))``.
The table ships as ``idf.json`` beside this module, with document frequencies for the
encoder's wordpieces and for Porter stems (used by the lexical fallback). Rebuild it with
``python scripts/build_idf.py`` after the bundled bank changes.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

IDF_PATH = Path(__file__).parent / "idf.json"


@dataclass(frozen=True)
class IdfTable:
    """Document frequencies of units (wordpieces or stems) over ``documents`` texts."""

    documents: int = 0
    df: dict[str, int] = field(default_factory=dict)

    def weight(self, unit: str) -> float:
        """IDF of ``unit``, >= 0; 1.0 for every unit when the table is empty (uniform)."""
        if not self.documents:
            return 1.0
        return math.log((self.documents + 1) / (self.df.get(unit, 0) + 1))

    @classmethod
    def build(cls, texts: Iterable[str], units: Callable[[str], Iterable[str]]) -> IdfTable:
        counts: Counter[str] = Counter()
        n = 0
        for text in texts:
            counts.update(set(units(text)))
            n += 1
        return cls(n, dict(sorted(counts.items())))

    def to_dict(self) -> dict[str, Any]:
        return {"documents": self.documents, "df": self.df}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IdfTable:
        return cls(int(data["documents"]), {str(k): int(v) for k, v in data["df"].items()})


@lru_cache(maxsize=1)
def bundled_tables() -> dict[str, IdfTable]:
    """The shipped tables: ``{"wordpieces": ..., "stems": ...}``; empty tables if absent."""
    try:
        data = json.loads(IDF_PATH.read_text("utf-8"))
    except (OSError, ValueError):
        return {"wordpieces": IdfTable(), "stems": IdfTable()}
    return {name: IdfTable.from_dict(data[name]) for name in ("wordpieces", "stems")}
