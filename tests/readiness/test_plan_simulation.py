"""The plan, checked by simulation: a learner whose memory follows FSRS (each review recalled
with the card's retrievability, rated through the real scheduler) does what the plan says and
reaches the target on the date, within 5 points. Seeded, so the figures are fixed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from prepdeck.progress import study_day_of
from prepdeck.readiness import readiness
from prepdeck.scheduling import Scheduler
from prepdeck.settings import Settings
from prepdeck.simulated_learner import Deck, SimulatedLearner, follow

NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
INTERVIEW = date(2026, 11, 12)  # six weeks


def _settings(toward: bool) -> Settings:
    # The plan's advice asks for the limits it needs; this learner has raised them.
    return Settings(
        interview_date=INTERVIEW,
        schedule_toward_date=toward,
        new_per_day=1000,
        reviews_per_day=10_000,
    )


@pytest.mark.parametrize("toward", [True, False], ids=["toward-date", "plain-fsrs"])
@pytest.mark.parametrize("seed", [1, 2])
def test_following_the_plan_reaches_the_target_from_scratch(toward: bool, seed: int) -> None:
    scheduler = Scheduler(_settings(toward))
    deck = Deck.of({"Statistics": 110, "Deep learning": 90, "SQL": 60}, seed)
    plan = readiness(
        deck.studied(), deck.never_seen(), scheduler, interview_date=INTERVIEW, now=NOW
    ).plan
    assert plan.reachable and plan.new_per_day > 0
    days, reached = follow(
        SimulatedLearner(scheduler, seed),
        deck,
        [d.new for d in plan.days],
        now=NOW,
        today=study_day_of(NOW, scheduler.settings),
        interview_date=INTERVIEW,
    )
    assert reached >= plan.target - 0.05
    assert abs(reached - plan.projected) <= 0.05
    # The plan's daily reviews are an estimate of the learner's workload, not a guess.
    simulated = sum(d.reviews for d in days) / len(days)
    assert 0.6 * simulated <= plan.reviews_per_day <= 1.4 * simulated


def test_following_the_plan_after_a_break_reaches_a_higher_target() -> None:
    settings = _settings(True)
    scheduler = Scheduler(settings)
    deck = Deck.of({"Statistics": 80, "SQL": 70}, 7)
    learner = SimulatedLearner(scheduler, 7)
    # A month of 5 new cards a day, then three weeks off: some cards have faded.
    start = NOW - timedelta(days=50)
    follow(
        learner,
        deck,
        [5] * 30,
        now=start,
        today=study_day_of(start, settings),
        interview_date=study_day_of(start, settings) + timedelta(days=30),
    )
    before = readiness(
        deck.studied(), deck.never_seen(), scheduler, interview_date=INTERVIEW, target=0.93, now=NOW
    )
    assert before.overall.studied == 150 and before.overall.on_date < 0.85
    plan = before.plan
    _, reached = follow(
        learner,
        deck,
        [d.new for d in plan.days],
        now=NOW,
        today=before.today,
        interview_date=INTERVIEW,
    )
    assert plan.new_total == 0
    assert reached >= 0.93 - 0.05 and abs(reached - plan.projected) <= 0.05


def test_the_simulation_is_repeatable() -> None:
    def run() -> tuple[float, list[int]]:
        scheduler = Scheduler(_settings(True))
        deck = Deck.of({"Statistics": 40, "SQL": 30}, 5)
        days, reached = follow(
            SimulatedLearner(scheduler, 5),
            deck,
            [5] * 14,
            now=NOW,
            today=study_day_of(NOW, scheduler.settings),
            interview_date=NOW.date() + timedelta(days=21),
        )
        return reached, [d.reviews for d in days]

    first = run()
    assert first == run() and first[0] > 0.5
