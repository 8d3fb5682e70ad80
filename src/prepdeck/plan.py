"""The plan to an interview date: new and review cards per day, and where following it leads.

The projection follows every card along the schedule FSRS gives it (fuzz off; scheduling
toward the date if that option is on, exactly as practice would): studied cards from their
current state, never-seen cards from the day the plan learns them. Recall on the date is read
off the forgetting curve at the interview moment (the start of the interview's study day).

Studied cards and the plan's new cards are projected with seeded draws: each review is
recalled with its FSRS retrievability (Good) or forgotten (Again, relearned), and a new card
is known at first sight with probability :data:`FIRST_SIGHT_RECALL`; one draw per studied
card, a few per day of new cards, weighted. New cards are spread evenly over the days left:
the plan picks the smallest number a day whose readiness reaches the target when the new
cards' reviews are all rated Good (every never-seen card if even that falls short;
``reachable`` is then False); the days, the reviews per day and the projected figure come
from the draws. Reviews per day count review-phase and relearning cards; following the plan
means doing every review that falls due. The simulation test
(``tests/readiness/test_plan_simulation.py``) checks the projection against a simulated
learner.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from prepdeck.scheduling import NEW_CARD, CardPhase, CardState, Rating, Scheduler, study_day_start

#: New cards are assumed to be learned this long after a study day starts (today: now).
LEARN_AFTER_DAY_START = timedelta(hours=2)
#: Distinct learning times a day's new cards are projected at, so their reviews spread out.
VARIANTS_PER_DAY = 6
#: At most about this many projected new-card paths in all (fewer a day on long horizons).
NEW_CARD_PATHS = 240
#: A new card's recall on the date is projected for each of the last days before the date
#: and for this many days spread over the time before them.
EXACT_LAST_DAYS = 14
SAMPLED_EARLY_DAYS = 30
#: Assumed chance of knowing a never-seen card at first sight (rated Good, else Again).
FIRST_SIGHT_RECALL = 0.5
#: Minutes between those learning times.
VARIANT_GAP = timedelta(minutes=7)
#: New cards are learned this long into a day's sitting, after its reviews. It matters: fsrs
#: counts elapsed time in whole 24-hour days, so a card learned at 06:20 and reviewed the next
#: morning at 06:05 counts as a same-day review (its stability barely grows).
NEW_AFTER_REVIEWS = timedelta(minutes=20)
#: How long a day's reviews take: a card is reviewed somewhere in that span of the sitting.
SITTING_LENGTH = timedelta(minutes=30)
#: Learning steps due within this long are done in the same sitting (as in practice).
SAME_SITTING = timedelta(minutes=20)
#: Time one review takes.
REVIEW_TIME = timedelta(seconds=30)
#: A guard on one card's projected reviews (a path normally has a dozen at most).
MAX_REVIEWS_PER_CARD = 400


@dataclass(frozen=True)
class PlanDay:
    """One study day of the plan: new cards to learn and reviews expected to fall due."""

    day: date
    new: int
    reviews: int

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "new": self.new, "reviews": self.reviews}


@dataclass(frozen=True)
class TrajectoryPoint:
    """Expected recall over all items (0..1) when ``day`` starts (``today``: now)."""

    day: date
    if_you_stop: float
    following_plan: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "if_you_stop": round(self.if_you_stop, 4),
            "following_plan": round(self.following_plan, 4),
        }


@dataclass(frozen=True)
class StudyPlan:
    """How many new and review cards a day until the interview, and the projected result.

    ``projected`` is the expected recall over all items on the date if the plan is followed;
    ``reachable`` is False when even learning every never-seen card stays below ``target``.
    """

    target: float
    new_per_day: int
    new_total: int
    never_seen: int
    days: tuple[PlanDay, ...]
    projected: float
    reachable: bool
    trajectory: tuple[TrajectoryPoint, ...]
    advice: tuple[str, ...]

    @property
    def reviews_per_day(self) -> int:
        """The mean of the daily reviews, rounded up (0 without days left)."""
        if not self.days:
            return 0
        return math.ceil(sum(d.reviews for d in self.days) / len(self.days))

    @property
    def peak_reviews(self) -> int:
        return max((d.reviews for d in self.days), default=0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "new_per_day": self.new_per_day,
            "new_total": self.new_total,
            "never_seen": self.never_seen,
            "reviews_per_day": self.reviews_per_day,
            "peak_reviews": self.peak_reviews,
            "projected": round(self.projected, 4),
            "reachable": self.reachable,
            "days": [d.to_dict() for d in self.days],
            "trajectory": [p.to_dict() for p in self.trajectory],
            "advice": list(self.advice),
        }


@dataclass
class _Path:
    """A card's projected reviews: (moment, phase before) and (moment, stability after)."""

    reviews: list[tuple[datetime, CardPhase]]
    marks: list[tuple[datetime, float]]
    weight: float = 1.0


@dataclass(frozen=True)
class _Calendar:
    """When reviews happen: in one sitting a day, ``LEARN_AFTER_DAY_START`` after the study
    day starts (today: ``now``); learning steps due within minutes in the same sitting.

    Reviewing at a sitting rather than at the exact due moment matters: fsrs counts whole
    days, so a card due at noon and reviewed that morning counts one day less."""

    engine: Scheduler
    now: datetime
    today: date
    deadline: datetime

    def sitting(self, day: date) -> datetime:
        if day <= self.today:
            return self.now
        return study_day_start(day, self.engine.settings) + LEARN_AFTER_DAY_START

    def next_review(self, due: datetime, after: datetime) -> datetime:
        if due - after <= SAME_SITTING:
            return max(due, after)
        moment = self.sitting(_day_of(due, self.engine.settings.day_starts_at_hour))
        return moment if moment > after else due

    def follow(self, state: CardState, start: datetime, rng: random.Random | None = None) -> _Path:
        """Review ``state`` whenever it falls due from ``start`` until the deadline: always
        Good without ``rng``, else recalled (Good) or not (Again) with its retrievability."""
        engine = self.engine
        marks: list[tuple[datetime, float]] = []
        if state.phase is not CardPhase.NEW and state.last_review and state.stability:
            marks.append((state.last_review, state.stability))
        reviews: list[tuple[datetime, CardPhase]] = []
        when = start
        if state.phase is not CardPhase.NEW and state.due is not None and state.due > start:
            when = self.next_review(state.due, start)
        while when < self.deadline and len(reviews) < MAX_REVIEWS_PER_CARD:
            before = state.phase
            rating = Rating.GOOD
            if rng is not None:
                chance = (
                    FIRST_SIGHT_RECALL
                    if before is CardPhase.NEW
                    else engine.retrievability(state, when)
                )
                rating = Rating.GOOD if rng.random() < chance else Rating.AGAIN
            state = engine.review(state, rating, when)
            reviews.append((when, before))
            assert state.stability is not None and state.due is not None
            marks.append((when, state.stability))
            after = when + REVIEW_TIME
            when = self.next_review(state.due, after)
            if rng is not None and when - after > SAME_SITTING:
                # Where the card falls in the day's queue: a few minutes either way decide
                # whether fsrs counts a whole day since the last review.
                when += rng.random() * SITTING_LENGTH
        return _Path(reviews, marks)


def _recall_at(
    engine: Scheduler, marks: Sequence[tuple[datetime, float]], moment: datetime
) -> float:
    """Recall at ``moment`` after the reviews ``marks`` (when, stability), 0 before the first."""
    return _curve(engine, marks, [moment])[0]


def _curve(
    engine: Scheduler, marks: Sequence[tuple[datetime, float]], moments: Sequence[datetime]
) -> list[float]:
    """:func:`_recall_at` at each of the ascending ``moments``, in one pass over ``marks``."""
    out = []
    last: tuple[datetime, float] | None = None
    i = 0
    for moment in moments:
        while i < len(marks) and marks[i][0] <= moment:
            last = marks[i]
            i += 1
        out.append(0.0 if last is None else engine.recall(last[1], moment - last[0]))
    return out


def _new_card_recall(calendar: _Calendar, learn_times: Sequence[datetime]) -> list[float]:
    """Recall on the date of a card learned at each of ``learn_times`` and always rated Good.

    Computed for every one of the last :data:`EXACT_LAST_DAYS` days, where it changes fast,
    and for one day in ``step`` before them (the days between take the next sampled value)."""
    count = len(learn_times)
    step = max(1, math.ceil((count - EXACT_LAST_DAYS) / SAMPLED_EARLY_DAYS))
    sampled = {k for k in range(count) if k >= count - EXACT_LAST_DAYS or k % step == 0}
    known = {
        k: _recall_at(
            calendar.engine, calendar.follow(NEW_CARD, learn_times[k]).marks, calendar.deadline
        )
        for k in sampled
    }
    return [known[min(j for j in sampled if j >= k)] for k in range(count)]


def _learned_per_day(never_seen: int, per_day: int, days: int) -> list[int]:
    return [max(0, min(per_day, never_seen - per_day * k)) for k in range(days)]


def make_plan(
    studied: Sequence[CardState],
    never_seen: int,
    engine: Scheduler,
    *,
    now: datetime,
    today: date,
    interview_date: date,
    target: float,
) -> StudyPlan:
    """The plan from ``now`` (study day ``today``) to ``interview_date`` for a pool of the
    ``studied`` cards plus ``never_seen`` items. ``engine`` schedules (use one without fuzz,
    scheduling toward ``interview_date`` if the user does)."""
    settings = engine.settings
    deadline = study_day_start(interview_date, settings)
    days = [today + timedelta(days=k) for k in range((interview_date - today).days)]
    pool = len(studied) + never_seen
    if pool == 0:
        return StudyPlan(target, 0, 0, 0, (), 0.0, False, (), ("No items to study.",))

    calendar = _Calendar(engine, now, today, deadline)

    def learn_time(k: int) -> datetime:
        # New cards come after the day's reviews (today: now, the sitting under way).
        return calendar.sitting(days[k]) + (NEW_AFTER_REVIEWS if k else timedelta())

    # Seeded by the inputs' size: the same state gives the same plan on every request.
    rng = random.Random(pool * 1_000_003 + len(days))
    paths = [calendar.follow(s, now, rng) for s in studied]
    base = sum(_recall_at(engine, p.marks, deadline) for p in paths)
    on_date = _new_card_recall(calendar, [learn_time(k) for k in range(len(days))])

    def projected(per_day: int) -> float:
        learned = _learned_per_day(never_seen, per_day, len(days))
        return (base + sum(c * r for c, r in zip(learned, on_date, strict=True))) / pool

    most = math.ceil(never_seen / len(days)) if days else 0
    per_day = next((n for n in range(most + 1) if projected(n) >= target), most)
    learned = _learned_per_day(never_seen, per_day, len(days))

    per_day_paths = max(1, min(VARIANTS_PER_DAY, NEW_CARD_PATHS // max(len(days), 1)))
    for k, count in enumerate(learned):
        variants = min(count, per_day_paths)
        for j in range(variants):
            path = calendar.follow(NEW_CARD, learn_time(k) + j * VARIANT_GAP, rng)
            paths.append(_Path(path.reviews, path.marks, count / variants))

    reviews: defaultdict[date, float] = defaultdict(float)
    for path in paths:
        for when, before in path.reviews:
            if before in (CardPhase.REVIEW, CardPhase.RELEARNING):
                reviews[_day_of(when, settings.day_starts_at_hour)] += path.weight
    plan_days = tuple(PlanDay(d, c, round(reviews[d])) for d, c in zip(days, learned, strict=True))

    labels = [today, *days[1:], interview_date]
    moments = [now] + [study_day_start(d, settings) for d in days[1:]] + [deadline]
    if not days:  # the interview is today: its moment has passed, now is all there is
        labels, moments = [interview_date], [now]
    stop = [0.0] * len(moments)
    follow = [0.0] * len(moments)
    for n, path in enumerate(paths):
        if n < len(studied):
            for i, value in enumerate(_curve(engine, path.marks[:1], moments)):
                stop[i] += value
        for i, value in enumerate(_curve(engine, path.marks, moments)):
            follow[i] += path.weight * value
    trajectory = tuple(
        TrajectoryPoint(day, a / pool, b / pool)
        for day, a, b in zip(labels, stop, follow, strict=True)
    )
    final = trajectory[-1].following_plan
    plan = StudyPlan(
        target=target,
        new_per_day=per_day,
        new_total=sum(learned),
        never_seen=never_seen,
        days=plan_days,
        projected=final,
        reachable=projected(per_day) >= target,
        trajectory=trajectory,
        advice=(),
    )
    return _with_advice(plan, engine)


def _day_of(moment: datetime, day_starts_at_hour: int) -> date:
    return (moment.astimezone() - timedelta(hours=day_starts_at_hour)).date()


def _with_advice(plan: StudyPlan, engine: Scheduler) -> StudyPlan:
    settings = engine.settings
    advice = []
    if not plan.days:
        advice.append("The interview is today: no study day is left to plan.")
    elif not plan.reachable:
        advice.append(
            f"Even learning all {plan.never_seen} unseen cards, the projection is "
            f"{plan.projected:.0%} against a target of {plan.target:.0%}: "
            "move the date or lower the target."
        )
    if plan.new_per_day > settings.new_per_day:
        advice.append(
            f"The plan needs {plan.new_per_day} new cards a day but your limit is "
            f"{settings.new_per_day}: raise new_per_day in settings."
        )
    if plan.peak_reviews > settings.reviews_per_day:
        advice.append(
            f"Up to {plan.peak_reviews} reviews fall due on one day but your limit is "
            f"{settings.reviews_per_day}: raise reviews_per_day in settings."
        )
    if plan.days and engine.deadline is None:
        advice.append(
            "Turn on scheduling toward the interview (Settings page, or schedule_toward_date) "
            "so every card is seen in the last days before it."
        )
    return StudyPlan(**{**plan.__dict__, "advice": tuple(advice)})
