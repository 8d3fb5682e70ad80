"""The offline grader: API shape, bands, fallback, evidence spans and robustness cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

import prepdeck
from prepdeck.grading import DEFAULT_BANDS, Grade, engine, grade, grade_many
from prepdeck.grading import encoder as encoder_module
from prepdeck.grading.pairs import pair_accuracy, read_pairs
from prepdeck.model import Item
from prepdeck.scheduling import Rating

REFERENCE = (
    "Dropout randomly sets a fraction of activations to zero during training. "
    "It reduces overfitting because units cannot co-adapt. At inference all units are kept."
)
QUESTION = "What does dropout do?"
PAIRS = Path(__file__).parents[1] / "data" / "grading" / "pairs.jsonl"


def test_grade_shape_and_evidence() -> None:
    answer = "During training it zeroes random activations. This stops overfitting."
    g = grade(answer, REFERENCE, question=QUESTION)
    assert isinstance(g, Grade)
    assert 0.0 <= g.score <= 1.0
    assert g.derived_key_points and len(g.key_points) == 3
    assert g.rating == DEFAULT_BANDS.rating(g.score)
    assert g.method.startswith("token-alignment") and g.verdict
    first = g.key_points[0]
    assert first.hit and first.span is not None
    assert answer[first.span[0] : first.span[1]] == first.evidence


def test_good_answer_beats_wrong_and_empty() -> None:
    good = grade("It zeroes random activations while training to reduce overfitting.", REFERENCE)
    wrong = grade("It is a learning rate schedule that lowers the step size.", REFERENCE)
    empty = grade("", REFERENCE)
    assert good.score > wrong.score > empty.score == 0.0
    assert empty.rating is Rating.AGAIN and "empty answer" in empty.notes


def test_authored_key_points_and_negation() -> None:
    kps = ["Dropout reduces overfitting."]
    yes = grade("Dropout reduces overfitting.", REFERENCE, kps, QUESTION)
    no = grade("Dropout does not reduce overfitting.", REFERENCE, kps, QUESTION)
    assert not yes.derived_key_points and yes.key_points[0].hit
    assert not no.key_points[0].hit and no.key_points[0].reason == "negated"
    assert yes.score > no.score


def test_wrong_subject_is_not_a_hit() -> None:
    ref = "Precision is the share of predicted positives that are truly positive."
    q = "Define precision and recall."
    g = grade("Recall is the share of predicted positives that are truly positive.", ref, None, q)
    assert not g.key_points[0].hit and g.key_points[0].reason == "wrong subject"


def test_keyword_salad_and_restated_question_score_lower() -> None:
    good = grade(
        "It zeroes random activations during training, so units cannot co-adapt.",
        REFERENCE,
        None,
        QUESTION,
    )
    salad = grade(
        "dropout activations zero training overfitting units co-adapt inference",
        REFERENCE,
        None,
        QUESTION,
    )
    restated = grade("What dropout does is what dropout does.", REFERENCE, None, QUESTION)
    assert good.score > salad.score and good.score > restated.score
    assert any("keywords" in n for n in salad.notes)


def test_grade_many_matches_grade() -> None:
    cases = [
        ("zeroes activations", REFERENCE, None, QUESTION),
        ("no idea", REFERENCE, None, QUESTION),
    ]
    many = grade_many(cases)
    assert [g.score for g in many] == pytest.approx([grade(*c).score for c in cases])


def test_lexical_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(encoder_module.ENV_VAR, "off")
    g = grade("Dropout sets random activations to zero during training.", REFERENCE, None, QUESTION)
    assert g.method == "stemmed-recall"
    assert any("lexical fallback" in n for n in g.notes)
    assert 0.0 < g.score < 1.0 and g.key_points[0].hit


def test_model_score_blends_in_the_lexical_grader(monkeypatch: pytest.MonkeyPatch) -> None:
    # 0.35 of the model's score is the lexical grader's: issue 6 round 3 chose it on both
    # parts of the dev set (mean Pearson r 0.752 against 0.747 at 0.2, round 2's share).
    answer = "During training it zeroes random activations. This stops overfitting."
    share = 0.35
    blended = grade(answer, REFERENCE, None, QUESTION)
    monkeypatch.setattr(engine, "LEXICAL_SHARE", 0.0)
    model = grade(answer, REFERENCE, None, QUESTION)
    monkeypatch.setenv(encoder_module.ENV_VAR, "off")
    lexical = grade(answer, REFERENCE, None, QUESTION)  # the fallback: the lexical grader alone
    assert abs(model.score - lexical.score) > 0.05
    assert blended.score == pytest.approx((1 - share) * model.score + share * lexical.score)
    assert blended.key_points == model.key_points and blended.method == model.method


def test_derived_key_points_are_evidence_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # The model's derived key points weigh 0: issue 6 round 4 chose it on dev-set part v3
    # (Pearson r 0.535 against 0.525 at 0.3, the weight before). Without authored key points
    # the model's score is the alignment alone; the derived key points are still reported.
    monkeypatch.setattr(engine, "LEXICAL_SHARE", 0.0)
    answer = "During training it zeroes random activations. This stops overfitting."
    kps = ["Dropout reduces overfitting."]
    derived = grade(answer, REFERENCE, None, QUESTION)
    authored = grade(answer, REFERENCE, kps, QUESTION)
    assert derived.derived_key_points and len(derived.key_points) == 3
    assert any(k.hit for k in derived.key_points) and "covers 1 of 3" in derived.verdict
    # Key-point credit made all but impossible to earn: only authored key points lose score.
    strict = replace(engine.MODEL_CALIBRATION, off=0.99, on=1.0)
    monkeypatch.setattr(engine, "MODEL_CALIBRATION", strict)
    assert grade(answer, REFERENCE, None, QUESTION).score == pytest.approx(derived.score)
    assert grade(answer, REFERENCE, kps, QUESTION).score < authored.score - 0.05


@pytest.mark.skipif(not PAIRS.exists(), reason="no labelled pair set")
def test_pair_set_accuracy() -> None:
    items: dict[str, Item] = {i.id: i for i in prepdeck.read_bank().items}

    def scorer(cases: Sequence[tuple[str, Item]]) -> list[float]:
        return [
            g.score for g in grade_many([(a, i.answer, i.key_points, i.question) for a, i in cases])
        ]

    acc = pair_accuracy(read_pairs(PAIRS), items, scorer)
    right, total = acc["all"]
    assert total >= 150
    assert right / total >= 0.95  # measured 0.970 (191/197); the goal is 0.95


def test_model_files_ship_with_the_package() -> None:
    model = encoder_module.MODEL_DIR
    assert (model / "model.onnx").stat().st_size < 30_000_000
    assert (model / "tokenizer.json").exists() and "Apache" in (model / "NOTICE").read_text()


def test_encoder_cache_is_bounded_thread_safe_and_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np

    enc = encoder_module.get_encoder()
    enc.clear_cache()
    first = grade("It zeroes random activations.", REFERENCE, None, QUESTION)
    cached, _ = enc.cache_info()
    assert cached >= 2  # the reference and its derived key points
    calls: list[str] = []
    original = enc._encode

    def spy(text: str) -> encoder_module.Encoded:
        calls.append(text)
        return original(text)

    monkeypatch.setattr(enc, "_encode", spy)
    again = grade("It zeroes random activations.", REFERENCE, None, QUESTION)
    assert calls == ["It zeroes random activations."]  # only the answer was encoded
    assert again.score == first.score
    hit = enc.encode_cached(REFERENCE)
    assert np.array_equal(hit.vectors, enc.encode(REFERENCE).vectors)
    assert not hit.vectors.flags.writeable
    monkeypatch.setattr(encoder_module, "CACHE_SIZE", 3)
    texts = [f"text number {i}" for i in range(12)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(enc.encode_cached, texts * 3))
    assert enc.cache_info() == (3, 3)
    enc.clear_cache()
    assert enc.cache_info()[0] == 0
