"""Write tests/data/db/prepdeck-<version>.sqlite3: a database as this version leaves it.

Run once per schema version (``python -m tests.store.make_fixture_db``) and commit the
file; tests then migrate every kept fixture to the newest schema.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import prepdeck
from prepdeck.practice import PracticeSession
from prepdeck.scheduling import Rating, Scheduler
from prepdeck.settings import load_settings
from prepdeck.store import SqlStore

OUT = Path(__file__).resolve().parents[1] / "data" / "db"


def main() -> None:
    path = OUT / f"prepdeck-{prepdeck.__version__}.sqlite3"
    path.unlink(missing_ok=True)
    store = SqlStore.open(f"sqlite:///{path}")
    page = prepdeck.read_page(Path(__file__).resolve().parents[1] / "data" / "book" / "metadata.md")
    store.sync_bank("fixture", "metadata.md", page.items)
    settings = load_settings(env={}, fuzz=False)
    user = store.user_id("local")
    moment = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    session = PracticeSession(store, Scheduler(settings), settings, user, clock=lambda: moment)
    for rating in (Rating.GOOD, Rating.AGAIN):
        view = session.next()
        assert view is not None
        session.rate(view, rating, duration_ms=4000, typed_answer="fixture answer")
    session.finish()
    moment += timedelta(minutes=1)
    store.close()
    with sqlite3.connect(path) as conn:  # a compact single file: no WAL beside it
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("VACUUM")
    print(path, path.stat().st_size)


if __name__ == "__main__":
    main()
