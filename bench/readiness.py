"""Readiness and its plan: CPU time per computation (the home page and /api/readiness pay it).

Usage: python bench/readiness.py [--rounds 3]

A simulated learner studies the bundled bank's sizes (569 questions) for 0, 12 or 30 days at
20 new cards a day; readiness is then computed for interviews 3 weeks, 3 months and a year
away, with and without scheduling toward the date. Reports CPU seconds (median of the rounds).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from prepdeck import read_bank
from prepdeck.progress import study_day_of
from prepdeck.readiness import readiness
from prepdeck.scheduling import Scheduler
from prepdeck.settings import Settings
from prepdeck.simulated_learner import Deck, SimulatedLearner, follow

NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sizes = Counter(item.topic for item in read_bank().items)
    print(f"{'studied':>8} {'horizon':>8} {'toward':>7} {'cpu s':>7} {'new/day':>8}")
    for studied_days in (0, 12, 30):
        deck = Deck.of(sizes, 1)
        start = NOW - timedelta(days=studied_days)
        learner = SimulatedLearner(Scheduler(Settings()), 1)
        today = study_day_of(start, Settings())
        follow(
            learner,
            deck,
            [20] * studied_days,
            now=start,
            today=today,
            interview_date=today + timedelta(days=studied_days),
        )
        for horizon in (21, 91, 365):
            interview = study_day_of(NOW, Settings()) + timedelta(days=horizon)
            for toward in (False, True):
                scheduler = Scheduler(
                    Settings(interview_date=interview, schedule_toward_date=toward)
                )
                times = []
                for _ in range(args.rounds):
                    began = time.process_time()
                    result = readiness(
                        deck.studied(),
                        deck.never_seen(),
                        scheduler,
                        interview_date=interview,
                        now=NOW,
                    )
                    times.append(time.process_time() - began)
                print(
                    f"{len(deck.studied()):>8} {horizon:>7}d {'yes' if toward else 'no':>7} "
                    f"{statistics.median(times):>7.3f} {result.plan.new_per_day:>8}"
                )


if __name__ == "__main__":
    main()
