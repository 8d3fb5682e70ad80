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

from prepdeck.grading._text import (
    clause_spans,
    content_stems,
    negation_count,
    subject_stems,
    words,
)
from prepdeck.grading._units import Matrix, Units, similarity
from prepdeck.grading.types import KeyPointResult

# A key point's unit takes part in the evidence phrase when its cosine with an answer unit
# reaches this (about 0.8 after the cube root); negations up to NEGATION_REACH words before
# the phrase still govern it.
PHRASE_SIMILARITY = 0.5 ** (1 / 3)
NEGATION_REACH = 3


@dataclass(frozen=True)
class KeyPointSpec:
    text: str
    units: Units
    weights: Matrix


def answer_windows(answer: str) -> list[tuple[int, int]]:
    clauses = clause_spans(answer)
    pairs = [(a[0], b[1]) for a, b in itertools.pairwise(clauses)]
    return clauses + pairs


def check(
    key_point: str, evidence: str, context: frozenset[str], before: str = "", clause: str = ""
) -> str | None:
    """Why ``evidence`` does not count for ``key_point`` (None: it counts).

    A negation counts when it is inside the evidence or among the few words just ``before``
    it ("does *not* reduce overfitting"). ``context`` holds the stems of the question and
    the reference: a clause whose subject is one of those terms but not the key point's own
    subject is about something else (the subject is read from the whole ``clause`` the
    evidence sits in, when given).
    """
    lead = " ".join(w for w, _, _ in list(words(before))[-NEGATION_REACH:])
    if negation_count(key_point) % 2 != negation_count(f"{lead} {evidence}") % 2:
        return "negated"
    clause = clause or evidence
    own = subject_stems(key_point)
    if not own or own & set(content_stems(clause)):
        return None
    theirs = subject_stems(clause)
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
        ps, pe = phrase(spec, answer, answer_units, sim, (ws, we))
        why = check(spec.text, answer[ps:pe], context, answer[ws:ps], answer[ws:we])
        if why is None:
            return KeyPointResult(spec.text, True, value, answer[ps:pe], (ps, pe))
        reason = reason or why
    value, ws, we = top
    ps, pe = phrase(spec, answer, answer_units, sim, (ws, we))
    return KeyPointResult(spec.text, False, value, answer[ps:pe], (ps, pe), reason)


def phrase(
    spec: KeyPointSpec, answer: str, units: Units, sim: Matrix, window: tuple[int, int]
) -> tuple[int, int]:
    """The part of ``window`` that carries the match: from the first to the last answer word
    that is the closest match of one of the key point's weighted units (cosine >= 0.5),
    widened to whole words. The whole window when nothing is that close."""
    ws, we = window
    cols = [i for i, (s, _) in enumerate(units.offsets) if ws <= s < we]
    if not cols:
        return window
    sub = sim[:, cols]
    best = sub.argmax(axis=1)
    close = (spec.weights > 0) & (sub.max(axis=1) >= PHRASE_SIMILARITY)
    if not close.any():
        return window
    picked = [cols[j] for j in best[close]]
    s = min(units.offsets[i][0] for i in picked)
    e = max(units.offsets[i][1] for i in picked)
    while s > ws and (answer[s - 1].isalnum() or answer[s - 1] in "_-'"):
        s -= 1
    while e < we and (answer[e].isalnum() or answer[e] in "_-'"):
        e += 1
    return s, e
