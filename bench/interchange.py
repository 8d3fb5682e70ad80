"""Interchange timings on the bundled bank: .apkg export and import, CSV/JSON, progress.

Usage: python bench/interchange.py [--runs 3] [--copies 4] [--reviews 20000]

The bundled bank is repeated ``--copies`` times (ids and questions made unique) so the
timings say something about larger banks; prints the median of ``--runs`` for each step.
Progress export/import runs on SQLite with ``--reviews`` review-log rows.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prepdeck.bundled import bundled_bank
from prepdeck.interchange.anki_export import export_apkg
from prepdeck.interchange.anki_import import read_apkg
from prepdeck.interchange.bank_page import page_text
from prepdeck.interchange.progress import ProgressReview, UserProgress
from prepdeck.interchange.tabular import csv_text, read_csv
from prepdeck.model import Item
from prepdeck.store import SqlStore


def _items(copies: int) -> list[Item]:
    base = bundled_bank().items
    return [
        replace(i, id=f"{i.id}-{n}", question=f"{i.question} (copy {n})", explicit_id=True)
        for n in range(copies)
        for i in base
    ]


def _median(runs: int, step: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--reviews", type=int, default=20_000)
    args = parser.parse_args()
    items = _items(args.copies)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        package = folder / "bank.apkg"
        csv_file = folder / "bank.csv"
        csv_file.write_text(csv_text(items), "utf-8")
        rows = [
            ("export .apkg", lambda: export_apkg(items, package)),
            ("import .apkg (read + page)", lambda: page_text(read_apkg(package), "x.md")),
            ("export CSV", lambda: csv_text(items)),
            ("import CSV (read + page)", lambda: page_text(read_csv(csv_file), "x.md")),
        ]
        print(f"{len(items)} items, median of {args.runs} run(s)")
        print("| step | seconds | items/s |\n| --- | --- | --- |")
        for name, step in rows:
            seconds = _median(args.runs, step)
            print(f"| {name} | {seconds:.2f} | {len(items) / seconds:,.0f} |")

        store = SqlStore.open(f"sqlite:///{folder / 'p.sqlite'}")
        store.sync_bank("bench", "bench", items)
        now = datetime.now(UTC)
        reviews = tuple(
            ProgressReview(
                id=n,
                bank="bench",
                item_key=items[n % len(items)].id,
                kind="review",
                rating=3,
                reviewed_at=now - timedelta(minutes=n),
                was_new=False,
            )
            for n in range(args.reviews)
        )
        progress = UserProgress("bench", now, (), reviews)
        user = store.user_id("bench")
        first = _median(1, lambda: store.import_progress(user, progress))
        again = _median(1, lambda: store.import_progress(user, progress))
        dump = _median(args.runs, lambda: store.export_progress(user))
        print(f"| progress import, {args.reviews:,} reviews | {first:.2f} | |")
        print(f"| progress import again (nothing new) | {again:.2f} | |")
        print(f"| progress export | {dump:.2f} | |")
        assert not store.import_progress(user, progress).changed
        store.close()


if __name__ == "__main__":
    main()
