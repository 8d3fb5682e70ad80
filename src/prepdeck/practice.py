"""A practice session: the queue of cards to see, ratings, undo, and a summary.

Works on any :class:`~prepdeck.storage.Store`. The queue is learning cards and reviews
due today, then new cards, within the user's daily limits. Cards rated into a short
learning step come back later in the same session. Cram practises any cards without
changing their schedule (the ratings are still logged, as ``cram``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from prepdeck.errors import PrepdeckError
from prepdeck.scheduling import CardPhase, CardState, Rating, Scheduler, utcnow
from prepdeck.settings import Settings
from prepdeck.storage import (
    CardView,
    ConcurrentUpdate,
    QueueFilter,
    QueueWindow,
    ReviewInput,
    Store,
)

#: A card due within this much time is shown again in the same session.
LEARN_AHEAD = timedelta(minutes=20)
#: How often a rating is retried when another process changed the card meanwhile.
MAX_RETRIES = 5


class ConflictError(PrepdeckError):
    """The store kept reporting concurrent changes to a card."""


def day_bounds(now: datetime, settings: Settings) -> tuple[datetime, datetime]:
    """Start and end (UTC) of the user's study day, which begins at ``day_starts_at_hour`` local."""
    local = now.astimezone()
    start = local.replace(hour=settings.day_starts_at_hour, minute=0, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    return start.astimezone(now.tzinfo), (start + timedelta(days=1)).astimezone(now.tzinfo)


def has_room(limit: int | None, reviewed: int) -> bool:
    """Whether a session of ``limit`` cards that has rated ``reviewed`` shows another."""
    return limit is None or reviewed < limit


def peek_window(settings: Settings, now: datetime) -> QueueWindow:
    """Where the queue stands at ``now``, for :meth:`~prepdeck.storage.Store.next_card`."""
    start, end = day_bounds(now, settings)
    return QueueWindow(
        now, start, end, now + LEARN_AHEAD, settings.reviews_per_day, settings.new_per_day
    )


def session_queue(
    store: Store,
    settings: Settings,
    user: int,
    flt: QueueFilter,
    *,
    now: datetime,
    reviewed: int = 0,
    limit: int | None = None,
    cram: bool = False,
    peek: bool = False,
) -> list[CardView]:
    """The cards a session that has rated ``reviewed`` cards shows next, best first.

    Computed afresh from the store, so a session kept as a few numbers (the web's) is
    rebuilt on any process: cards due now (within today's review limit), then new cards
    (within the new limit), then learning cards due within :data:`LEARN_AHEAD` — last, so a
    card just rated Again is not shown straight back while others wait. Cram walks all
    matching cards in bank order, skipping the ``reviewed`` already seen. With ``peek``
    only the first card is wanted: at most one is returned, by one look-up
    (:meth:`~prepdeck.storage.Store.next_card`), which every web step uses.
    """
    if not has_room(limit, reviewed):
        return []
    room = 10_000 if limit is None else limit - reviewed
    if cram:
        return store.all_cards(user, flt, reviewed + (1 if peek else room))[reviewed:]
    if peek:
        card = store.next_card(user, flt, peek_window(settings, now))
        return [] if card is None else [card]
    start, end = day_bounds(now, settings)
    done = store.day_counts(user, start)
    review_room = max(settings.reviews_per_day - done.reviews_done, 0)
    due = store.due_cards(user, end, flt, room)
    learning = [c for c in due if c.state.phase is not CardPhase.REVIEW]
    reviews = [c for c in due if c.state.phase is CardPhase.REVIEW][:review_room]
    ready = [c for c in learning if c.state.due is None or c.state.due <= now]
    ahead = [
        c for c in learning if c.state.due is not None and now < c.state.due <= now + LEARN_AHEAD
    ]
    first = ready + reviews
    new_room = min(max(settings.new_per_day - done.new_done, 0), max(room - len(first), 0))
    new = store.new_cards(user, flt, new_room) if new_room else []
    return (first + new + ahead)[:room]


@dataclass
class Summary:
    reviewed: int = 0
    again: int = 0
    started: datetime = field(default_factory=utcnow)
    ended: datetime | None = None
    next_due: datetime | None = None

    @property
    def again_rate(self) -> float:
        return self.again / self.reviewed if self.reviewed else 0.0

    @property
    def elapsed(self) -> timedelta:
        return (self.ended or utcnow()) - self.started


@dataclass(frozen=True)
class RatingResult:
    view: CardView
    rating: Rating
    state: CardState | None
    review_id: int

    @property
    def interval(self) -> timedelta | None:
        if self.state is None or self.state.due is None or self.state.last_review is None:
            return None
        return self.state.due - self.state.last_review


class PracticeSession:
    """Iterate with :meth:`next`, answer with :meth:`rate`, step back with :meth:`undo`."""

    def __init__(
        self,
        store: Store,
        scheduler: Scheduler,
        settings: Settings,
        user: int,
        *,
        flt: QueueFilter | None = None,
        limit: int | None = None,
        cram: bool = False,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.scheduler = scheduler
        self.settings = settings
        self.user = user
        self.flt = flt or QueueFilter()
        self.limit = limit
        self.cram = cram
        self.clock = clock
        self.summary = Summary(started=clock())
        self._ratings: list[Rating] = []
        self.session_id = store.start_session(user, "cram" if cram else "review", self.flt)
        self.queue: deque[CardView] = deque(self._initial_queue())
        self.planned = len(self.queue)

    def _initial_queue(self) -> list[CardView]:
        cap = self.limit if self.limit is not None else 10_000
        if self.cram:
            return self.store.all_cards(self.user, self.flt, cap)
        now = self.clock()
        start, end = day_bounds(now, self.settings)
        done = self.store.day_counts(self.user, start)
        review_room = max(self.settings.reviews_per_day - done.reviews_done, 0)
        due = self.store.due_cards(self.user, end, self.flt, min(cap, 10_000))
        learning = [c for c in due if c.state.phase is not CardPhase.REVIEW]
        reviews = [c for c in due if c.state.phase is CardPhase.REVIEW][:review_room]
        new_room = max(self.settings.new_per_day - done.new_done, 0)
        room = max(cap - len(learning) - len(reviews), 0)
        new = self.store.new_cards(self.user, self.flt, min(new_room, room)) if room else []
        ready = [c for c in learning if c.state.due is None or c.state.due <= now + LEARN_AHEAD]
        return (ready + reviews + new)[:cap]

    @property
    def remaining(self) -> int:
        return len(self.queue)

    @property
    def position(self) -> int:
        return self.summary.reviewed + 1

    def next(self) -> CardView | None:
        """The next card, or None when the session is over (queue empty or limit reached)."""
        if self.limit is not None and self.summary.reviewed >= self.limit:
            return None
        return self.queue[0] if self.queue else None

    def preview(self, view: CardView) -> dict[Rating, timedelta]:
        return self.scheduler.preview(view.state, self.clock())

    def rate(
        self,
        view: CardView,
        rating: Rating,
        *,
        duration_ms: int | None = None,
        typed_answer: str | None = None,
        grade: float | None = None,
        proposed: Rating | None = None,
    ) -> RatingResult:
        """Commit a rating (atomically, before returning) and move on."""
        now = self.clock()
        current = view
        for _attempt in range(MAX_RETRIES):
            state = None if self.cram else self.scheduler.review(current.state, rating, now)
            review = ReviewInput(
                rating, now, duration_ms, typed_answer, grade, proposed, self.session_id
            )
            try:
                review_id = self.store.record_review(self.user, current, state, review)
                break
            except ConcurrentUpdate:
                current = self.store.card(self.user, view.item_pk)
        else:
            raise ConflictError(f"card {view.item.id} kept changing in another session")
        if self.queue and self.queue[0].item_pk == view.item_pk:
            self.queue.popleft()
        self._ratings.append(rating)
        self._count()
        if state is not None:
            fresh = self.store.card(self.user, view.item_pk)
            if state.due is not None and state.due <= now + LEARN_AHEAD:
                self.queue.append(fresh)
            if state.due is not None and (
                self.summary.next_due is None or state.due < self.summary.next_due
            ):
                self.summary.next_due = state.due
        return RatingResult(view, rating, state, review_id)

    def undo(self) -> CardView | None:
        """Undo the last rating of this session; the card comes back to the front."""
        restored = self.store.undo_last(self.user, self.session_id)
        if restored is None:
            return None
        self.queue = deque(c for c in self.queue if c.item_pk != restored.item_pk)
        self.queue.appendleft(restored)
        if self._ratings:
            self._ratings.pop()
        self._count()
        return restored

    def _count(self) -> None:
        self.summary.reviewed = len(self._ratings)
        self.summary.again = sum(1 for r in self._ratings if r is Rating.AGAIN)

    def finish(self) -> Summary:
        self.store.end_session(self.session_id)
        self.summary.ended = self.clock()
        return self.summary
