"""Readiness for an interview date: the expected recall per topic on the day, and the plan.

How the figures are defined (all in 0..1):

- **On the date** means at the interview moment: the start of the interview's study day
  (``day_starts_at_hour`` local time), before any review that day.
- A topic's **items** are its active items minus suspended cards (set aside on purpose).
- A studied card counts its FSRS retrievability at that moment if it is not reviewed again
  (``fsrs``'s forgetting curve from its last review and stability). An item **never seen counts
  0**: prepdeck has no evidence that you know it, so the figure is a lower bound and rises with
  coverage as well as with memory.
- **Expected recall on the date** (per topic, and overall over all items) is the mean of those
  numbers: the share of the questions you are expected to recall. ``recall_now`` is the same
  mean today.

The plan (:mod:`prepdeck.plan`) says how many new and review cards a day reach the target
(the desired retention unless another is given) on the date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from prepdeck.errors import Location, PrepdeckError
from prepdeck.plan import StudyPlan, make_plan
from prepdeck.progress import study_day_of
from prepdeck.scheduling import Scheduler, study_day_start, utcnow
from prepdeck.storage import Store, TopicCard

MIN_TARGET, MAX_TARGET = 0.5, 0.99
#: The plan looks at most this far ahead (its cost grows with the days left).
MAX_DAYS_AHEAD = 3 * 366
HOW_TO_SET = (
    "set your interview date: `prepdeck status --date 2026-12-15` for one look, or "
    "interview_date in settings (the web UI's Settings page, config.toml or "
    "PREPDECK_INTERVIEW_DATE) to keep it"
)


class ReadinessError(PrepdeckError):
    """Readiness cannot be computed for these inputs (date in the past, target out of range)."""


class NoInterviewDate(ReadinessError):
    """No interview date is set; the message says how to set one."""


@dataclass(frozen=True)
class TopicReadiness:
    topic: str
    items: int
    studied: int
    recall_now: float
    on_date: float

    @property
    def coverage(self) -> float:
        """Share of the topic's items studied at least once."""
        return self.studied / self.items if self.items else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "items": self.items,
            "studied": self.studied,
            "never_seen": self.items - self.studied,
            "coverage": round(self.coverage, 4),
            "recall_now": round(self.recall_now, 4),
            "on_date": round(self.on_date, 4),
        }


@dataclass(frozen=True)
class Readiness:
    """Readiness per topic and overall for ``interview_date``, and the plan to reach ``target``."""

    today: date
    interview_date: date
    target: float
    topics: tuple[TopicReadiness, ...]
    overall: TopicReadiness
    plan: StudyPlan

    @property
    def days_left(self) -> int:
        """Study days before the interview day (0: the interview is today)."""
        return (self.interview_date - self.today).days

    @property
    def on_track(self) -> bool:
        return self.overall.on_date >= self.target

    def to_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "interview_date": self.interview_date.isoformat(),
            "days_left": self.days_left,
            "target": self.target,
            "overall": self.overall.to_dict(),
            "topics": [t.to_dict() for t in self.topics],
            "plan": self.plan.to_dict(),
        }


def check_inputs(
    interview_date: date | None, target: float, today: date, *, date_field: str, target_field: str
) -> date:
    """``interview_date`` if usable; else :class:`NoInterviewDate` or :class:`ReadinessError`
    naming the field (a date before today or more than :data:`MAX_DAYS_AHEAD` days away, a
    target outside ``MIN_TARGET..MAX_TARGET``)."""
    if interview_date is None:
        raise NoInterviewDate(f"no interview date: {HOW_TO_SET}", Location(date_field))
    if interview_date < today:
        raise ReadinessError(
            f"the interview date {interview_date.isoformat()} is in the past (today is "
            f"{today.isoformat()}): give a date from today on",
            Location(date_field),
        )
    if (interview_date - today).days > MAX_DAYS_AHEAD:
        raise ReadinessError(
            f"the interview date {interview_date.isoformat()} is more than "
            f"{MAX_DAYS_AHEAD // 366} years away: give a nearer date",
            Location(date_field),
        )
    if not MIN_TARGET <= target <= MAX_TARGET:
        raise ReadinessError(
            f"the target must be between {MIN_TARGET} and {MAX_TARGET} (got {target})",
            Location(target_field),
        )
    return interview_date


def readiness(
    studied: Sequence[TopicCard],
    never_seen: Mapping[str, int],
    scheduler: Scheduler,
    *,
    interview_date: date | None,
    target: float | None = None,
    now: datetime | None = None,
    date_field: str = "interview_date",
    target_field: str = "target",
) -> Readiness:
    """Readiness of the ``studied`` cards plus ``never_seen`` items per topic.

    ``target`` defaults to the desired retention. Raises :class:`NoInterviewDate` without a
    date and :class:`ReadinessError` for a date before today or a target outside 0.5..0.99.
    """
    now = now or utcnow()
    settings = scheduler.settings
    today = study_day_of(now, settings)
    goal = settings.desired_retention if target is None else target
    day = check_inputs(
        interview_date, goal, today, date_field=date_field, target_field=target_field
    )
    moment = study_day_start(day, settings)
    by_topic: defaultdict[str, list[TopicCard]] = defaultdict(list)
    for card in studied:
        by_topic[card.topic].append(card)
    topics = []
    for topic in sorted(set(by_topic) | {t for t, n in never_seen.items() if n > 0}):
        cards = by_topic[topic]
        items = len(cards) + never_seen.get(topic, 0)
        topics.append(
            TopicReadiness(
                topic,
                items,
                len(cards),
                sum(scheduler.retrievability(c.state, now) for c in cards) / items,
                sum(scheduler.retrievability(c.state, moment) for c in cards) / items,
            )
        )
    items = sum(t.items for t in topics)
    overall = TopicReadiness(
        "all",
        items,
        sum(t.studied for t in topics),
        sum(t.recall_now * t.items for t in topics) / items if items else 0.0,
        sum(t.on_date * t.items for t in topics) / items if items else 0.0,
    )
    # The projection schedules toward *this* date, which may differ from the saved one.
    engine = Scheduler(replace(settings, interview_date=day, fuzz=False), scheduler.parameters)
    plan = make_plan(
        [c.state for c in studied],
        sum(never_seen.values()),
        engine,
        now=now,
        today=today,
        interview_date=day,
        target=goal,
    )
    return Readiness(today, day, goal, tuple(topics), overall, plan)


def readiness_for(
    store: Store,
    scheduler: Scheduler,
    user: int,
    *,
    interview_date: date | None = None,
    target: float | None = None,
    now: datetime | None = None,
    date_field: str = "interview_date",
    target_field: str = "target",
) -> Readiness:
    """:func:`readiness` for ``user``'s cards in ``store``; the date defaults to the
    ``interview_date`` setting of ``scheduler``."""
    now = now or utcnow()
    never_seen = {s.topic: s.new for s in store.topic_status(user, now, now)}
    return readiness(
        store.studied_cards(user),
        never_seen,
        scheduler,
        interview_date=interview_date or scheduler.settings.interview_date,
        target=target,
        now=now,
        date_field=date_field,
        target_field=target_field,
    )
