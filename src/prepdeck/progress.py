"""How a user's study is going: reviews per day, retention over time, the due forecast and
mastery per topic. Works on any :class:`~prepdeck.storage.Store`.

Days are study days (they start at ``day_starts_at_hour`` local time, as the daily limits do).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from prepdeck.scheduling import CardPhase, Scheduler, utcnow
from prepdeck.settings import Settings
from prepdeck.storage import Store

REVIEW_DAYS = 60
RETENTION_WEEKS = 26
FORECAST_DAYS = 30


def study_day_of(moment: datetime, settings: Settings) -> date:
    """The study day ``moment`` belongs to (local time, shifted by ``day_starts_at_hour``)."""
    return (moment.astimezone() - timedelta(hours=settings.day_starts_at_hour)).date()


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "count": self.count}


@dataclass(frozen=True)
class WeekRetention:
    """Reviews of cards in the review phase during the week from ``week_start`` (a Monday);
    ``retention`` is the share rated better than Again (None without reviews)."""

    week_start: date
    reviews: int
    recalled: int

    @property
    def retention(self) -> float | None:
        return self.recalled / self.reviews if self.reviews else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "week_start": self.week_start.isoformat(),
            "reviews": self.reviews,
            "recalled": self.recalled,
            "retention": None if self.retention is None else round(self.retention, 4),
        }


@dataclass(frozen=True)
class TopicMastery:
    """``mastery`` = learned (review-phase) cards / items; ``mean_recall`` = the mean recall
    probability now over all items of the topic, new ones counting 0 (both in 0..1)."""

    topic: str
    items: int
    learned: int
    studied: int
    mean_recall: float

    @property
    def mastery(self) -> float:
        return self.learned / self.items if self.items else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "items": self.items,
            "learned": self.learned,
            "studied": self.studied,
            "mastery": round(self.mastery, 4),
            "mean_recall": round(self.mean_recall, 4),
        }


@dataclass(frozen=True)
class StudyStats:
    today: date
    reviews_per_day: tuple[DayCount, ...]
    retention: tuple[WeekRetention, ...]
    forecast: tuple[DayCount, ...]
    topics: tuple[TopicMastery, ...]
    interview_date: date | None

    @property
    def days_to_interview(self) -> int | None:
        return None if self.interview_date is None else (self.interview_date - self.today).days

    @property
    def total_reviews(self) -> int:
        return sum(d.count for d in self.reviews_per_day)

    def to_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "interview_date": self.interview_date.isoformat() if self.interview_date else None,
            "days_to_interview": self.days_to_interview,
            "reviews_per_day": [d.to_dict() for d in self.reviews_per_day],
            "retention_per_week": [w.to_dict() for w in self.retention],
            "due_forecast": [d.to_dict() for d in self.forecast],
            "topics": [t.to_dict() for t in self.topics],
        }


def study_stats(
    store: Store,
    scheduler: Scheduler,
    settings: Settings,
    user: int,
    now: datetime | None = None,
) -> StudyStats:
    """Reviews per day (last ``REVIEW_DAYS``), retention per week (last ``RETENTION_WEEKS``),
    cards due per day (next ``FORECAST_DAYS``, overdue ones today) and mastery per topic."""
    now = now or utcnow()
    today = study_day_of(now, settings)
    first_week = today - timedelta(days=today.weekday() + 7 * (RETENTION_WEEKS - 1))
    first_day = min(first_week, today - timedelta(days=REVIEW_DAYS - 1))
    since = now - timedelta(days=(today - first_day).days + 2)
    per_day: Counter[date] = Counter()
    weeks: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for event in store.review_events(user, since):
        day = study_day_of(event.reviewed_at, settings)
        per_day[day] += 1
        if event.phase_before == int(CardPhase.REVIEW):
            week = weeks[day - timedelta(days=day.weekday())]
            week[0] += 1
            week[1] += event.rating > 1
    days = [today - timedelta(days=n) for n in range(REVIEW_DAYS - 1, -1, -1)]
    week_starts = [first_week + timedelta(weeks=n) for n in range(RETENTION_WEEKS)]

    studied = store.studied_cards(user)
    due: Counter[date] = Counter()
    recall: defaultdict[str, float] = defaultdict(float)
    count: Counter[str] = Counter()
    for card in studied:
        if card.state.due is not None:
            due[max(study_day_of(card.state.due, settings), today)] += 1
        recall[card.topic] += scheduler.retrievability(card.state, now)
        count[card.topic] += 1
    ahead = [today + timedelta(days=n) for n in range(FORECAST_DAYS)]
    topics = tuple(
        TopicMastery(s.topic, s.items, s.learned, count[s.topic], recall[s.topic] / s.items)
        for s in store.topic_status(user, now, now)
        if s.items
    )
    return StudyStats(
        today=today,
        reviews_per_day=tuple(DayCount(d, per_day[d]) for d in days),
        retention=tuple(WeekRetention(w, *weeks.get(w, (0, 0))) for w in week_starts),
        forecast=tuple(DayCount(d, due[d]) for d in ahead),
        topics=topics,
        interview_date=settings.interview_date,
    )
