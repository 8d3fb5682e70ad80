"""Matchable units of a text and their similarity: wordpieces (model) or stems (lexical).

Both graders share one alignment: a similarity matrix between the units of two texts, with
each unit's character offsets so matches can be shown as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from prepdeck.grading._text import NEGATIONS, STOP_WORDS, stem, words
from prepdeck.grading.encoder import Encoded, Encoder
from prepdeck.grading.idf import IdfTable

Matrix = npt.NDArray[np.float64]
_PUNCT = re.compile(r"^[^\w]+$")
# Cosines are bent by a cube root before averaging: last-layer cosines of related wordpieces
# bunch in 0.3-0.7, and the root spreads that range (alignment alone, Mohler r: linear 0.555,
# square root 0.581, cube root 0.588; the robustness pairs rank the same under both roots).
POWER = 1 / 3


@dataclass(frozen=True)
class Units:
    keys: tuple[str, ...]
    offsets: tuple[tuple[int, int], ...]
    vectors: npt.NDArray[np.float32] | None = None  # None: lexical units

    def __len__(self) -> int:
        return len(self.keys)


# The longest answer graded: twice the longest answer in the robustness pairs (243
# wordpieces) and in Mohler (193). A pasted essay is graded on its start, so one answer costs
# at most two model windows and bounded key-point matching (a 16,000-word paste took 18 s).
MAX_ANSWER_UNITS = 512
# Cut before tokenizing, so a multi-megabyte paste is not tokenized whole: 16 characters per
# unit is far above English or code (about 4-5 per wordpiece).
MAX_ANSWER_CHARS = 16 * MAX_ANSWER_UNITS


def capped(answer: str, encoder: Encoder | None) -> tuple[str, bool]:
    """``answer`` cut after its first ``MAX_ANSWER_UNITS`` units (wordpieces for the model,
    words for the lexical fallback), and whether it was cut."""
    text = answer[:MAX_ANSWER_CHARS]
    if encoder is None:
        ends = [e for _, _, e in words(text)]
    else:
        enc = encoder.tokenizer.encode(text, add_special_tokens=False)
        ends = [int(e) for _, e in enc.offsets]
    if len(ends) > MAX_ANSWER_UNITS:
        text = text[: ends[MAX_ANSWER_UNITS - 1]]
    return text, len(text) < len(answer)


def lexical_units(text: str) -> Units:
    ws = list(words(text))
    # Stop words and negations get an empty key: they never carry a match (weight 0).
    keys = tuple("" if w in STOP_WORDS or w in NEGATIONS else stem(w) for w, _, _ in ws)
    return Units(keys, tuple((s, e) for _, s, e in ws))


def model_units(encoded: Encoded) -> Units:
    return Units(encoded.tokens, encoded.offsets, encoded.vectors)


def units_of(text: str, encoder: Encoder | None, *, cache: bool = False) -> Units:
    """Units of ``text``; with ``cache`` its encoding goes through the encoder's LRU cache
    (for texts that recur: reference answers, key points)."""
    if encoder is None:
        return lexical_units(text)
    return model_units(encoder.encode_cached(text) if cache else encoder.encode(text))


def units_many(texts: Sequence[str], encoder: Encoder | None) -> list[Units]:
    """Units of several recurring texts, encoded through the encoder's LRU cache."""
    if encoder is None:
        return [lexical_units(t) for t in texts]
    return [model_units(e) for e in encoder.encode_many(texts, cache=True)]


def similarity(a: Units, b: Units) -> Matrix:
    """(len(a), len(b)) similarities in [0, 1]."""
    if not len(a) or not len(b):
        return np.zeros((len(a), len(b)))
    if a.vectors is not None and b.vectors is not None:
        cos = np.clip(a.vectors @ b.vectors.T, 0.0, 1.0).astype(np.float64)
        return np.asarray(cos**POWER, dtype=np.float64)
    index = {k: i for i, k in enumerate(sorted(set(a.keys) | set(b.keys)))}
    ka = np.array([index[k] for k in a.keys])
    kb = np.array([index[k] for k in b.keys])
    same: Matrix = (ka[:, None] == kb[None, :]).astype(np.float64)
    return same


def weights(units: Units, idf: IdfTable, ignore: frozenset[str]) -> Matrix:
    """Weight of each unit: its IDF, or 0 for punctuation, lexical stop words and units of a
    word whose stem is in ``ignore`` (the question's: restating the question earns nothing)."""
    out = np.zeros(len(units))
    for i, (key, word) in enumerate(zip(units.keys, word_stems(units), strict=True)):
        if key and not _PUNCT.match(key) and word not in ignore:
            out[i] = idf.weight(key)
    if not out.any() and ignore:
        # The reference only repeats the question ("What is a run-time error?" -> "Run-time
        # error."): then its words are what the answer must say.
        return weights(units, idf, frozenset())
    if not out.any():
        out = np.array([1.0 if k and not _PUNCT.match(k) else 0.0 for k in units.keys])
    return per_word(units, out)


def per_word(units: Units, unit_weights: Matrix) -> Matrix:
    """Spread each word's weight (the mean of its wordpieces') evenly over its wordpieces.

    A word then counts once, however many wordpieces the tokenizer cut it into: recall is the
    weighted mean over words of the mean best similarity of their pieces.
    """
    if not len(units):
        return unit_weights
    group = np.cumsum([not k.startswith("##") for k in units.keys]) - 1
    group = np.maximum(group, 0)
    n = int(group.max()) + 1
    size = np.bincount(group, minlength=n).astype(np.float64)
    mean = np.bincount(group, unit_weights, minlength=n) / size
    out: Matrix = (mean / size)[group]
    return out


def word_stems(units: Units) -> list[str]:
    """The Porter stem of the whole word each unit belongs to (wordpieces joined)."""
    if units.vectors is None:
        return list(units.keys)  # lexical units are stems already
    out: list[str] = []
    start = 0
    for i, key in enumerate([*units.keys, ""]):
        if i == len(units.keys) or not key.startswith("##"):
            if i > start:
                word = stem("".join(k.removeprefix("##") for k in units.keys[start:i]))
                out.extend([word] * (i - start))
            start = i
    return out


def question_keys(question: str | None) -> frozenset[str]:
    """Stems of the question's words. Stems, not wordpieces: "sorting" in the question
    demotes "sorted" and "sort" in the reference (on the robustness pairs, alignment alone
    ranks 94.4% right against 93.9% with the question's wordpieces)."""
    return frozenset(stem(w) for w, _, _ in words(question or ""))
