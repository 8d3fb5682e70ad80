"""What the multiple-choice pages show, as plain data; the pages and /api/choice share it.

Nothing is kept between requests: the page sends back the item, the option keys it showed and
the choice, and everything else (which option is right, the proposed rating) is worked out
again here from the store and the bank.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from markupsafe import Markup

from prepdeck.choice_practice import Recorded, StaleCard, next_choice, pool, record
from prepdeck.choices import ChoiceError, ChoiceSet, Judgement, judge, proposed_rating
from prepdeck.leeches import is_leech
from prepdeck.render import render_inline
from prepdeck.scheduling import Rating, humanise, utcnow
from prepdeck.storage import CardView, QueueFilter
from prepdeck.store import StoreError
from prepdeck.store.context import Context
from prepdeck.web.errors import Conflict, NotFound, WebError

#: A choice made longer than this after the card was shown has no meaningful duration.
MAX_DURATION_MS = 60 * 60 * 1000


class InvalidChoice(WebError):
    status = 422
    title = "Invalid input"


def now_ms() -> int:
    return int(time.time() * 1000)


def option_html(text: str, key: str) -> Markup:
    # Options sit inside buttons: inline HTML (no <p>), through prepdeck.render like all bank text.
    return Markup(render_inline(text, scope=f"opt-{key}"))


def _card_dict(view: CardView, threshold: int) -> dict[str, Any]:
    item = view.item
    return {
        "item_pk": view.item_pk,
        "id": item.id,
        "bank": view.bank,
        "topic": item.topic,
        "difficulty": None if item.difficulty is None else str(item.difficulty),
        "question": item.question,
        "hints": list(item.hints),
        "new": view.card_id is None,
        "version": view.version,
        "lapses": view.state.lapses,
        "leech": is_leech(view.state, threshold),
    }


@dataclass(frozen=True)
class ChoiceCard:
    """A card with its options, as shown; ``shown_at`` (epoch ms) times the answer."""

    choices: ChoiceSet
    shown_at: int
    leech: bool

    @property
    def view(self) -> CardView:
        return self.choices.card

    @property
    def options_html(self) -> list[tuple[str, Markup]]:
        return [(o.key, option_html(o.text, o.key)) for o in self.choices.options]

    def to_dict(self, threshold: int) -> dict[str, Any]:
        return {
            "done": False,
            "card": _card_dict(self.view, threshold),
            "options": [o.public() for o in self.choices.options],
            "shown_at": self.shown_at,
            "method": self.choices.method,
            "note": self.choices.note,
        }


def next_card(
    ctx: Context, topic: str, n: int, skip: int | None = None, now: datetime | None = None
) -> ChoiceCard | None:
    """The next due or new card with ``n`` options, or None when there is nothing to do."""
    flt = QueueFilter(topics=(topic,) if topic else ())
    choices = next_choice(ctx.store, ctx.settings, ctx.user, flt, n=n, skip=skip, now=now)
    if choices is None:
        return None
    leech = is_leech(choices.card.state, ctx.settings.leech_threshold)
    return ChoiceCard(choices, now_ms(), leech)


def _card(ctx: Context, item_pk: int) -> CardView:
    try:
        return ctx.store.card(ctx.user, item_pk)
    except StoreError:
        raise NotFound(f"item_pk: no active item {item_pk}") from None


def _judge(ctx: Context, item_pk: int, keys: list[str], chosen: str) -> Judgement:
    card = _card(ctx, item_pk)
    try:
        return judge(card, pool(ctx.store, ctx.user), keys, chosen)
    except ChoiceError as exc:
        raise InvalidChoice(exc.message) from None


@dataclass(frozen=True)
class Checked:
    """A judged choice with the proposed rating and the interval each rating would give."""

    judged: Judgement
    proposed: Rating
    duration_ms: int | None
    intervals: dict[Rating, timedelta]
    threshold: int

    @property
    def view(self) -> CardView:
        return self.judged.card

    @property
    def keys(self) -> str:
        return ",".join(o.key for o in self.judged.options)

    @property
    def options_html(self) -> list[tuple[str, Markup, bool]]:
        return [(o.key, option_html(o.text, o.key), o.correct) for o in self.judged.options]

    @property
    def ratings(self) -> list[tuple[Rating, str]]:
        return [(r, humanise(self.intervals[r])) for r in Rating]

    def to_dict(self) -> dict[str, Any]:
        item = self.view.item
        return {
            "card": _card_dict(self.view, self.threshold),
            "chosen": self.judged.chosen,
            "correct": self.judged.correct,
            "correct_key": self.judged.correct_key,
            "options": [o.to_dict() for o in self.judged.options],
            "proposed_rating": int(self.proposed),
            "duration_ms": self.duration_ms,
            "answer": item.answer,
            "references": [r.to_dict() for r in item.references],
            "intervals": {r.label: self.intervals[r].total_seconds() for r in Rating},
        }


def duration_since(shown_at: int | None) -> int | None:
    """Milliseconds since ``shown_at`` (epoch ms), or None when missing or implausible."""
    if shown_at is None:
        return None
    elapsed = now_ms() - shown_at
    return elapsed if 0 <= elapsed <= MAX_DURATION_MS else None


def check(
    ctx: Context, item_pk: int, keys: list[str], chosen: str, duration_ms: int | None
) -> Checked:
    """Judge a choice (nothing is saved). Raises InvalidChoice (422) or NotFound (404)."""
    judged = _judge(ctx, item_pk, keys, chosen)
    proposed = proposed_rating(judged.correct, duration_ms, judged.words)
    intervals = ctx.scheduler.preview(judged.card.state, utcnow())
    return Checked(judged, proposed, duration_ms, intervals, ctx.settings.leech_threshold)


def rate(
    ctx: Context,
    item_pk: int,
    keys: list[str],
    chosen: str,
    *,
    version: int,
    duration_ms: int | None,
    rating: Rating | None,
) -> tuple[Checked, Recorded]:
    """Judge the choice again and save ``rating`` (the proposed one when None).

    Raises Conflict (409) when the card was rated since it was shown (nothing saved).
    """
    checked = check(ctx, item_pk, keys, chosen, duration_ms)
    chosen_rating = rating or checked.proposed
    try:
        saved = record(
            ctx.store,
            ctx.scheduler,
            ctx.user,
            checked.judged,
            chosen_rating,
            checked.proposed,
            seen_version=version,
            duration_ms=duration_ms,
        )
    except StaleCard as exc:
        raise Conflict(exc.message) from None
    return checked, saved


def recorded_dict(checked: Checked, saved: Recorded) -> dict[str, Any]:
    due = saved.state.due
    return {
        "review_id": saved.review_id,
        "item_pk": checked.view.item_pk,
        "id": checked.view.item.id,
        "correct": checked.judged.correct,
        "grade": 1.0 if checked.judged.correct else 0.0,
        "rating": int(saved.rating),
        "proposed_rating": int(saved.proposed),
        "due": due.isoformat() if due else None,
        "lapses": saved.state.lapses,
        "leech": is_leech(saved.state, checked.threshold),
    }
