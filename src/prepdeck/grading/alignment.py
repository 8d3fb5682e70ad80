"""The model grader's alignment: how much of the reference an answer's wordpieces recall.

BERTScore-style recall (Zhang et al., 2020): each reference wordpiece takes its best
similarity (cosine, clipped to [0, 1], cube root: ``_units.POWER``) against the answer's
wordpieces, and the alignment is the mean of those over the reference, IDF-weighted (question
words and punctuation weigh 0). :class:`Alignment` spells out issue 6's round-6 variants of
that measure (bench/grading.py ``ROUND_6``); ``Alignment()`` is the plain form, which the
engine computes with ``_units.similarity`` exactly as before the round.

``anisotropy.json`` beside this module holds two constants measured on the bundled bank's
reference answers (``python -m prepdeck.grading.alignment`` rebuilds it): the mean cosine of
random pairs of wordpieces from two different references (``baseline``), and the mean
wordpiece vector (``centre``): two ways to take out a direction all last-layer vectors might
share. They share little (random pairs' mean cosine is 0.050), which is why neither variant
changed much.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from prepdeck.grading._text import STOP_WORDS
from prepdeck.grading._units import _PUNCT, POWER, Matrix, Units, similarity

ANISOTROPY_PATH = Path(__file__).parent / "anisotropy.json"
# Random wordpiece pairs drawn for ``baseline``: enough for three decimals.
BASELINE_PAIRS = 200_000

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Alignment:
    """One way to align; the defaults are the engine's plain recall.

    ``stop_words``: reference words in the lexical stop list weigh 0 (on top of IDF).
    ``baseline``: each cosine ``c`` becomes ``(c - b) / (1 - b)`` (``b``: anisotropy.json's
    ``baseline``) before the clip to [0, 1] and the cube root. ``centre``: the bank's mean
    wordpiece vector is subtracted from every wordpiece vector (then unit length again) before
    the cosines. ``whole_words``: a word's wordpiece vectors are averaged (then unit length),
    on both sides, and words align with words, a reference word weighing the sum of its pieces'
    weights. ``precision_share``: the alignment is ``(1 - s) * recall + s * precision``,
    precision being the answer's IDF-weighted mean best similarity against the reference.
    ``temperature``: above 0, each reference unit takes the softmax-weighted mean of its
    similarities (weights ``exp(similarity / temperature)``) instead of their maximum.
    """

    stop_words: bool = False
    baseline: bool = False
    centre: bool = False
    whole_words: bool = False
    precision_share: float = 0.0
    temperature: float = 0.0

    @property
    def plain(self) -> bool:
        return self == Alignment()


@lru_cache(maxsize=1)
def anisotropy() -> tuple[float, Vectors]:
    """(baseline cosine, mean wordpiece vector) from anisotropy.json."""
    data = json.loads(ANISOTROPY_PATH.read_text("utf-8"))
    return float(data["baseline"]), np.asarray(data["centre"], dtype=np.float32)


def reference_weights(units: Units, unit_weights: Matrix, spec: Alignment) -> Matrix:
    """The reference units' weights under ``spec``: stop words at 0 with ``stop_words``
    (unless that leaves nothing, then as given)."""
    if not spec.stop_words:
        return unit_weights
    out = unit_weights.copy()
    for first, last in _word_spans(units.keys):
        word = "".join(k.removeprefix("##") for k in units.keys[first:last]).lower()
        if word in STOP_WORDS:
            out[first:last] = 0.0
    return out if out.any() else unit_weights


def recall(
    ref: Units, ref_weights: Matrix, answer: Units, answer_weights: Matrix, spec: Alignment
) -> float:
    """The alignment of ``answer`` with ``ref`` under ``spec`` (both encoded, non-empty;
    ``ref_weights`` summing above 0). ``answer_weights`` count only for ``precision_share``."""
    if spec.plain:
        return float((similarity(ref, answer).max(axis=1) * ref_weights).sum() / ref_weights.sum())
    assert ref.vectors is not None and answer.vectors is not None
    a, wa = ref.vectors, ref_weights
    b, wb = answer.vectors, answer_weights
    if spec.whole_words:
        a, wa = _pool_words(a, wa, ref.keys)
        b, wb = _pool_words(b, wb, answer.keys)
    if spec.centre:
        a, b = _centred(a), _centred(b)
    cos = (a @ b.T).astype(np.float64)
    if spec.baseline:
        base = anisotropy()[0]
        cos = (cos - base) / (1.0 - base)
    sim: Matrix = np.clip(cos, 0.0, 1.0) ** POWER
    if spec.temperature > 0:
        z = sim / spec.temperature
        p = np.exp(z - z.max(axis=1, keepdims=True))
        best = (p * sim).sum(axis=1) / p.sum(axis=1)
    else:
        best = sim.max(axis=1)
    value = float((best * wa).sum() / wa.sum())
    if spec.precision_share and wb.sum() > 0:
        precision = float((sim.max(axis=0) * wb).sum() / wb.sum())
        value = (1 - spec.precision_share) * value + spec.precision_share * precision
    return value


def _word_spans(keys: tuple[str, ...]) -> list[tuple[int, int]]:
    """[first, last) unit index of each word: a wordpiece starting ``##`` continues one."""
    starts = [i for i, k in enumerate(keys) if i == 0 or not k.startswith("##")]
    return list(zip(starts, [*starts[1:], len(keys)], strict=True))


def _pool_words(
    vectors: Vectors, unit_weights: Matrix, keys: tuple[str, ...]
) -> tuple[Vectors, Matrix]:
    """Each word's mean wordpiece vector (unit length) and the sum of its pieces' weights."""
    spans = _word_spans(keys)
    pooled = np.stack([vectors[s:e].mean(axis=0) for s, e in spans]).astype(np.float32)
    pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-9)
    return pooled, np.array([unit_weights[s:e].sum() for s, e in spans])


def _centred(vectors: Vectors) -> Vectors:
    out = vectors - anisotropy()[1]
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
    return out


def build() -> dict[str, object]:
    """Measure anisotropy.json's constants on the bundled bank's reference answers (as
    plain text, each encoded alone), punctuation wordpieces left out: ``centre``, the mean of
    every wordpiece vector; ``baseline``, the mean cosine of ``BASELINE_PAIRS`` random pairs
    of wordpieces from two different references (``random.Random(0)``)."""
    from prepdeck import read_bank
    from prepdeck.grading._text import plain_reference
    from prepdeck.grading.encoder import get_encoder

    encoder = get_encoder()
    per_ref: list[Vectors] = []
    for item in read_bank().items:
        enc = encoder.encode(plain_reference(item.answer))
        keep = [i for i, t in enumerate(enc.tokens) if not _PUNCT.match(t)]
        if keep:
            per_ref.append(enc.vectors[keep])
    everything = np.concatenate(per_ref)
    rng = random.Random(0)
    total = 0.0
    for _ in range(BASELINE_PAIRS):
        i, j = rng.sample(range(len(per_ref)), 2)
        u, v = per_ref[i], per_ref[j]
        total += float(u[rng.randrange(len(u))] @ v[rng.randrange(len(v))])
    return {
        "source": "bundled bank's reference answers, punctuation left out "
        "(python -m prepdeck.grading.alignment)",
        "references": len(per_ref),
        "wordpieces": len(everything),
        "baseline": round(total / BASELINE_PAIRS, 4),
        "centre": [round(float(x), 6) for x in everything.mean(axis=0)],
    }


if __name__ == "__main__":
    ANISOTROPY_PATH.write_text(json.dumps(build(), separators=(",", ":")) + "\n", "utf-8")
    print(f"wrote {ANISOTROPY_PATH}")
