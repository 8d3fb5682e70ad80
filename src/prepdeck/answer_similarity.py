"""How alike two short answers are, for picking multiple-choice distractors.

The grading engine's encoder (all-MiniLM-L6-v2, loaded once per process) gives each text a
mean-pooled, unit-length vector; similarity is their cosine. When the model cannot load,
similarity falls back to the cosine of stemmed content words, and says so in ``note``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np
import numpy.typing as npt

from prepdeck.grading._text import content_stems, plain_reference
from prepdeck.grading.encoder import ModelUnavailable, get_encoder

#: Texts whose vectors are kept per process (a bank's short answers, about 1.5 KB each).
CACHE_SIZE = 8192


class Similarity(Protocol):
    """Scores in [-1, 1] (higher: more alike) of each candidate against ``target``."""

    method: str
    note: str | None

    def scores(self, target: str, candidates: Sequence[str]) -> list[float]: ...


@lru_cache(maxsize=CACHE_SIZE)
def _vector(text: str) -> npt.NDArray[np.float32]:
    # Raises ModelUnavailable, which lru_cache does not remember.
    encoded = get_encoder().encode(plain_reference(text))
    if not len(encoded):
        return np.zeros(384, np.float32)
    mean = encoded.vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    vector: npt.NDArray[np.float32] = mean / norm if norm > 0 else mean
    vector.setflags(write=False)  # shared through the cache
    return vector


class EmbeddingSimilarity:
    """Cosine of mean-pooled MiniLM vectors (cached per process)."""

    method = "embeddings (all-MiniLM-L6-v2)"
    note: str | None = None

    def scores(self, target: str, candidates: Sequence[str]) -> list[float]:
        anchor = _vector(target)
        return [float(anchor @ _vector(text)) for text in candidates]


@lru_cache(maxsize=CACHE_SIZE)
def _stems(text: str) -> Counter[str]:
    return Counter(content_stems(plain_reference(text)))


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(count * b[word] for word, count in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


class LexicalSimilarity:
    """Cosine of stemmed content-word counts: the fallback when the model cannot load."""

    method = "shared words (lexical)"

    def __init__(self, note: str | None = None) -> None:
        self.note = note

    def scores(self, target: str, candidates: Sequence[str]) -> list[float]:
        anchor = _stems(target)
        return [_cosine(anchor, _stems(text)) for text in candidates]


def default_similarity() -> Similarity:
    """Embeddings when the encoder loads; otherwise the lexical fallback, with the reason."""
    try:
        get_encoder()
    except ModelUnavailable as exc:
        return LexicalSimilarity(f"{exc}; distractors were chosen by shared words instead")
    return EmbeddingSimilarity()
