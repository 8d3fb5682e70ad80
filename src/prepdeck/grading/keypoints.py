"""Key-point matching: which part of the answer covers each key point, and is it a real hit.

A key point is matched against windows of the answer (one clause, or two adjacent clauses):
its similarity is the IDF-weighted recall of the key point's units within the window. A close
window is still not a hit when it negates the key point ("X does not ...") or states it about
another subject ("recall is ..." for a key point about precision).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from prepdeck.grading._text import clause_spans, content_stems, negation_count, subject_stems
from prepdeck.grading._units import Matrix, Units, similarity
from prepdeck.grading.types import KeyPointResult


@dataclass(frozen=True)
class KeyPointSpec:
    text: str
    units: Units
    weights: Matrix


def answer_windows(answer: str) -> list[tuple[int, int]]:
    clauses = clause_spans(answer)
    pairs = [(a[0], b[1]) for a, b in itertools.pairwise(clauses)]
    return clauses + pairs


def check(key_point: str, evidence: str, context: frozenset[str]) -> str | None:
    """Why ``evidence`` does not count for ``key_point`` (None: it counts).

    ``context`` holds the stems of the question and the reference: a clause whose subject is
    one of those terms but not the key point's own subject is about something else.
    """
    if negation_count(key_point) % 2 != negation_count(evidence) % 2:
        return "negated"
    own = subject_stems(key_point)
    if not own or own & set(content_stems(evidence)):
        return None
    theirs = subject_stems(evidence)
    if theirs and not theirs <= set(content_stems(key_point)) and theirs & context:
        return "wrong subject"
    return None


def match(
    spec: KeyPointSpec,
    answer: str,
    answer_units: Units,
    windows: Sequence[tuple[int, int]],
    threshold: float,
    context: frozenset[str],
) -> KeyPointResult:
    total = float(spec.weights.sum())
    if total <= 0 or not len(answer_units) or not windows:
        return KeyPointResult(spec.text, False, 0.0)
    sim = similarity(spec.units, answer_units)
    starts = np.array([s for s, _ in answer_units.offsets])
    scored: list[tuple[float, int, int]] = []
    for ws, we in windows:
        inside = (starts >= ws) & (starts < we)
        if inside.any():
            best = sim[:, inside].max(axis=1)
            scored.append((float((best * spec.weights).sum() / total), ws, we))
    if not scored:
        return KeyPointResult(spec.text, False, 0.0)
    scored.sort(key=lambda t: (-t[0], t[2] - t[1]))
    top = scored[0]
    reason: str | None = None
    for value, ws, we in scored:
        if value < threshold:
            break
        why = check(spec.text, answer[ws:we], context)
        if why is None:
            return KeyPointResult(spec.text, True, value, answer[ws:we], (ws, we))
        reason = reason or why
    value, ws, we = top
    return KeyPointResult(spec.text, False, value, answer[ws:we], (ws, we), reason)
