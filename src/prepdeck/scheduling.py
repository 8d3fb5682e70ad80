"""Spaced-repetition scheduling with FSRS-6 (the ``fsrs`` package).

Card state is a small dataclass the store persists as columns; all times are
timezone-aware UTC. A card without state is new: its first rating creates the state.

Scheduling toward the interview date (``schedule_toward_date`` with an ``interview_date``):
a review whose next due date would fall after the interview is instead due within the last
``toward_date_days`` before it, so that every card is seen shortly before the interview. The
day in that window is spread evenly from a hash of the card's state (deterministic, the same in
the rating buttons' preview as when saved) so the last days are not all loaded at once. A card
already seen inside the window is next due at the interview itself: the interview is its next
review. Reviews on or after the interview day are scheduled as usual.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum
from typing import Any

import fsrs

from prepdeck.settings import Settings


class Rating(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


class CardPhase(IntEnum):
    """FSRS's states plus NEW for a card never reviewed."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


@dataclass(frozen=True)
class CardState:
    """The memory state of one user's card. ``stability`` is in days, ``difficulty`` in 1..10."""

    phase: CardPhase = CardPhase.NEW
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    def to_dict(self) -> dict[str, Any]:
        # spelled out: dataclasses.asdict deep-copies every field, and each rating logs two
        return {
            "phase": int(self.phase),
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": self.due.isoformat() if self.due else None,
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "reps": self.reps,
            "lapses": self.lapses,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CardState:
        def when(value: Any) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        return cls(
            phase=CardPhase(int(data.get("phase", 0))),
            step=data.get("step"),
            stability=data.get("stability"),
            difficulty=data.get("difficulty"),
            due=when(data.get("due")),
            last_review=when(data.get("last_review")),
            reps=int(data.get("reps", 0)),
            lapses=int(data.get("lapses", 0)),
        )


NEW_CARD = CardState()


def utcnow() -> datetime:
    return datetime.now(UTC)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def study_day_start(day: date, settings: Settings) -> datetime:
    """The moment (UTC) the study day ``day`` begins: ``day_starts_at_hour`` local time."""
    local = datetime.combine(day, time(hour=settings.day_starts_at_hour)).astimezone()
    return local.astimezone(UTC)


def _spread(before: CardState, rating: Rating) -> float:
    """A number in [0, 1) fixed by the card's state before the review and the rating."""
    key = f"{before.last_review}|{before.stability!r}|{before.difficulty!r}|{before.reps}|{rating}"
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _in_window(start: datetime, deadline: datetime, state: CardState, rating: Rating) -> datetime:
    """A moment from ``start`` to ``deadline`` fixed by :func:`_spread` (``deadline`` when
    ``start`` is not before it)."""
    if start >= deadline:
        return deadline
    return start + (deadline - start) * _spread(state, rating)


class Scheduler:
    """FSRS-6 with the user's parameters (the defaults until ``optimize`` fits them)."""

    def __init__(self, settings: Settings, parameters: Sequence[float] | None = None) -> None:
        kwargs: dict[str, Any] = {
            "desired_retention": settings.desired_retention,
            "learning_steps": settings.learning_steps,
            "relearning_steps": settings.relearning_steps,
            "maximum_interval": settings.maximum_interval_days,
        }
        if parameters:
            kwargs["parameters"] = tuple(parameters)
        self._fsrs = fsrs.Scheduler(enable_fuzzing=settings.fuzz, **kwargs)
        # Previews use the unfuzzed scheduler: fuzz only spreads long intervals by a few percent.
        self._exact = fsrs.Scheduler(enable_fuzzing=False, **kwargs)
        self.parameters = tuple(self._fsrs.parameters)
        self.settings = settings
        #: The interview moment due dates are pulled before (None: scheduling as usual).
        self.deadline: datetime | None = None
        if settings.schedule_toward_date and settings.interview_date is not None:
            self.deadline = study_day_start(settings.interview_date, settings)
        self._window = timedelta(days=settings.toward_date_days)
        # FSRS-6's forgetting curve R(t) = (1 + factor * t / S) ** decay, as fsrs computes it.
        self._decay = -self.parameters[20]
        self._factor = 0.9 ** (1 / self._decay) - 1

    @staticmethod
    def _to_fsrs(state: CardState, now: datetime) -> fsrs.Card:
        if state.phase is CardPhase.NEW:
            return fsrs.Card(card_id=1, due=now)
        return fsrs.Card(
            card_id=1,
            state=fsrs.State(int(state.phase)),
            step=state.step,
            stability=state.stability,
            difficulty=state.difficulty,
            due=_as_utc(state.due or now),
            last_review=_as_utc(state.last_review) if state.last_review else None,
        )

    def _outcome(
        self,
        engine: fsrs.Scheduler,
        card: fsrs.Card,
        state: CardState,
        rating: Rating,
        now: datetime,
    ) -> tuple[fsrs.Card, datetime]:
        """fsrs's card after ``rating`` (``card`` is ``state`` as fsrs's; review_card copies
        it) and its due date, pulled toward the interview date."""
        after, _log = engine.review_card(card, fsrs.Rating(int(rating)), now)
        due = _as_utc(after.due)
        if self.deadline is not None:
            due = self._toward_deadline(state, rating, now, due, self.deadline)
        return after, due

    def _apply(
        self, engine: fsrs.Scheduler, state: CardState, rating: Rating, now: datetime
    ) -> CardState:
        card, due = self._outcome(engine, self._to_fsrs(state, now), state, rating, now)
        lapse = rating is Rating.AGAIN and state.phase is CardPhase.REVIEW
        return replace(
            state,
            phase=CardPhase(int(card.state)),
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=due,
            last_review=_as_utc(card.last_review) if card.last_review else now,
            reps=state.reps + 1,
            lapses=state.lapses + int(lapse),
        )

    def _toward_deadline(
        self, before: CardState, rating: Rating, now: datetime, due: datetime, deadline: datetime
    ) -> datetime:
        """``due``, or a moment in the last days before ``deadline`` if ``due`` is after it."""
        if now >= deadline or due <= deadline:
            return due
        if now >= deadline - self._window:
            return deadline
        # At least a day after this review: a same-day repeat adds little to memory.
        start = max(deadline - self._window, now + timedelta(days=1))
        return _in_window(start, deadline, before, rating)

    def pulled_due(self, state: CardState, now: datetime | None = None) -> datetime | None:
        """Where scheduling toward the date moves a card already due after the interview (it
        was scheduled before the option was on, or before the date changed): into the last
        days before it, as a review would have; None if it stays (option off, due before the
        interview, or the interview has begun)."""
        moment = _as_utc(now or utcnow())
        deadline = self.deadline
        if deadline is None or state.due is None or moment >= deadline:
            return None
        if _as_utc(state.due) <= deadline:
            return None
        last = _as_utc(state.last_review or moment)
        if last >= deadline - self._window:
            return deadline
        start = max(deadline - self._window, last + timedelta(days=1), moment)
        return _in_window(start, deadline, state, Rating.GOOD)

    def review(self, state: CardState, rating: Rating, now: datetime | None = None) -> CardState:
        """The state after ``rating`` at ``now``."""
        return self._apply(self._fsrs, state, rating, _as_utc(now or utcnow()))

    def preview(self, state: CardState, now: datetime | None = None) -> dict[Rating, timedelta]:
        """The interval each rating would give (before fuzz)."""
        moment = _as_utc(now or utcnow())
        # only the due date of each outcome: every practice step shows four, so the fsrs card
        # is built once (review_card copies it) and no CardState is built (see _apply)
        card = self._to_fsrs(state, moment)
        return {r: self._outcome(self._exact, card, state, r, moment)[1] - moment for r in Rating}

    def retrievability(self, state: CardState, now: datetime | None = None) -> float:
        """Probability of recall at ``now`` (0 for a new card)."""
        if state.phase is CardPhase.NEW or state.stability is None or state.last_review is None:
            return 0.0
        # fsrs's own formula (tests compare with get_card_retrievability), without building
        # an fsrs.Card: projections call this thousands of times.
        return self.recall(state.stability, _as_utc(now or utcnow()) - _as_utc(state.last_review))

    def recall(self, stability: float, elapsed: timedelta) -> float:
        """Probability of recall ``elapsed`` after a review that left ``stability`` (days).

        Whole days, as fsrs counts them, so this equals :meth:`retrievability`."""
        days = max(elapsed.days, 0)
        return float((1 + self._factor * days / stability) ** self._decay)


def humanise(delta: timedelta) -> str:
    """10 min, 3 h, 4 d, 2.5 mo, 1.2 y."""
    seconds = max(delta.total_seconds(), 0)
    if seconds < 3600:
        return f"{max(round(seconds / 60), 1)} min"
    if seconds < 86400:
        return f"{round(seconds / 3600)} h"
    days = seconds / 86400
    if days < 31:
        return f"{round(days)} d"
    if days < 365:
        return f"{days / 30.4:.1f} mo"
    return f"{days / 365:.1f} y"
