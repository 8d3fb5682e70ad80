"""Multiple-choice practice without a session in memory: draw the next card, record an answer.

Every call reads what it needs from the store, so a page can ask for the next card on any
worker. The draw is the practice queue (:func:`prepdeck.practice.session_queue`): cards due now,
new cards within the daily limit, then learning cards coming due soon. A rating goes through
the scheduler and is logged with its grade (1.0 right, 0.0 wrong) and the proposed rating, like
any other review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from prepdeck.choices import ChoiceError, ChoiceSet, Judgement, make_choices
from prepdeck.errors import PrepdeckError
from prepdeck.practice import session_queue
from prepdeck.scheduling import CardState, Rating, Scheduler, utcnow
from prepdeck.settings import Settings
from prepdeck.storage import CardView, ConcurrentUpdate, QueueFilter, ReviewInput, Store

#: Cards the draw reads per kind; a choice page needs one.
DRAW_WINDOW = 50
#: The pool distractors come from: every active item (the bundled bank has 569).
MAX_POOL = 20_000


class StaleCard(PrepdeckError):
    """The card changed since it was shown (rated in another tab, or twice): nothing saved."""


def queue(
    store: Store,
    settings: Settings,
    user: int,
    flt: QueueFilter,
    now: datetime | None = None,
    limit: int = DRAW_WINDOW,
) -> list[CardView]:
    """The cards to practise next, in order: the practice queue, rebuilt from the store."""
    return session_queue(store, settings, user, flt, now=now or utcnow(), limit=limit)


def pool(store: Store, user: int) -> list[CardView]:
    """Every active item, whose answers the distractors are drawn from."""
    return store.all_cards(user, QueueFilter(), MAX_POOL)


def next_choice(
    store: Store,
    settings: Settings,
    user: int,
    flt: QueueFilter,
    *,
    n: int,
    skip: int | None = None,
    now: datetime | None = None,
) -> ChoiceSet | None:
    """The next card with its options, or None when nothing is due and no new card is left.

    ``skip`` (an item pk, usually the card just answered) is passed over while another card
    is waiting. A card whose answer has no distinct alternative in the bank is passed over.
    """
    cards = queue(store, settings, user, flt, now)
    if skip is not None and any(c.item_pk != skip for c in cards):
        cards = [c for c in cards if c.item_pk != skip]
    if not cards:
        return None
    everything = pool(store, user)
    for card in cards:
        try:
            return make_choices(card, everything, n=n)
        except ChoiceError:
            continue
    return None


@dataclass(frozen=True)
class Recorded:
    """A saved multiple-choice review."""

    review_id: int
    rating: Rating
    proposed: Rating
    state: CardState


def record(
    store: Store,
    scheduler: Scheduler,
    user: int,
    judged: Judgement,
    rating: Rating,
    proposed: Rating,
    *,
    seen_version: int,
    duration_ms: int | None,
    now: datetime | None = None,
    session_id: int | None = None,
) -> Recorded:
    """Apply ``rating`` to the judged card and log it, if the card is as it was shown.

    ``seen_version`` is the card version the page showed; a different version means the card
    was rated since (another tab, a resubmitted form): :class:`StaleCard`, nothing saved.
    """
    now = now or utcnow()
    card = store.card(user, judged.card.item_pk)
    if card.version != seen_version:
        raise StaleCard(f"{card.item.id} was rated since it was shown; here is the next card")
    state = scheduler.review(card.state, rating, now)
    review = ReviewInput(
        rating,
        now,
        duration_ms=duration_ms,
        typed_answer=None,
        grade=1.0 if judged.correct else 0.0,
        proposed_rating=proposed,
        session_id=session_id,
    )
    try:
        review_id = store.record_review(user, card, state, review)
    except ConcurrentUpdate:
        raise StaleCard(f"{card.item.id} was rated in another session just now") from None
    return Recorded(review_id, rating, proposed, state)


def keys_from(values: Sequence[str] | str) -> list[str]:
    """Option keys from a form: one comma-separated field or repeated fields."""
    items = [values] if isinstance(values, str) else list(values)
    return [k.strip() for v in items for k in v.split(",") if k.strip()]
