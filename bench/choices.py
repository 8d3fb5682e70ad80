"""Multiple-choice options for every bundled-bank item: time per card, cold and warm.

Usage: python bench/choices.py [--rounds 2] [--lexical]

The first card of a process loads the model and encodes its topic's short answers (cold); a
whole pass over the bank then encodes every topic once; the next rounds are warm (vectors
cached). Also counts how often a distractor came from the card's own topic.
"""

from __future__ import annotations

import argparse
import statistics
import time

from prepdeck.answer_similarity import LexicalSimilarity, Similarity, default_similarity
from prepdeck.bundled import bundled_bank
from prepdeck.choices import make_choices, short_answer
from prepdeck.scheduling import CardState
from prepdeck.storage import CardView


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--lexical", action="store_true", help="use the lexical fallback")
    args = parser.parse_args()
    items = bundled_bank().items
    pool = [CardView(n, it, "bundled", CardState()) for n, it in enumerate(items, start=1)]
    topic_of = {short_answer(v.item.answer): v.item.topic for v in pool}
    started = time.perf_counter()
    similarity: Similarity = LexicalSimilarity() if args.lexical else default_similarity()
    make_choices(pool[0], pool, similarity=similarity)
    cold = time.perf_counter() - started
    rounds: list[list[float]] = []
    same_topic = distractors = 0
    for _ in range(args.rounds + 1):
        timings = []
        for card in pool:
            start = time.perf_counter()
            choices = make_choices(card, pool, similarity=similarity)
            timings.append((time.perf_counter() - start) * 1000)
            for option in choices.options:
                if not option.correct:
                    distractors += 1
                    same_topic += topic_of[option.text] == card.item.topic
        rounds.append(sorted(timings))
    print(f"similarity: {similarity.method}; items: {len(pool)}; first card (cold): {cold:.2f} s")
    for name, ms in (("first pass", rounds[0]), ("warm", [t for r in rounds[1:] for t in r])):
        p95 = ms[int(0.95 * (len(ms) - 1))]
        print(
            f"{name}: median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, "
            f"max {max(ms):.1f} ms per card"
        )
    print(f"distractors from the card's own topic: {same_topic / distractors:.1%}")


if __name__ == "__main__":
    main()
