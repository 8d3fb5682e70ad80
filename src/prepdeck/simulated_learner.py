"""A simulated learner whose memory follows FSRS: to test study plans and to draw them.

The learner's recall of a studied card at a review is a draw with the card's FSRS
retrievability (``Scheduler.retrievability``) as its probability; they rate Good when they
recall it and Again when not, through the real :class:`~prepdeck.scheduling.Scheduler`.
At first sight a card is recalled with probability ``first_sight_recall`` (prior knowledge).
Each study day they do every card due that day, then the day's new cards, then the learning
steps those ratings create (as a practice session does). Everything is seeded (fsrs's fuzz,
drawn from the global ``random`` generator, by :func:`follow`).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from prepdeck.plan import LEARN_AFTER_DAY_START, REVIEW_TIME, SAME_SITTING
from prepdeck.scheduling import NEW_CARD, CardPhase, CardState, Rating, Scheduler, study_day_start
from prepdeck.storage import TopicCard


@dataclass
class Deck:
    """The learner's cards: one state per item, with the item's topic."""

    topics: list[str]
    states: list[CardState]

    @classmethod
    def of(cls, items_per_topic: Mapping[str, int], seed: int = 0) -> Deck:
        """Never-seen items, topics interleaved in a seeded order (new cards come in that order)."""
        topics = [t for t, n in items_per_topic.items() for _ in range(n)]
        random.Random(seed).shuffle(topics)
        return cls(topics, [NEW_CARD] * len(topics))

    def studied(self) -> list[TopicCard]:
        return [
            TopicCard(t, s)
            for t, s in zip(self.topics, self.states, strict=True)
            if s.phase is not CardPhase.NEW
        ]

    def never_seen(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for topic, state in zip(self.topics, self.states, strict=True):
            if state.phase is CardPhase.NEW:
                counts[topic] = counts.get(topic, 0) + 1
        return counts

    def mean_recall(self, scheduler: Scheduler, moment: datetime) -> float:
        """Expected share of all items recalled at ``moment`` (never-seen ones count 0)."""
        return sum(scheduler.retrievability(s, moment) for s in self.states) / len(self.states)


@dataclass
class SimulatedLearner:
    scheduler: Scheduler
    seed: int = 0
    first_sight_recall: float = 0.5
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def _rate(self, deck: Deck, index: int, when: datetime) -> bool:
        state = deck.states[index]
        if state.phase is CardPhase.NEW:
            recalled = self.rng.random() < self.first_sight_recall
        else:
            recalled = self.rng.random() < self.scheduler.retrievability(state, when)
        rating = Rating.GOOD if recalled else Rating.AGAIN
        deck.states[index] = self.scheduler.review(state, rating, when)
        return state.phase in (CardPhase.REVIEW, CardPhase.RELEARNING)

    def study(self, deck: Deck, start: datetime, day_end: datetime, new: int) -> int:
        """One sitting from ``start``: cards due before ``day_end``, ``new`` new cards, then
        their learning steps. Returns the reviews of review-phase cards done."""
        when = start
        reviews = 0
        due = sorted(
            (s.due, i)
            for i, s in enumerate(deck.states)
            if s.phase is not CardPhase.NEW and s.due is not None and s.due < day_end
        )
        for _, index in due:
            reviews += self._rate(deck, index, when)
            when += REVIEW_TIME
        fresh = [i for i, s in enumerate(deck.states) if s.phase is CardPhase.NEW][:new]
        for index in fresh:
            self._rate(deck, index, when)
            when += REVIEW_TIME
        while True:
            soon = [
                (s.due, i)
                for i, s in enumerate(deck.states)
                if s.phase in (CardPhase.LEARNING, CardPhase.RELEARNING)
                and s.due is not None
                and s.due <= when + SAME_SITTING
            ]
            if not soon:
                return reviews
            moment, index = min(soon)
            when = max(when, moment)
            reviews += self._rate(deck, index, when)
            when += REVIEW_TIME


@dataclass(frozen=True)
class SimulatedDay:
    day: date
    recall: float
    new: int
    reviews: int


def follow(
    learner: SimulatedLearner,
    deck: Deck,
    new_per_day: Sequence[int],
    *,
    now: datetime,
    today: date,
    interview_date: date,
) -> tuple[list[SimulatedDay], float]:
    """Study ``new_per_day[k]`` new cards on day ``k`` from ``today`` (starting ``now``) until the
    interview. Returns each day with the mean recall when it starts, and the mean recall at
    the interview moment (the readiness reached)."""
    settings = learner.scheduler.settings
    # fsrs draws its interval fuzz from the global generator: seed it too, for repeatable runs.
    random.seed(learner.seed)
    days = []
    for k in range((interview_date - today).days):
        day = today + timedelta(days=k)
        begins = study_day_start(day, settings)
        start = now if k == 0 else begins + LEARN_AFTER_DAY_START
        recall = deck.mean_recall(learner.scheduler, now if k == 0 else begins)
        new = new_per_day[k] if k < len(new_per_day) else 0
        reviews = learner.study(deck, start, begins + timedelta(days=1), new)
        days.append(SimulatedDay(day, recall, new, reviews))
    reached = deck.mean_recall(learner.scheduler, study_day_start(interview_date, settings))
    return days, reached
