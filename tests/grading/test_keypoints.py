"""Key-point checks, reference weights and the answer cap: narrow negation, question
demoting by stems, a huge paste graded on its start."""

from __future__ import annotations

import pytest

from prepdeck.grading import grade
from prepdeck.grading._text import keyword_salad
from prepdeck.grading._units import MAX_ANSWER_UNITS, capped, question_keys, units_of, weights
from prepdeck.grading.encoder import Encoded, get_encoder
from prepdeck.grading.idf import IdfTable

REFERENCE = (
    "Dropout randomly sets a fraction of activations to zero during training. "
    "It reduces overfitting because units cannot co-adapt."
)


def test_negation_of_the_matched_words_is_caught() -> None:
    g = grade("Dropout does not reduce overfitting.", REFERENCE, ["Dropout reduces overfitting."])
    assert g.key_points[0].reason == "negated" and not g.key_points[0].hit


def test_negation_elsewhere_in_the_answer_is_not_a_contradiction() -> None:
    kps = ["Dropout reduces overfitting."]
    answer = "Dropout, which is not a learning-rate trick, reduces overfitting."
    g = grade(answer, REFERENCE, kps)
    assert g.key_points[0].evidence is not None and "not" in g.key_points[0].evidence
    assert g.key_points[0].hit and g.key_points[0].reason is None


def test_a_bound_is_not_a_denial() -> None:
    ref = "A binary tree is a tree whose nodes have at most two children."
    g = grade(
        "Every node has no more than two children.", ref, ["Nodes have at most two children."]
    )
    assert g.key_points[0].reason is None


def test_a_negative_key_point_met_by_a_negative_paraphrase_is_a_hit() -> None:
    ref = "Constructors do not have a return type, but functions have to declare one."
    kps = ["Constructors do not have a return type."]
    g = grade("A constructor cannot return a value, so it has no return type.", ref, kps)
    assert g.key_points[0].reason is None and g.key_points[0].hit


def test_question_words_are_demoted_in_any_inflection() -> None:
    ref = units_of("Sorting orders the sorted items by key.", get_encoder())
    w = weights(ref, IdfTable(), question_keys("How do you sort items?"))
    pieces = dict(zip(ref.keys, w, strict=True))
    assert pieces["sorting"] == pieces["sorted"] == pieces["items"] == 0.0
    assert pieces["orders"] > 0 and pieces["key"] > 0


def test_a_huge_pasted_answer_is_graded_on_its_start(monkeypatch: pytest.MonkeyPatch) -> None:
    enc = get_encoder()
    encoded: list[str] = []
    original = enc.encode

    def spy(text: str) -> Encoded:
        encoded.append(text)
        return original(text)

    monkeypatch.setattr(enc, "encode", spy)
    sentence = "Dropout zeroes random activations while training, which reduces overfitting. "
    huge = sentence * 20_000  # 1.6 million characters
    g = grade(huge, REFERENCE, None, "What does dropout do?")
    assert len(encoded) == 1 and len(enc.tokens(encoded[0])) <= MAX_ANSWER_UNITS
    assert any("only its first" in n for n in g.notes)
    assert g.score == pytest.approx(
        grade(encoded[0], REFERENCE, None, "What does dropout do?").score
    )
    assert all(k.span is None or k.span[1] <= len(encoded[0]) for k in g.key_points)


def test_the_cap_counts_words_without_the_model() -> None:
    text, cut = capped("word " * (MAX_ANSWER_UNITS + 50), None)
    assert cut and len(text.split()) == MAX_ANSWER_UNITS
    assert capped("a short answer", None) == ("a short answer", False)


def test_one_line_code_is_not_keyword_salad() -> None:
    assert keyword_salad("ridge lasso penalty squared absolute coefficients zero sparse selection")
    code = "temp implies next equals NULL; if front rear implies next equals temp; else front temp"
    assert not keyword_salad(code)
    assert not keyword_salad("Boolean isFull queue :: rear MAX QUEUE SIZE minus one front rear")
