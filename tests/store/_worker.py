"""A second process practising the same cards: ``python -m tests.store._worker URL ROUNDS``."""

from __future__ import annotations

import sys

from prepdeck.practice import PracticeSession
from prepdeck.scheduling import Rating, Scheduler
from prepdeck.settings import load_settings
from prepdeck.storage import QueueFilter
from prepdeck.store import SqlStore


def main(url: str, rounds: int) -> None:
    store = SqlStore.open(url)
    settings = load_settings(env={}, fuzz=False)
    user = store.user_id("ann")
    session = PracticeSession(store, Scheduler(settings), settings, user, cram=False, limit=1)
    pks = [v.item_pk for v in store.all_cards(user, QueueFilter(), 100)]
    for n in range(rounds):
        for pk in pks:
            view = store.card(user, pk)  # may be stale by the time it is rated: that is the point
            session.rate(view, Rating.GOOD if n % 2 else Rating.HARD)
    store.close()
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
