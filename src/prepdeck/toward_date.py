"""Scheduling toward the interview date for cards already scheduled past it.

With ``schedule_toward_date`` on, every review schedules its card into the last days before
the interview (see :mod:`prepdeck.scheduling`). Cards reviewed before the option was turned
on, or before the interview date moved earlier, can still be due after it: they would never
be seen before the interview. :func:`pull_toward_date` moves them into its last days too.
It is idempotent; the settings page runs it when the option or the date is saved and
``prepdeck practice`` when a session starts.
"""

from __future__ import annotations

from datetime import datetime

from prepdeck.scheduling import Scheduler, utcnow
from prepdeck.storage import TowardDateStore


def pull_toward_date(
    store: TowardDateStore, scheduler: Scheduler, user: int, now: datetime | None = None
) -> int:
    """Move ``user``'s cards due after the interview into its last days; how many moved.

    Nothing happens unless ``scheduler`` schedules toward a date that has not begun. A card
    reviewed meanwhile (its version changed) is left to its new schedule."""
    deadline = scheduler.deadline
    moment = now or utcnow()
    if deadline is None or moment >= deadline:
        return 0
    moves = []
    for card in store.cards_due_after(user, deadline):
        due = scheduler.pulled_due(card.state, moment)
        if due is not None:
            moves.append((card, due))
    return store.move_due_dates(user, moves) if moves else 0
