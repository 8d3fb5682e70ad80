"""Practice in the browser: the steps of a round (start, show, check, reveal, rate, undo, finish).

A session is a row in the store (:class:`~prepdeck.store.web_state.PracticeState`): its filter,
limit, the card shown, the typed answer and grade, and counts. Each step reads it, acts and
writes it back under its version, and the next card comes from the due/new queries
(:func:`prepdeck.practice.session_queue`), so any worker serves any request and a restart
loses nothing. Every step names the item it acts on, so a stale tab or a double click cannot
rate the wrong card; a rating may carry a request key, so a retry after a lost answer is
acknowledged once, with the first rating's review id.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from prepdeck.grading.service import bands_from, grade_item
from prepdeck.grading.types import Grade
from prepdeck.model import Item
from prepdeck.practice import LEARN_AHEAD, MAX_RETRIES, has_room, peek_window, session_queue
from prepdeck.scheduling import Rating, humanise, utcnow
from prepdeck.storage import CardView, ConcurrentUpdate, QueueFilter, ReviewInput
from prepdeck.store.context import Context
from prepdeck.store.review_write import DuplicateRequest
from prepdeck.store.web_state import PracticeState, RatedRequest, StaleState
from prepdeck.web.errors import Conflict, NotFound

MAX_ANSWER_CHARS = 20_000
#: How often a step re-reads a session another request changed meanwhile before giving up.
STALE_RETRIES = 3


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


def _load(ctx: Context, sid: str) -> tuple[PracticeState, CardView | None]:
    found = ctx.store.practice_with_card(ctx.user, sid)
    if found is None:
        raise NotFound("this practice session has ended or never existed; start a new one")
    return found


def _queue(ctx: Context, state: PracticeState, peek: bool) -> list[CardView]:
    with ctx.store.transaction():  # the queue's queries (day counts, due, new) together
        return session_queue(
            ctx.store,
            ctx.settings,
            ctx.user,
            state.flt,
            now=utcnow(),
            reviewed=state.reviewed,
            limit=state.limit,
            cram=state.cram,
            peek=peek,
        )


def _advance(ctx: Context, state: PracticeState) -> tuple[PracticeState, CardView | None]:
    """Show the next card of the queue, or end the session when there is none.

    Only the first card is looked up; the count of cards left is kept in the session the way
    a queue in memory would keep it (counted at the start, one off per rating, one back when
    the card returns within the session), so no request loads the whole queue but the first.
    """
    for _attempt in range(STALE_RETRIES):
        try:
            with ctx.store.transaction():  # the queue and the card shown: one transaction
                queue = _queue(ctx, state, peek=True)
                if queue:
                    shown = ctx.store.show_card(state, queue[0].item_pk, max(state.remaining, 1))
                    return shown, queue[0]
            return ctx.store.finish_practice(state), None
        except StaleState:  # another request moved the session on: take what it shows
            state, view = _load(ctx, state.sid)
            if state.finished_at is not None or view is not None:
                return state, view
    raise Conflict("this session keeps changing in another tab; reload")


def _open(ctx: Context, sid: str) -> tuple[PracticeState, CardView | None]:
    """The session and its card; a session with nothing shown yet moves to its next card."""
    state, view = _load(ctx, sid)
    if state.finished_at is None and view is None:
        state, view = _advance(ctx, state)
    return state, view


def _step(ctx: Context, state: PracticeState, view: CardView) -> CardStep:
    previews = ctx.scheduler.preview(view.state, utcnow())
    proposed = state.proposed if state.shown_pk == view.item_pk else None
    choices = tuple(
        RatingChoice(r, "no change (cram)" if state.cram else humanise(previews[r]), r is proposed)
        for r in Rating
    )
    total = state.reviewed + state.remaining
    if state.limit is not None:
        total = min(total, state.limit)
    return CardStep(state.sid, state.reviewed + 1, total, view, choices, state.cram)


def _summary(state: PracticeState) -> SummaryData:
    now = utcnow()
    next_in = None if state.next_due is None else humanise(state.next_due - now)
    elapsed = (state.finished_at or now) - state.started_at
    return SummaryData(
        state.sid,
        state.reviewed,
        state.again,
        state.again / state.reviewed if state.reviewed else 0.0,
        round(elapsed.total_seconds(), 1),
        next_in,
    )


def start(
    ctx: Context, flt: QueueFilter, limit: int | None = None, cram: bool = False
) -> CardStep | SummaryData:
    """Start a session (due cards, then new ones, within today's limits); its first step."""
    with ctx.store.transaction():  # the session, its queue and its first card: all or nothing
        state = ctx.store.start_practice(ctx.user, flt, limit, cram)
        queue = _queue(ctx, state, peek=False)
        if not queue:
            return _summary(ctx.store.finish_practice(state))
        shown = ctx.store.show_card(state, queue[0].item_pk, len(queue))
    return _step(ctx, shown, queue[0])


def current(ctx: Context, sid: str) -> CardStep | SummaryData:
    """The card to answer now, or the summary once the session is over (which ends it)."""
    state, view = _open(ctx, sid)
    if view is None:
        return _summary(state)
    return _step(ctx, state, view)


def _shown(ctx: Context, sid: str, item_pk: int) -> tuple[PracticeState, CardView]:
    state, view = _open(ctx, sid)
    if view is None:
        raise Conflict("this session is over; there is no card to act on")
    if view.item_pk != item_pk:
        raise Conflict(f"item {item_pk} is not the current card (it is {view.item_pk}); reload")
    return state, view


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


def check(ctx: Context, sid: str, item_pk: int, answer: str) -> CheckData:
    """Grade a typed answer to the current card; the proposal pre-selects a rating."""
    answer = answer[:MAX_ANSWER_CHARS]
    state, view = _shown(ctx, sid, item_pk)
    grade = grade_item(
        view.item, answer, ctx.settings, bands_from(ctx.store.user_settings(ctx.user))
    )
    try:
        state = ctx.store.save_check(state, answer, grade.score, grade.rating)
    except StaleState:
        raise Conflict("this card changed in another tab; reload") from None
    step = _step(ctx, state, view)
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


def reveal(ctx: Context, sid: str, item_pk: int) -> RevealData:
    """The reference answer, references and hints of the current card."""
    _state, view = _shown(ctx, sid, item_pk)
    return RevealData(item_pk, view.item)


@dataclass(frozen=True)
class RateData:
    item_pk: int
    rating: Rating
    interval: timedelta | None
    after: CardStep | SummaryData
    review_id: int
    #: True when this answers a repeat of an earlier request (same request key).
    replayed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "saved": {
                "item_pk": self.item_pk,
                "rating": int(self.rating),
                "label": self.rating.label,
                "next_review_in": humanise(self.interval) if self.interval else None,
                "review_id": self.review_id,
                "replayed": self.replayed,
            },
            "next": self.after.to_dict(),
        }


def _replay(ctx: Context, sid: str, done: RatedRequest) -> RateData:
    """The answer to a rating already saved under its request key (nothing is written)."""
    if done.sid != sid:
        raise Conflict("this request key was used for a rating in another session")
    return RateData(done.item_pk, done.rating, None, current(ctx, sid), done.review_id, True)


def rate(
    ctx: Context,
    sid: str,
    item_pk: int,
    rating: Rating,
    typed: str | None = None,
    request_key: str | None = None,
) -> RateData:
    """Save a rating for the current card and move to the next one, in one transaction.

    With ``request_key``, a repeat of the same request (a retry after a lost answer) saves
    nothing and answers with the first rating's review id. A conflict rolls the transaction
    back: a card changed in another session is rated again from its new state.
    """
    for _attempt in range(MAX_RETRIES):
        try:
            with ctx.store.transaction():  # read, rate, show the next card: all or nothing
                return _rate_once(ctx, sid, item_pk, rating, typed, request_key)
        except ConcurrentUpdate:  # the card changed in another session: rate its new state
            continue
        except (Conflict, StaleState, DuplicateRequest) as exc:
            # the card moved on, or the key was used: maybe this very request was saved before
            if request_key is not None and (done := ctx.store.rated_request(ctx.user, request_key)):
                return _replay(ctx, sid, done)
            if isinstance(exc, Conflict):
                raise
            raise Conflict(
                "this card was already rated (another tab or a double click); reload"
            ) from None
    raise Conflict(f"item {item_pk} kept changing in another session; try again")


def _rate_once(
    ctx: Context,
    sid: str,
    item_pk: int,
    rating: Rating,
    typed: str | None,
    request_key: str | None,
) -> RateData:
    state, view = _shown(ctx, sid, item_pk)
    now = utcnow()
    shown_for = (now - state.shown_at) if state.shown_at is not None else None
    graded = state.grade is not None
    new_state = None if state.cram else ctx.scheduler.review(view.state, rating, now)
    review = ReviewInput(
        rating,
        now,
        None if shown_for is None else max(int(shown_for.total_seconds() * 1000), 0),
        state.typed if graded else (typed or None),
        state.grade,
        state.proposed,
        state.session_id,
    )
    again_soon = new_state is not None and (
        new_state.due is None or new_state.due <= now + LEARN_AHEAD
    )
    remaining = max(state.remaining - 1 + int(again_soon), 0)
    review_id = ctx.store.record_practice_rating(state, view, new_state, review, request_key)
    # the next card, seen after this rating (the rated card's new due date, today's counts)
    due = None if new_state is None else new_state.due
    shown: CardView | None
    if state.cram or not has_room(state.limit, state.reviewed + 1):
        queue = _queue(ctx, replace(state, reviewed=state.reviewed + 1), peek=True)
        shown = queue[0] if queue else None
        pk = None if shown is None else shown.item_pk
        state = ctx.store.count_rating(state, rating, due, max(remaining, 1), pk)
    else:  # the queue's next card and the session moved on to it, in one statement
        window = peek_window(ctx.settings, utcnow())
        state, shown = ctx.store.count_rating_and_next(
            state, rating, due, max(remaining, 1), window
        )
    interval = None
    if new_state is not None and new_state.due is not None and new_state.last_review is not None:
        interval = new_state.due - new_state.last_review
    after = _summary(state) if shown is None else _step(ctx, state, shown)
    return RateData(item_pk, rating, interval, after, review_id)


def undo(ctx: Context, sid: str) -> tuple[bool, CardStep | SummaryData]:
    """Undo the last rating of the session: (whether anything was undone, the current step)."""
    state, _view = _load(ctx, sid)
    if state.finished_at is not None:
        raise Conflict("this session is over; start a new one to keep practising")
    restored = ctx.store.undo_last(ctx.user, state.session_id)
    if restored is None:
        return False, current(ctx, sid)
    for _attempt in range(STALE_RETRIES):
        try:
            ctx.store.after_undo(state, restored.item_pk, state.remaining + 1)
            break
        except StaleState:
            state, _view = _load(ctx, sid)
    return True, current(ctx, sid)


def finish(ctx: Context, sid: str) -> SummaryData:
    """End the session now; its summary."""
    for _attempt in range(STALE_RETRIES):
        state, _view = _load(ctx, sid)
        if state.finished_at is not None:
            return _summary(state)
        try:
            return _summary(ctx.store.finish_practice(state))
        except StaleState:
            continue
    raise Conflict("this session keeps changing in another tab; reload")
