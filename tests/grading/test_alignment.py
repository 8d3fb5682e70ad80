"""prepdeck.grading.alignment: the plain recall and round 6's variants, on hand-made vectors."""

from __future__ import annotations

import numpy as np
import pytest

from prepdeck.grading._units import POWER, Units, similarity
from prepdeck.grading.alignment import Alignment, anisotropy, recall, reference_weights


def _units(keys: list[str], vectors: list[list[float]]) -> Units:
    v = np.array(vectors, dtype=np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return Units(tuple(keys), tuple((i, i + 1) for i in range(len(keys))), v)


REF = _units(["heap", "##s", "sort"], [[1, 0, 0], [0.8, 0.6, 0], [0, 0, 1]])
ANSWER = _units(["heap", "is", "fast"], [[1, 0.1, 0], [0, 1, 0], [0.3, 0, 1]])
WEIGHTS = np.array([0.5, 0.5, 2.0])


def test_plain_is_the_engines_recall() -> None:
    expected = (similarity(REF, ANSWER).max(axis=1) * WEIGHTS).sum() / WEIGHTS.sum()
    assert recall(REF, WEIGHTS, ANSWER, np.zeros(0), Alignment()) == pytest.approx(expected)


def test_a_low_temperature_softmax_is_the_max() -> None:
    soft = recall(REF, WEIGHTS, ANSWER, np.zeros(0), Alignment(temperature=1e-4))
    assert soft == pytest.approx(recall(REF, WEIGHTS, ANSWER, np.zeros(0), Alignment()))
    # A warm softmax averages in the worse matches: never above the max.
    warm = recall(REF, WEIGHTS, ANSWER, np.zeros(0), Alignment(temperature=0.5))
    assert warm < soft


def test_precision_share_mixes_in_the_answers_precision() -> None:
    answer_weights = np.array([1.0, 1.0, 1.0])
    sim = similarity(REF, ANSWER)
    precision = (sim.max(axis=0) * answer_weights).sum() / answer_weights.sum()
    plain = recall(REF, WEIGHTS, ANSWER, answer_weights, Alignment())
    mixed = recall(REF, WEIGHTS, ANSWER, answer_weights, Alignment(precision_share=0.25))
    assert mixed == pytest.approx(0.75 * plain + 0.25 * precision)


def test_whole_words_average_a_words_pieces_and_sum_their_weights() -> None:
    # "heap ##s" becomes one word: its mean vector's cosine with the answer's "heap", its
    # weight 0.5 + 0.5.
    heaps = np.array([1.8, 0.6, 0.0]) / np.linalg.norm([1.8, 0.6, 0.0])
    a = ANSWER.vectors
    assert a is not None
    best = [
        float(np.clip(heaps @ a.T, 0, 1).max() ** POWER),
        float(np.clip(np.array([0, 0, 1.0]) @ a.T, 0, 1).max() ** POWER),
    ]
    expected = (best[0] * 1.0 + best[1] * 2.0) / 3.0
    value = recall(REF, WEIGHTS, ANSWER, np.zeros(0), Alignment(whole_words=True))
    assert value == pytest.approx(expected, rel=1e-5)


def test_stop_words_weigh_nothing_unless_nothing_is_left() -> None:
    units = _units(["which", "heap"], [[1, 0, 0], [0, 1, 0]])
    w = np.array([0.3, 2.0])
    assert list(reference_weights(units, w, Alignment(stop_words=True))) == [0.0, 2.0]
    assert list(reference_weights(units, w, Alignment())) == [0.3, 2.0]
    only = _units(["which", "is"], [[1, 0, 0], [0, 1, 0]])
    assert list(reference_weights(only, w, Alignment(stop_words=True))) == [0.3, 2.0]


def test_anisotropy_constants_ship() -> None:
    baseline, centre = anisotropy()
    assert 0.0 < baseline < 0.5
    assert centre.shape == (384,)
