"""The draw: weakest first, an even share per topic, the difficulty mix, pinned by the seed."""

from __future__ import annotations

from collections import Counter

import pytest

from prepdeck.mock.draw import (
    DEFAULT_MIX,
    Candidate,
    NoEligibleQuestions,
    draw,
    questions_for,
    quotas,
    rank,
    time_limits,
)


def test_weakness_orders_unseen_topics_then_low_recall_then_recent_lapses() -> None:
    candidates = [
        Candidate(1, "Stats", "medium", recall=0.95),
        Candidate(2, "Stats", "medium", recall=0.30),
        Candidate(3, "Stats", "medium", recall=0.95, lapses=3, recent_lapses=3),
        Candidate(4, "Stats", "medium", recall=None),  # new, but Stats has been studied
        Candidate(5, "Probability", "medium", recall=None),  # a topic never studied
        Candidate(6, "Stats", "medium", recall=0.95, lapses=1),
    ]
    ranked = rank(candidates, seed=1)
    assert [s.candidate.item_pk for s in ranked] == [5, 2, 3, 4, 6, 1]
    weak = {s.candidate.item_pk: s for s in ranked}
    assert weak[5].reason == "topic never studied"
    assert weak[3].reason == "recall 95%, 3 recent lapse(s)"
    assert weak[6].weakness > weak[1].weakness  # an old lapse still counts, a little


def test_same_seed_same_draw_and_ties_follow_the_seed() -> None:
    candidates = [Candidate(n, f"T{n % 4}", "medium", recall=None) for n in range(40)]
    first = [s.candidate.item_pk for s in draw(candidates, 8, seed=11)]
    assert first == [s.candidate.item_pk for s in draw(candidates, 8, seed=11)]
    others = {tuple(s.candidate.item_pk for s in draw(candidates, 8, seed=s)) for s in range(5)}
    assert len(others) > 1


def test_each_topic_gets_an_even_share_even_when_one_is_much_weaker() -> None:
    levels = ("easy", "medium", "medium", "hard")
    weak = [Candidate(n, "Weak", levels[n % 4], recall=0.1) for n in range(10)]
    strong = [Candidate(100 + n, f"Strong{n % 3}", levels[n % 4], recall=0.9) for n in range(30)]
    chosen = draw(weak + strong, 8, seed=3)
    per_topic = Counter(s.candidate.topic for s in chosen)
    assert per_topic == {"Weak": 2, "Strong0": 2, "Strong1": 2, "Strong2": 2}
    # Within its share, a topic gives its weakest questions.
    weak_chosen = sorted(
        (s for s in chosen if s.candidate.topic == "Weak"), key=lambda s: s.weakness
    )
    assert all(s.weakness == pytest.approx(0.9) for s in weak_chosen)


def test_difficulty_mix_and_order_easy_to_hard() -> None:
    levels = ("easy", "medium", "hard")
    candidates = [Candidate(n, f"T{n % 2}", levels[n % 3], recall=None) for n in range(60)]
    chosen = draw(candidates, 8, seed=5)
    assert Counter(s.candidate.level for s in chosen) == {"easy": 2, "medium": 4, "hard": 2}
    order = [s.candidate.level for s in chosen]
    assert order == sorted(order, key=["easy", "medium", "hard"].index)


def test_a_short_level_is_filled_by_the_weakest_others() -> None:
    candidates = [Candidate(0, "T", "hard", recall=0.5)] + [
        Candidate(n, "T", "easy" if n % 2 else "medium", recall=n / 100) for n in range(1, 30)
    ]
    chosen = draw(candidates, 8, seed=1)
    assert len(chosen) == 8
    assert Counter(s.candidate.level for s in chosen)["hard"] == 1
    # The hard question is there even though 7 easier ones are weaker: the mix asks for it.
    assert 0 in {s.candidate.item_pk for s in chosen}


def test_quotas_and_lengths() -> None:
    assert quotas(5, DEFAULT_MIX) == {"easy": 1, "medium": 3, "hard": 1}
    assert quotas(8, DEFAULT_MIX) == {"easy": 2, "medium": 4, "hard": 2}
    assert sum(quotas(7, {"easy": 1, "medium": 1, "hard": 1}).values()) == 7
    assert questions_for(30, None, DEFAULT_MIX) == 6  # 5 minutes a question on average
    assert questions_for(30, 4, DEFAULT_MIX) == 4
    limits = time_limits(["easy", "medium", "hard"], 20)
    assert abs(sum(limits) - 20 * 60) <= 2 and limits[0] < limits[1] < limits[2]
    assert time_limits(["easy", "hard"], None) == [180, 420]


def test_nothing_to_draw_is_a_clear_error() -> None:
    with pytest.raises(NoEligibleQuestions, match="no question matches"):
        draw([], 5, seed=1)
    assert len(draw([Candidate(1, "T", None, recall=None)], 5, seed=1)) == 1
