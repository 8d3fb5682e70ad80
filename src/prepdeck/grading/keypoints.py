"""Key-point matching: which part of the answer covers each key point, and is it a real hit.

A key point is matched against windows of the answer (one clause, or two adjacent clauses):
its similarity is the IDF-weighted recall of the key point's units within the window. A close
window is still not a hit when it negates the key point ("X does not ...") or states it about
another subject ("recall is ..." for a key point about precision).

Negation is read narrowly: an affirmative key point is negated only when a negation in the
answer governs one of the words that carry the match ("does *not* reduce overfitting"). A
negation elsewhere ("no copy is made", "the base case is not omitted", "a while loop may
never run" beside the matching clause) and key points that are themselves negative are not
judged: a negative key point is usually met by a paraphrase ("omitting the base case" for
"the base case is not included"), which word parity cannot tell from a contradiction.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from prepdeck.grading._text import (
    NEGATION_SCOPE_ENDS,
    clause_spans,
    content_stems,
    is_negation,
    negation_count,
    subject_stems,
    words,
)
from prepdeck.grading._units import Matrix, Units, similarity
from prepdeck.grading.types import KeyPointResult

# A key point's unit takes part in the evidence phrase when its cosine with an answer unit
# reaches this (about 0.8 after the cube root); negations up to NEGATION_REACH words before
# the phrase still govern it, and a negation governs the NEGATION_SCOPE words after it up to
# a comma or clause end ("not *let gradients reach*", "no *copy*", "never *converges*").
PHRASE_SIMILARITY = 0.5 ** (1 / 3)
NEGATION_REACH = 3
NEGATION_SCOPE = 4
# "no more than two", "not only ... but", "not just": bounds and additions, not denials.
NOT_A_DENIAL = re.compile(
    r"(?:more|less|fewer|greater|later|earlier) than\b|(?:only|just|merely)\b"
)


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
    key_point: str,
    answer: str,
    evidence: tuple[int, int],
    window: tuple[int, int],
    context: frozenset[str],
    carriers: Sequence[tuple[int, int]] = (),
) -> str | None:
    """Why the ``evidence`` span of ``answer`` does not count for ``key_point`` (None: it counts).

    ``carriers`` are the character spans of the answer words that carry the match; a
    negation (inside the evidence or among the few words just before it) that governs one of
    them makes an affirmative key point "negated". ``context`` holds the stems of the
    question and the reference: a clause whose subject is one of those terms but not the key
    point's own subject is about something else (the subject is read from the whole
    ``window`` the evidence sits in).
    """
    if not negation_count(key_point) and negated(answer, evidence, window, carriers):
        return "negated"
    text = answer[evidence[0] : evidence[1]]
    clause = answer[window[0] : window[1]] or text
    own = subject_stems(key_point)
    if not own or own & set(content_stems(clause)):
        return None
    theirs = subject_stems(clause)
    if theirs and not theirs <= set(content_stems(key_point)) and theirs & context:
        return "wrong subject"
    return None


def negated(
    answer: str,
    evidence: tuple[int, int],
    window: tuple[int, int],
    carriers: Sequence[tuple[int, int]],
) -> bool:
    """Whether a negation in (or just before) ``evidence`` governs one of the ``carriers``."""
    ws, we = window
    found = [(w, s, e) for w, s, e in words(answer[ws:we])]
    first = next((i for i, (_, s, _) in enumerate(found) if ws + s >= evidence[0]), len(found))
    for i in range(max(0, first - NEGATION_REACH), len(found)):
        w, s, e = found[i]
        if ws + s >= evidence[1]:
            break
        following = " ".join(x for x, _, _ in found[i + 1 : i + 3])
        if not is_negation(w) or NOT_A_DENIAL.match(following):
            continue
        for _, s2, e2 in found[i + 1 : i + 1 + NEGATION_SCOPE]:
            if NEGATION_SCOPE_ENDS.search(answer[ws + e : ws + e2]):
                break  # a comma or clause end closes the negation's scope
            if any(cs < ws + e2 and ws + s2 < ce for cs, ce in carriers):
                return True
            e = e2
    return False


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
        carriers = [
            answer_units.offsets[i] for i in carrier_units(spec, answer_units, sim, (ws, we))
        ]
        why = check(spec.text, answer, (ps, pe), (ws, we), context, carriers)
        if why is None:
            return KeyPointResult(spec.text, True, value, answer[ps:pe], (ps, pe))
        reason = reason or why
    value, ws, we = top
    ps, pe = phrase(spec, answer, answer_units, sim, (ws, we))
    return KeyPointResult(spec.text, False, value, answer[ps:pe], (ps, pe), reason)


def carrier_units(
    spec: KeyPointSpec, units: Units, sim: Matrix, window: tuple[int, int]
) -> list[int]:
    """Indices of the answer units in ``window`` that are the closest match of one of the key
    point's weighted units with cosine >= 0.5: the words that carry the match."""
    ws, we = window
    cols = [i for i, (s, _) in enumerate(units.offsets) if ws <= s < we]
    if not cols:
        return []
    sub = sim[:, cols]
    best = sub.argmax(axis=1)
    close = (spec.weights > 0) & (sub.max(axis=1) >= PHRASE_SIMILARITY)
    return sorted({cols[j] for j in best[close]})


def phrase(
    spec: KeyPointSpec, answer: str, units: Units, sim: Matrix, window: tuple[int, int]
) -> tuple[int, int]:
    """The part of ``window`` that carries the match: from the first to the last carrier
    word (:func:`carrier_units`), widened to whole words. The whole window when nothing is
    that close."""
    ws, we = window
    picked = carrier_units(spec, units, sim, window)
    if not picked:
        return window
    s = min(units.offsets[i][0] for i in picked)
    e = max(units.offsets[i][1] for i in picked)
    while s > ws and (answer[s - 1].isalnum() or answer[s - 1] in "_-'"):
        s -= 1
    while e < we and (answer[e].isalnum() or answer[e] in "_-'"):
        e += 1
    return s, e
