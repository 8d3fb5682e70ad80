"""The labelled robustness pairs: (better, worse) answers to bundled-bank questions.

``tests/data/grading/pairs.jsonl`` holds one JSON object a line: ``item_id``, ``class``
(keyword_salad, negation, ...), ``better``, ``worse``, ``note``. A pair is ranked right when
the better answer scores strictly higher.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from prepdeck.model import Item


@dataclass(frozen=True)
class Pair:
    item_id: str
    kind: str
    better: str
    worse: str
    note: str = ""


def read_pairs(path: Path) -> list[Pair]:
    pairs = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            pairs.append(Pair(d["item_id"], d["class"], d["better"], d["worse"], d.get("note", "")))
    return pairs


Scorer = Callable[[Sequence[tuple[str, Item]]], list[float]]


def pair_accuracy(
    pairs: Sequence[Pair], items: dict[str, Item], scorer: Scorer
) -> dict[str, tuple[int, int]]:
    """Per class (and ``"all"``): (ranked right, total). Pairs of unknown items are skipped.

    ``scorer`` gets ``(answer, item)`` cases and returns one score per case.
    """
    known = [p for p in pairs if p.item_id in items]
    cases = [(a, items[p.item_id]) for p in known for a in (p.better, p.worse)]
    scores = scorer(cases)
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i, p in enumerate(known):
        right = int(scores[2 * i] > scores[2 * i + 1])
        for key in (p.kind, "all"):
            out[key][0] += right
            out[key][1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}
