"""Store benchmark: next-card latency at scale, ratings per second, bank sync time.

Usage: python bench/practice.py [--cards 100000] [--reviews 1000000] [--sync-items 10000]
       [--postgres URL]   (default: $PREPDECK_TEST_DATABASE_URL, else SQLite only)

For each backend (SQLite file, PostgreSQL in a throwaway schema), in the same run:
- loads --cards items with one card each (random due dates) and --reviews review-log rows;
- times the next-due-card query (the practice queue's first card) 300 times: p50/p95;
- commits 500 ratings through the store (read card, schedule, write) and reports ratings/s;
- syncs a --sync-items bank three ways: first load, unchanged re-sync, 10% of answers edited.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import percentile, postgres_schema, time_calls
from sqlalchemy import insert, select

from prepdeck.errors import Location
from prepdeck.model import Difficulty, Item
from prepdeck.scheduling import CardPhase, Rating, Scheduler
from prepdeck.settings import load_settings
from prepdeck.storage import QueueFilter, ReviewInput
from prepdeck.store import SqlStore
from prepdeck.store.tables import banks, cards, items, reviews

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
TOPICS = ["Statistics", "Probability", "SQL", "Deep learning", "Time series"]


def make_items(n: int, prefix: str = "q") -> list[Item]:
    return [
        Item(
            id=f"{prefix}{i}",
            topic=TOPICS[i % len(TOPICS)],
            question=f"Question {i} about a topic worth practising?",
            answer=f"Answer {i}: " + "a sentence of explanation. " * 8,
            location=Location("bench.md", i + 1),
            tags=("bench", f"t{i % 20}"),
            difficulty=list(Difficulty)[i % 3],
            key_points=("first point", "second point"),
        )
        for i in range(n)
    ]


def bulk_load(store: SqlStore, n_cards: int, n_reviews: int, rng: random.Random) -> int:
    user = store.user_id("bench")
    with store.engine.begin() as conn:
        inserted = conn.execute(insert(banks).values(name="big", source="bench"))
        bank_id = inserted.inserted_primary_key[0]  # type: ignore[index]
        rows = [
            {
                "bank_id": bank_id,
                "key": f"k{i}",
                "position": i,
                "topic": TOPICS[i % 5],
                "difficulty": "medium",
                "tags": ",bench,",
                "question": f"Q{i}?",
                "answer": f"A{i}.",
                "data": {},
                "content_hash": "x",
                "active": True,
                "updated_at": NOW,
            }
            for i in range(n_cards)
        ]
        for start in range(0, n_cards, 20_000):
            conn.execute(insert(items), rows[start : start + 20_000])
        item_ids = [
            r[0] for r in conn.execute(select(items.c.id).where(items.c.bank_id == bank_id))
        ]
        card_rows = [
            {
                "user_id": user,
                "item_id": item_id,
                "phase": int(CardPhase.REVIEW),
                "step": None,
                "stability": rng.uniform(1, 100),
                "difficulty": rng.uniform(1, 10),
                "due": NOW + timedelta(hours=rng.uniform(-24 * 30, 24 * 365)),
                "last_review": NOW - timedelta(days=rng.uniform(1, 100)),
                "reps": 5,
                "lapses": 0,
                "suspended": False,
                "version": 1,
            }
            for item_id in item_ids
        ]
        for start in range(0, len(card_rows), 20_000):
            conn.execute(insert(cards), card_rows[start : start + 20_000])
        card_ids = [r[0] for r in conn.execute(select(cards.c.id).where(cards.c.user_id == user))]
        for start in range(0, n_reviews, 50_000):
            conn.execute(
                insert(reviews),
                [
                    {
                        "user_id": user,
                        "card_id": rng.choice(card_ids),
                        "kind": "review",
                        "rating": rng.randint(1, 4),
                        "reviewed_at": NOW - timedelta(minutes=rng.uniform(0, 525_600)),
                        "duration_ms": 5000,
                        "was_new": False,
                        "phase_before": 2,
                    }
                    for _ in range(min(50_000, n_reviews - start))
                ],
            )
    return user


def run(name: str, url: str, args: argparse.Namespace) -> dict[str, str]:
    rng = random.Random(1)
    store = SqlStore.open(url)
    load_start = time.perf_counter()
    user = bulk_load(store, args.cards, args.reviews, rng)
    load_s = time.perf_counter() - load_start
    flt = QueueFilter()
    next_ms = time_calls(
        lambda: store.due_cards(user, NOW + timedelta(hours=rng.uniform(0, 48)), flt, 1), 300
    )
    topic = QueueFilter(topics=("SQL",))
    topic_ms = time_calls(lambda: store.due_cards(user, NOW, topic, 1), 300)

    settings = load_settings(env={}, fuzz=False)
    scheduler = Scheduler(settings)
    due = store.due_cards(user, NOW + timedelta(days=400), flt, 500)
    start = time.perf_counter()
    for view in due:
        state = scheduler.review(view.state, Rating.GOOD, NOW)
        store.record_review(user, view, state, ReviewInput(Rating.GOOD, NOW))
    rate_s = time.perf_counter() - start

    bank = make_items(args.sync_items, prefix="s")
    start = time.perf_counter()
    store.sync_bank("sync", "bench", bank)
    first_s = time.perf_counter() - start
    resync = statistics.median(time_calls(lambda: store.sync_bank("sync", "bench", bank), 3)) / 1000
    edited = [
        replace(i, answer=i.answer + " Edited.") if n % 10 == 0 else i for n, i in enumerate(bank)
    ]
    start = time.perf_counter()
    store.sync_bank("sync", "bench", edited)
    edit_s = time.perf_counter() - start
    store.close()
    return {
        "backend": name,
        "load (s)": f"{load_s:.1f}",
        "next card p50 (ms)": f"{statistics.median(next_ms):.2f}",
        "next card p95 (ms)": f"{percentile(next_ms, 0.95):.2f}",
        "next card, topic filter p95 (ms)": f"{percentile(topic_ms, 0.95):.2f}",
        "ratings/s": f"{len(due) / rate_s:.0f}",
        f"sync {args.sync_items} first (s)": f"{first_s:.2f}",
        f"sync {args.sync_items} unchanged (s)": f"{resync:.2f}",
        f"sync {args.sync_items} 10% edited (s)": f"{edit_s:.2f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--sync-items", type=int, default=10_000)
    parser.add_argument("--postgres", default=os.environ.get("PREPDECK_TEST_DATABASE_URL", ""))
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(run("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args))
    if args.postgres:
        with postgres_schema(args.postgres) as url:
            results.append(run("PostgreSQL", url, args))
    print(f"{args.cards} cards, {args.reviews} review-log rows; latency over 300 queries")
    print()
    keys = list(results[0])
    width = max(len(k) for k in keys)
    print(f"| {'':<{width}} | " + " | ".join(f"{r['backend']:>10}" for r in results) + " |")
    print(f"| {'-' * width} | " + " | ".join("-" * 10 for _ in results) + " |")
    for key in keys[1:]:
        print(f"| {key:<{width}} | " + " | ".join(f"{r[key]:>10}" for r in results) + " |")


if __name__ == "__main__":
    main()
