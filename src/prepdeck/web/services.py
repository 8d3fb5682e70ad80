"""What the pages show, as plain data: each page and its JSON twin call the same function here.

Functions take the open :class:`~prepdeck.store.context.Context` and return dataclasses with a
``to_dict`` for the JSON API; templates read the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from prepdeck.model import Item
from prepdeck.practice import day_bounds
from prepdeck.scheduling import CardPhase, utcnow
from prepdeck.search import Hit, search
from prepdeck.storage import CardView, QueueFilter
from prepdeck.store.context import Context
from prepdeck.web.errors import NotFound

#: Upper bound on the cards one browse or search request reads.
MAX_CARDS = 20_000


@dataclass(frozen=True)
class TopicReadiness:
    """How ready the user is on one topic: ``coverage`` = seen/items, ``retention`` = recalled."""

    topic: str
    items: int
    new: int
    due: int
    learned: int
    retention: float | None
    coverage: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class HomeData:
    due_today: int
    new_today: int
    reviewed_today: int
    streak_days: int
    topics: tuple[TopicReadiness, ...]

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["topics"] = [t.to_dict() for t in self.topics]
        return data


def study_day(moment: datetime, ctx: Context) -> date:
    """The study day a moment belongs to (days start at ``day_starts_at_hour`` local time)."""
    start, _ = day_bounds(moment, ctx.settings)
    return start.astimezone().date()


#: Days of reviews the streak reads at first; it reads further back only while still counting.
STREAK_WINDOW_DAYS = 40


def streak(ctx: Context, now: datetime) -> int:
    """Consecutive study days with a scheduled rating that still counts (not cram, not undone),
    ending today (or yesterday). Reads the last weeks of reviews, more only for a longer streak."""
    today = study_day(now, ctx)
    window = STREAK_WINDOW_DAYS
    while True:
        events = ctx.store.review_events(ctx.user, now - timedelta(days=window + 1))
        days = {study_day(e.reviewed_at, ctx) for e in events}
        day = today if today in days else today - timedelta(days=1)
        count = 0
        while day in days:
            count += 1
            day -= timedelta(days=1)
        if count < window - 1 or window > 365 * 100:
            return count
        window *= 4


def home(ctx: Context, now: datetime | None = None) -> HomeData:
    now = now or utcnow()
    start, end = day_bounds(now, ctx.settings)
    rows = ctx.store.topic_status(ctx.user, now, end)
    done = ctx.store.day_counts(ctx.user, start)
    new_left = max(ctx.settings.new_per_day - done.new_done, 0)
    topics = tuple(
        TopicReadiness(
            topic=r.topic,
            items=r.items,
            new=r.new,
            due=r.due,
            learned=r.learned,
            retention=r.retention,
            coverage=(r.items - r.new) / r.items if r.items else 0.0,
        )
        for r in rows
    )
    return HomeData(
        due_today=sum(r.due for r in rows),
        new_today=min(new_left, sum(r.new for r in rows)),
        reviewed_today=done.new_done + done.reviews_done,
        streak_days=streak(ctx, now),
        topics=topics,
    )


@dataclass(frozen=True)
class CardEntry:
    """An item with this user's card state: new, or due at ``due`` with ``recall`` probability."""

    item_pk: int
    item: Item
    bank: str
    state: str
    due: datetime | None
    recall: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_pk": self.item_pk,
            "bank": self.bank,
            "state": self.state,
            "due": self.due.isoformat() if self.due else None,
            "recall": None if self.recall is None else round(self.recall, 4),
            "item": self.item.to_dict(),
        }


def card_entry(ctx: Context, view: CardView, now: datetime) -> CardEntry:
    state = view.state
    if state.phase is CardPhase.NEW:
        return CardEntry(view.item_pk, view.item, view.bank, "new", None, None)
    recall = ctx.scheduler.retrievability(state, now)
    return CardEntry(
        view.item_pk, view.item, view.bank, state.phase.name.lower(), state.due, recall
    )


@dataclass(frozen=True)
class TopicSummary:
    topic: str
    items: int
    new: int
    due: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def topics(ctx: Context, now: datetime | None = None) -> list[TopicSummary]:
    now = now or utcnow()
    _, end = day_bounds(now, ctx.settings)
    rows = ctx.store.topic_status(ctx.user, now, end)
    return [TopicSummary(r.topic, r.items, r.new, r.due) for r in rows]


def browse_topic(ctx: Context, topic: str, now: datetime | None = None) -> list[CardEntry]:
    """Every item of ``topic`` in bank order, with its card state. Raises NotFound."""
    now = now or utcnow()
    views = ctx.store.all_cards(ctx.user, QueueFilter(topics=(topic,)), MAX_CARDS)
    if not views:
        raise NotFound(f"no topic called '{topic}'")
    return [card_entry(ctx, v, now) for v in views]


@dataclass(frozen=True)
class SearchResult:
    entry: CardEntry
    score: float
    fields: tuple[str, ...]
    snippet: str

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.entry.to_dict(),
            "score": self.score,
            "fields": list(self.fields),
            "snippet": self.snippet,
        }


def search_cards(
    ctx: Context,
    query: str,
    topic: str = "",
    difficulty: str = "",
    limit: int = 50,
    now: datetime | None = None,
) -> list[SearchResult]:
    """Items whose question, answer, tags or topic match every word of ``query``."""
    now = now or utcnow()
    views = ctx.store.all_cards(ctx.user, QueueFilter(), MAX_CARDS)
    hits: list[Hit[CardView]] = search(
        views,
        query,
        lambda v: v.item,
        topics=[topic] if topic else [],
        difficulties=[difficulty] if difficulty else [],
        limit=limit,
    )
    return [SearchResult(card_entry(ctx, h.entry, now), h.score, h.fields, h.snippet) for h in hits]
