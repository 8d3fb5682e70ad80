"""Draw the readiness of a simulated learner over the weeks before an interview.

The learner starts from nothing on the bundled bank (569 questions, 17 topics), asks prepdeck
for a plan on the first day and follows it: every review that falls due, and the plan's new
cards each day; once with ``schedule_toward_date`` on, once with the plain FSRS schedule.
Their memory follows FSRS (each review recalled with the card's retrievability, rated Good or
Again through the real scheduler). The plot shows their expected recall over all questions
day by day, the plan's projection and the target; the figures are printed. Seeded, offline::

    .venv/bin/python scripts/readiness_demo.py                 # writes docs/readiness-simulated.svg
    .venv/bin/python scripts/readiness_demo.py --weeks 4 --target 0.85 --out /tmp/r.svg
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from prepdeck import charts, read_bank
from prepdeck.progress import study_day_of
from prepdeck.readiness import readiness
from prepdeck.scheduling import Scheduler, study_day_start
from prepdeck.settings import Settings
from prepdeck.simulated_learner import Deck, SimulatedLearner, follow

START = datetime(2026, 10, 19, 18, 0, tzinfo=UTC)
OUT = Path(__file__).parents[1] / "docs" / "readiness-simulated.svg"


def simulate(weeks: int, target: float, seed: int, toward: bool) -> dict[str, Any]:
    """Plan on the first day, follow it, and return the figures and the daily recall."""
    interview: date = START.date() + timedelta(weeks=weeks)
    settings = Settings(
        interview_date=interview,
        schedule_toward_date=toward,
        new_per_day=1000,
        reviews_per_day=10_000,
    )
    scheduler = Scheduler(settings)
    sizes = Counter(item.topic for item in read_bank().items)
    deck = Deck.of(sizes, seed)
    result = readiness(
        deck.studied(),
        deck.never_seen(),
        scheduler,
        interview_date=interview,
        target=target,
        now=START,
    )
    plan = result.plan
    days, reached = follow(
        SimulatedLearner(scheduler, seed),
        deck,
        [d.new for d in plan.days],
        now=START,
        today=study_day_of(START, settings),
        interview_date=interview,
    )
    moment = study_day_start(interview, settings)
    rng = random.Random(seed)
    asked = sum(rng.random() < scheduler.retrievability(s, moment) for s in deck.states)
    return {
        "interview": interview,
        "topics": len(sizes),
        "questions": len(deck.states),
        "plan": plan,
        "days": days,
        "reached": reached,
        "asked": asked,
        "recall": [d.recall for d in days] + [reached],
        "labels": [f"{d.day:%d %b}" for d in days] + [f"{interview:%d %b}"],
    }


def report(name: str, run: dict[str, Any], target: float) -> None:
    plan, days = run["plan"], run["days"]
    print(f"{name}:")
    print(
        f"  plan: {plan.new_per_day} new a day ({plan.new_total} in all), about "
        f"{plan.reviews_per_day} reviews a day (peak {plan.peak_reviews})"
    )
    print(
        f"  simulated: {sum(d.reviews for d in days) / len(days):.0f} reviews a day "
        f"(peak {max(d.reviews for d in days)})"
    )
    print(
        f"  target {target:.1%}; plan projected {plan.projected:.1%}; "
        f"reached {run['reached']:.1%}; every question asked on the day: "
        f"{run['asked']}/{run['questions']} recalled"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=8, help="weeks before the interview")
    parser.add_argument("--target", type=float, default=0.9, help="expected recall to reach")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    toward = simulate(args.weeks, args.target, args.seed, toward=True)
    plain = simulate(args.weeks, args.target, args.seed, toward=False)
    svg = charts.readiness_chart(
        toward["labels"],
        [
            ("learner, toward the date", toward["recall"]),
            ("plan's projection", [p.following_plan for p in toward["plan"].trajectory]),
            ("learner, plain FSRS", plain["recall"]),
        ],
        target=args.target,
        chart_id="readiness-simulated",
        title=f"A simulated learner following prepdeck's plan for {args.weeks} weeks",
        label_every=7,
        standalone=True,
        dots=False,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(svg + "\n", "utf-8")
    print(
        f"bank: {toward['questions']} questions, {toward['topics']} topics; "
        f"interview {toward['interview']}; seed {args.seed}"
    )
    report("scheduling toward the date", toward, args.target)
    report("plain FSRS schedule", plain, args.target)
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
