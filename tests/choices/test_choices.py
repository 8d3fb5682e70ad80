"""Distractors: never the right answer, never duplicates, a stable shuffle, siblings first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

import prepdeck
from prepdeck.answer_similarity import LexicalSimilarity, default_similarity
from prepdeck.bundled import bundled_bank
from prepdeck.choices import (
    ChoiceError,
    judge,
    make_choices,
    near_duplicate,
    normalise,
    option_key,
    proposed_rating,
    short_answer,
    time_limits,
)
from prepdeck.model import Item
from prepdeck.scheduling import CardState, Rating
from prepdeck.storage import CardView

LEXICAL = LexicalSimilarity()


def view(
    pk: int, answer: str, topic: str = "Statistics", file: str = "stats.md", **kw: object
) -> CardView:
    item = Item(
        id=f"q{pk}",
        topic=topic,
        question=f"Question {pk}?",
        answer=answer,
        location=prepdeck.Location(file, pk),
    )
    return CardView(item_pk=pk, item=item, bank=str(kw.get("bank", "b")), state=CardState())


def texts(views: Sequence[CardView]) -> dict[str, CardView]:
    return {v.item.id: v for v in views}


POOL = [
    view(
        1, "The p-value is the probability of data at least as extreme as observed, under the null."
    ),
    view(2, "A confidence interval covers the true parameter in 95% of repeated samples."),
    view(
        3, "The p-value is the probability of data at least as extreme as observed, under the null!"
    ),
    view(4, "Statistical power is the probability of rejecting the null when it is false."),
    view(
        5, "The p-value is the probability of data at least as extreme as observed under the null"
    ),
    view(
        6, "Type I error is rejecting a true null hypothesis; its rate is the significance level."
    ),
    view(
        7,
        "Gradient descent moves the weights against the gradient of the loss.",
        "Deep learning",
        "dl.md",
    ),
    view(
        8,
        "Dropout zeroes units at random during training to reduce co-adaptation.",
        "Deep learning",
        "dl.md",
    ),
]


def test_never_the_right_answer_nor_a_near_copy_of_it() -> None:
    card = POOL[0]
    choices = make_choices(card, POOL, similarity=LEXICAL)
    assert len(choices.options) == 4
    right = [o for o in choices.options if o.correct]
    assert len(right) == 1 and right[0].key == option_key(card, card)
    wrong = [o.text for o in choices.options if not o.correct]
    # 3 and 5 say the same as 1 up to punctuation: they would be right answers too.
    assert all(normalise(t) != normalise(card.item.answer) for t in wrong)
    assert POOL[2].item.answer not in wrong and POOL[4].item.answer not in wrong


def test_options_are_never_duplicates_of_each_other() -> None:
    pool = [view(1, "Bias is error from wrong assumptions in the model.")]
    pool += [view(n, "Variance is the error from sensitivity to the sample.") for n in range(2, 6)]
    pool += [
        view(6, "Regularisation shrinks coefficients toward zero."),
        view(7, "Bagging averages models."),
    ]
    choices = make_choices(pool[0], pool, similarity=LEXICAL)
    shown = [normalise(o.text) for o in choices.options]
    assert len(shown) == len(set(shown)) == 4
    for i, a in enumerate(choices.options):
        assert not any(near_duplicate(a.text, b.text) for b in choices.options[i + 1 :])


def test_shuffle_is_stable_per_card_and_changes_after_a_review() -> None:
    card = POOL[1]
    first = make_choices(card, POOL, similarity=LEXICAL)
    again = make_choices(card, list(reversed(POOL)), similarity=LEXICAL)
    assert first.keys == again.keys
    orders = {
        make_choices(replace(card, state=CardState(reps=n)), POOL, similarity=LEXICAL).keys
        for n in range(12)
    }
    assert len(orders) > 1  # the seed includes the review count
    positions = {
        [
            o.correct
            for o in make_choices(
                replace(card, state=CardState(reps=n)), POOL, similarity=LEXICAL
            ).options
        ].index(True)
        for n in range(12)
    }
    assert len(positions) > 1  # the right answer is not always in the same place


def test_siblings_of_the_same_topic_come_first() -> None:
    card = POOL[3]
    choices = make_choices(card, POOL, similarity=LEXICAL)
    by_text = {short_answer(v.item.answer): v for v in POOL}
    assert all(by_text[o.text].item.topic == "Statistics" for o in choices.options)
    # With too few siblings, other topics fill the remaining places.
    small = [POOL[3], POOL[5], POOL[6], POOL[7]]
    filled = make_choices(card, small, similarity=LEXICAL)
    assert len(filled.options) == 4
    assert sum(by_text[o.text].item.topic == "Deep learning" for o in filled.options) == 2


def test_most_similar_sibling_is_chosen_with_the_model() -> None:
    similarity = default_similarity()
    if similarity.note:
        pytest.skip(similarity.note)
    card = view(1, "Precision is the share of predicted positives that are truly positive.")
    pool = [
        card,
        view(2, "Recall is the share of actual positives that the classifier finds."),
        view(3, "A histogram shows the distribution of one numeric variable."),
        view(4, "The median is the middle value of the sorted data."),
        view(5, "Bootstrap resamples the data with replacement to estimate variability."),
    ]
    choices = make_choices(card, pool, n=2, similarity=similarity)
    assert choices.method.startswith("embeddings")
    assert {o.text for o in choices.options} == {card.item.answer, pool[1].item.answer}


def test_lexical_fallback_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREPDECK_GRADING_MODEL", "off")
    similarity = default_similarity()
    assert similarity.method.startswith("shared words")
    assert similarity.note and "PREPDECK_GRADING_MODEL" in similarity.note
    choices = make_choices(POOL[0], POOL)
    assert choices.note == similarity.note and len(choices.options) == 4


def test_bundled_bank_never_repeats_the_right_answer() -> None:
    """Distractor quality over the whole bundled bank (lexical, so it runs anywhere fast)."""
    items = bundled_bank().items
    pool = [CardView(n, it, "bundled", CardState()) for n, it in enumerate(items, start=1)]
    for card in pool:
        choices = make_choices(card, pool, similarity=LEXICAL)
        assert len(choices.options) == 4, card.item.id
        right = short_answer(card.item.answer)
        wrong = [o.text for o in choices.options if not o.correct]
        assert not any(near_duplicate(t, right) for t in wrong), card.item.id
        assert len({normalise(o.text) for o in choices.options}) == 4, card.item.id
        assert sum(o.correct for o in choices.options) == 1


def test_too_few_answers_is_a_clear_error() -> None:
    with pytest.raises(ChoiceError, match=r"^item: no other answer"):
        make_choices(POOL[0], [POOL[0], POOL[2]], similarity=LEXICAL)
    with pytest.raises(ChoiceError, match=r"^options: must be 2 to 8"):
        make_choices(POOL[0], POOL, n=1, similarity=LEXICAL)


def test_judge_recomputes_correctness_from_keys() -> None:
    card = POOL[1]
    choices = make_choices(card, POOL, similarity=LEXICAL)
    right = next(o.key for o in choices.options if o.correct)
    wrong = next(o.key for o in choices.options if not o.correct)
    assert judge(card, POOL, choices.keys, right).correct
    verdict = judge(card, POOL, choices.keys, wrong)
    assert not verdict.correct and verdict.correct_key == right
    assert [o.text for o in verdict.options] == [o.text for o in choices.options]
    with pytest.raises(ChoiceError, match=r"^chosen:"):
        judge(card, POOL, choices.keys, "nope")
    with pytest.raises(ChoiceError, match=r"^options:"):
        judge(card, POOL, [k for k in choices.keys if k != right], wrong)  # no right answer
    with pytest.raises(ChoiceError, match=r"^options:"):
        judge(card, POOL, [*choices.keys[:3], "0123456789ab"], wrong)
    with pytest.raises(ChoiceError, match=r"^options:"):
        judge(card, POOL, [right, right], right)
    # Another card's set is not this card's.
    other = make_choices(POOL[3], POOL, similarity=LEXICAL)
    with pytest.raises(ChoiceError, match=r"^options:"):
        judge(card, POOL, other.keys, other.keys[0])


def test_proposed_rating_follows_correctness_and_time() -> None:
    fast, slow = time_limits(40)
    assert (fast, slow) == (11.0, 40.0)
    assert proposed_rating(False, 1000, 40) is Rating.AGAIN
    assert proposed_rating(True, None, 40) is Rating.GOOD
    assert proposed_rating(True, int(fast * 1000), 40) is Rating.EASY
    assert proposed_rating(True, int(fast * 1000) + 1, 40) is Rating.GOOD
    assert proposed_rating(True, int(slow * 1000), 40) is Rating.HARD


@pytest.mark.parametrize(
    ("answer", "short"),
    [
        ("One. Two. Three.", "One. Two. Three."),
        (
            "The p-value is the probability, e.g. of a test statistic, at least as extreme as the one seen. "
            "Second sentence is here and is long enough to be left out of the short form.",
            "The p-value is the probability, e.g. of a test statistic, at least as extreme as the one seen.",
        ),
        (
            "Likely causes:\n\n- leakage between train and test\n- a bug",
            "Likely causes: leakage between train and test",
        ),
        ("```python\nx = 1\n```\n\nThe code sets x.", "The code sets x."),
        (
            "It is $a. B$ here and nothing else matters for this test at all, really.",
            "It is $a. B$ here and nothing else matters for this test at all, really.",
        ),
    ],
)
def test_short_answer(answer: str, short: str) -> None:
    assert short_answer(answer) == short


def test_short_answer_cuts_a_long_sentence_outside_math() -> None:
    long = "word " * 60 + "$x + y$ " + "more " * 40 + "end."
    cut = short_answer(long)
    assert cut.endswith("…") and len(cut) < 300 and cut.count("$") % 2 == 0
