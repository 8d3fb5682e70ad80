"""Mock interview benchmark: starting (the draw), answering (grading + review), the report.

Usage: python bench/mock.py [--studied 400] [--mocks 5] [--questions 8]
       [--postgres URL]   (default: $PREPDECK_TEST_DATABASE_URL, else SQLite only)

On the bundled bank (569 items), for a user with --studied cards already reviewed (random
ratings over the last 60 days, so recall and lapses vary) and --mocks earlier mocks, times:
- start: read every card, score weakness, draw --questions, store the mock (median of 10);
- question: the current question as a page would read it (median of 50);
- answer: grade the typed answer and save it with its review in one transaction (median);
- report: the finished mock's report with the trend over earlier mocks (median of 10).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from _common import postgres_schema, time_calls

from prepdeck.bundled import ensure_bundled
from prepdeck.mock import MockInterviews, MockRequest, QuestionStep
from prepdeck.scheduling import Rating, Scheduler, utcnow
from prepdeck.settings import Settings
from prepdeck.storage import QueueFilter, ReviewInput
from prepdeck.store import SqlStore

ANSWER = "The variance shrinks as the sample grows; averaging independent draws divides it by n."


def timed(run: Callable[[], object], repeat: int) -> float:
    """Median milliseconds of ``repeat`` calls."""
    return statistics.median(time_calls(run, repeat))


def prepare(store: SqlStore, studied: int, settings: Settings) -> MockInterviews:
    ensure_bundled(store)
    user = store.user_id("bench")
    scheduler = Scheduler(settings)
    rng = random.Random(1)
    views = store.all_cards(user, QueueFilter(), 10_000)
    now = utcnow()
    for view in rng.sample(views, studied):
        state = view.state
        when = now - timedelta(days=rng.uniform(1, 60))
        for _ in range(rng.randint(1, 4)):
            rating = rng.choice(list(Rating))
            state = scheduler.review(state, rating, when)
            when += timedelta(days=rng.uniform(0.5, 5))
        store.record_review(user, view, state, ReviewInput(rating, min(when, now)))
    return MockInterviews(store, scheduler, settings, user)


def run(url: str, args: argparse.Namespace) -> dict[str, float]:
    settings = Settings(database_url=url, fuzz=False)
    store = SqlStore.open(url)
    try:
        service = prepare(store, args.studied, settings)
        for n in range(args.mocks):
            done = service.start(MockRequest(questions=3, seed=n))
            service.finish(done.mock_id)
        figures: dict[str, float] = {}
        seeds = iter(range(100, 1000))
        figures["start"] = timed(
            lambda: service.start(MockRequest(questions=args.questions, seed=next(seeds))), 10
        )
        mock = service.start(MockRequest(questions=args.questions, seed=7))
        figures["question"] = timed(lambda: service.current(mock.mock_id), 50)
        answers = []
        while isinstance(step := service.current(mock.mock_id), QuestionStep):
            started = time.perf_counter()
            service.answer(mock.mock_id, step.position, ANSWER)
            answers.append((time.perf_counter() - started) * 1000)
        figures["answer"] = statistics.median(answers)
        figures["report"] = timed(lambda: service.report(mock.mock_id), 10)
        return figures
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studied", type=int, default=400)
    parser.add_argument("--mocks", type=int, default=5)
    parser.add_argument("--questions", type=int, default=8)
    parser.add_argument("--postgres", default=os.environ.get("PREPDECK_TEST_DATABASE_URL", ""))
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["SQLite"] = run(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", args)
    if args.postgres:
        with postgres_schema(args.postgres) as url:
            results["PostgreSQL"] = run(url, args)
    print(
        f"bundled bank, {args.studied} studied cards, {args.mocks} earlier mocks, "
        f"{args.questions} questions; median ms"
    )
    print(f"| {'backend':<10} | start (draw) | question | answer (grade+review) | report |")
    print("| --- | --- | --- | --- | --- |")
    for backend, f in results.items():
        print(
            f"| {backend:<10} | {f['start']:.1f} | {f['question']:.1f} | "
            f"{f['answer']:.1f} | {f['report']:.1f} |"
        )


if __name__ == "__main__":
    main()
