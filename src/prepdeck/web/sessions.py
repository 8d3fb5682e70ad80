"""Practice in the browser: live sessions by id, and the steps of a round (check, reveal, rate).

A :class:`~prepdeck.practice.PracticeSession` keeps its queue in memory, so the app holds the
open sessions in a :class:`SessionRegistry` (bounded; the oldest is finished when it is full).
Every step names the item it acts on, so a stale tab or a double click cannot rate the wrong card.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from prepdeck.grading.service import bands_from, grade_item
from prepdeck.grading.types import Grade
from prepdeck.model import Item
from prepdeck.practice import PracticeSession, Summary
from prepdeck.scheduling import CardState, Rating, humanise
from prepdeck.storage import CardView, QueueFilter
from prepdeck.store.context import Context
from prepdeck.web.errors import Conflict, NotFound

MAX_SESSIONS = 32
MAX_ANSWER_CHARS = 20_000
#: How long the intervals shown on the rating buttons of one card are reused (seconds).
PREVIEW_TTL_S = 30.0


@dataclass
class LiveSession:
    sid: str
    practice: PracticeSession
    lock: threading.Lock = field(default_factory=threading.Lock)
    shown_at: float = field(default_factory=time.monotonic)
    shown_pk: int | None = None
    typed: str | None = None
    grade: Grade | None = None
    finished: Summary | None = None
    #: (card shown, its state, when, next interval per rating): page reloads reuse it.
    previews: tuple[int, CardState, float, dict[Rating, timedelta]] | None = None


class SessionRegistry:
    """The open practice sessions of one app, by their random id."""

    def __init__(self, limit: int = MAX_SESSIONS) -> None:
        self.limit = limit
        self._sessions: OrderedDict[str, LiveSession] = OrderedDict()
        self._lock = threading.Lock()

    def start(
        self, ctx: Context, flt: QueueFilter, limit: int | None = None, cram: bool = False
    ) -> LiveSession:
        practice = PracticeSession(
            ctx.store, ctx.scheduler, ctx.settings, ctx.user, flt=flt, limit=limit, cram=cram
        )
        live = LiveSession(secrets.token_urlsafe(12), practice)
        with self._lock:
            self._sessions[live.sid] = live
            while len(self._sessions) > self.limit:
                _, old = self._sessions.popitem(last=False)
                if old.finished is None:
                    old.practice.finish()
        return live

    def get(self, sid: str) -> LiveSession:
        with self._lock:
            live = self._sessions.get(sid)
        if live is None:
            raise NotFound("this practice session has ended or never existed; start a new one")
        return live

    def close_all(self) -> None:
        with self._lock:
            for live in self._sessions.values():
                if live.finished is None:
                    live.practice.finish()
            self._sessions.clear()


@dataclass(frozen=True)
class RatingChoice:
    rating: Rating
    interval: str
    proposed: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "rating": int(self.rating),
            "label": self.rating.label,
            "interval": self.interval,
            "proposed": self.proposed,
        }


@dataclass(frozen=True)
class CardStep:
    """The card in front of the user, where they are in the session, and the rating choices."""

    sid: str
    position: int
    total: int
    view: CardView
    choices: tuple[RatingChoice, ...]
    cram: bool

    @property
    def item(self) -> Item:
        return self.view.item

    def to_dict(self) -> dict[str, Any]:
        item = self.view.item
        return {
            "session": self.sid,
            "position": self.position,
            "total": self.total,
            "cram": self.cram,
            "card": {
                "item_pk": self.view.item_pk,
                "id": item.id,
                "topic": item.topic,
                "difficulty": None if item.difficulty is None else str(item.difficulty),
                "new": self.view.card_id is None,
                "question": item.question,
                "has_hints": bool(item.hints),
            },
            "ratings": [c.to_dict() for c in self.choices],
        }


@dataclass(frozen=True)
class SummaryData:
    sid: str
    reviewed: int
    again: int
    again_rate: float
    elapsed_s: float
    next_due_in: str | None

    @property
    def done(self) -> bool:
        return True

    def to_dict(self) -> dict[str, Any]:
        return {"session": self.sid, "done": True, **self.__dict__}


def _previews(live: LiveSession, view: CardView) -> dict[Rating, timedelta]:
    """The next interval per rating for ``view``, reused for the same card state briefly."""
    now = time.monotonic()
    cached = live.previews
    if (
        cached is not None
        and cached[0] == view.item_pk
        and cached[1] == view.state
        and now - cached[2] < PREVIEW_TTL_S
    ):
        return cached[3]
    previews = live.practice.preview(view)
    live.previews = (view.item_pk, view.state, now, previews)
    return previews


def _choices(live: LiveSession, view: CardView) -> tuple[RatingChoice, ...]:
    previews = _previews(live, view)
    proposed = (
        live.grade.rating if live.grade is not None and live.shown_pk == view.item_pk else None
    )
    return tuple(
        RatingChoice(
            r, "no change (cram)" if live.practice.cram else humanise(previews[r]), r is proposed
        )
        for r in Rating
    )


def _summary(live: LiveSession) -> SummaryData:
    summary = live.finished or live.practice.summary
    practice = live.practice
    next_in = None
    if summary.next_due is not None:
        next_in = humanise(summary.next_due - practice.clock())
    return SummaryData(
        live.sid,
        summary.reviewed,
        summary.again,
        summary.again_rate,
        round(summary.elapsed.total_seconds(), 1),
        next_in,
    )


def ends_now(live: LiveSession) -> bool:
    """Whether :func:`current` would end the session now (the one step that writes)."""
    return live.finished is None and live.practice.next() is None


def current(live: LiveSession) -> CardStep | SummaryData:
    """The card to answer now, or the summary once the session is over (which ends it)."""
    practice = live.practice
    view = None if live.finished else practice.next()
    if view is None:
        if live.finished is None:
            live.finished = practice.finish()
        return _summary(live)
    if live.shown_pk != view.item_pk:
        live.shown_pk, live.shown_at, live.typed, live.grade = (
            view.item_pk,
            time.monotonic(),
            None,
            None,
        )
    total = practice.position - 1 + practice.remaining
    if practice.limit is not None:
        total = min(total, practice.limit)
    return CardStep(live.sid, practice.position, total, view, _choices(live, view), practice.cram)


def _current_view(live: LiveSession, item_pk: int) -> CardView:
    view = None if live.finished else live.practice.next()
    if view is None:
        raise Conflict("this session is over; there is no card to act on")
    if view.item_pk != item_pk:
        raise Conflict(f"item {item_pk} is not the current card (it is {view.item_pk}); reload")
    return view


@dataclass(frozen=True)
class Segment:
    """A run of the typed answer; ``hit`` names the key point it matched, if any."""

    text: str
    hit: str | None = None


@dataclass(frozen=True)
class CheckData:
    step: CardStep
    grade: Grade
    answer: str
    segments: tuple[Segment, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.grade.to_dict(),
            "proposed_rating": int(self.grade.rating),
            "highlighted": [{"text": s.text, "hit": s.hit} for s in self.segments],
            "ratings": [c.to_dict() for c in self.step.choices],
        }


def highlight(grade: Grade, answer: str) -> tuple[Segment, ...]:
    """The answer cut into runs, the words that matched a hit key point marked."""
    spans = sorted(
        (p.span[0], p.span[1], p.text)
        for p in grade.hits
        if p.span is not None and 0 <= p.span[0] < p.span[1] <= len(answer)
    )
    out: list[Segment] = []
    at = 0
    for start, end, point in spans:
        start = max(start, at)
        if start >= end:
            continue
        if start > at:
            out.append(Segment(answer[at:start]))
        out.append(Segment(answer[start:end], point))
        at = end
    if at < len(answer):
        out.append(Segment(answer[at:]))
    return tuple(out)


def check(ctx: Context, live: LiveSession, item_pk: int, answer: str) -> CheckData:
    """Grade a typed answer to the current card; the proposal pre-selects a rating."""
    answer = answer[:MAX_ANSWER_CHARS]
    with live.lock:
        view = _current_view(live, item_pk)
        current(live)
        grade = grade_item(
            view.item, answer, ctx.settings, bands_from(ctx.store.user_settings(ctx.user))
        )
        live.typed, live.grade = answer, grade
        step = current(live)
    assert isinstance(step, CardStep)
    return CheckData(step, grade, answer, highlight(grade, answer))


@dataclass(frozen=True)
class RevealData:
    item_pk: int
    item: Item

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_pk": self.item_pk,
            "answer": self.item.answer,
            "references": [r.to_dict() for r in self.item.references],
            "hints": list(self.item.hints),
            "key_points": list(self.item.key_points),
        }


def reveal(live: LiveSession, item_pk: int) -> RevealData:
    """The reference answer, references and hints of the current card."""
    with live.lock:
        view = _current_view(live, item_pk)
    return RevealData(item_pk, view.item)


@dataclass(frozen=True)
class RateData:
    item_pk: int
    rating: Rating
    interval: timedelta | None
    after: CardStep | SummaryData

    def to_dict(self) -> dict[str, Any]:
        return {
            "saved": {
                "item_pk": self.item_pk,
                "rating": int(self.rating),
                "label": self.rating.label,
                "next_review_in": humanise(self.interval) if self.interval else None,
            },
            "next": self.after.to_dict(),
        }


def rate(live: LiveSession, item_pk: int, rating: Rating, typed: str | None = None) -> RateData:
    """Save a rating for the current card (atomically) and move to the next one."""
    with live.lock:
        view = _current_view(live, item_pk)
        graded = live.grade if live.shown_pk == item_pk else None
        result = live.practice.rate(
            view,
            rating,
            duration_ms=int((time.monotonic() - live.shown_at) * 1000),
            typed_answer=live.typed if graded is not None else (typed or None),
            grade=graded.score if graded is not None else None,
            proposed=graded.rating if graded is not None else None,
        )
        live.shown_pk = None
        after = current(live)
    return RateData(item_pk, rating, result.interval, after)


def undo(live: LiveSession) -> tuple[bool, CardStep | SummaryData]:
    """Undo the last rating of the session: (whether anything was undone, the current step)."""
    with live.lock:
        if live.finished is not None:
            raise Conflict("this session is over; start a new one to keep practising")
        restored = live.practice.undo()
        return restored is not None, current(live)


def finish(live: LiveSession) -> SummaryData:
    with live.lock:
        if live.finished is None:
            live.finished = live.practice.finish()
        return _summary(live)
