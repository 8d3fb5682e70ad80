"""Crash-safety run: kill -9 a real `prepdeck practice` at random points, N times (default 200).

Usage: python bench/kill.py [--runs 200] [--seed 1]

Each run feeds scripted answers and ratings, kills the process with SIGKILL after a random
delay, then checks `PRAGMA integrity_check` and that every rating confirmed on screen is in
the review log (the same check as the test suite's 50-kill test). Prints a summary table.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.store.test_reliability import kill_and_check, kill_databases  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    confirmed: list[int] = []
    logged: list[int] = []
    failures = 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for db in kill_databases(Path(tmp), args.runs):
            try:
                seen, in_log = kill_and_check(db, rng, rng.uniform(0.0, 0.8))
            except AssertionError as exc:
                failures += 1
                print(f"FAILED: {exc}", file=sys.stderr)
                continue
            confirmed.append(seen)
            logged.append(in_log)
    elapsed = time.perf_counter() - start
    print(f"| {'kills':<40} | {args.runs:>8} |")
    print(f"| {'-' * 40} | {'-' * 8} |")
    print(f"| {'integrity or lost-rating failures':<40} | {failures:>8} |")
    print(f"| {'ratings confirmed before kills (total)':<40} | {sum(confirmed):>8} |")
    print(f"| {'confirmed per run (median)':<40} | {statistics.median(confirmed or [0]):>8} |")
    landed = sum(1 for c in confirmed if c)
    print(f"| {'runs killed after >= 1 confirmed rating':<40} | {landed:>8} |")
    print(f"| {'review rows at the end':<40} | {max(logged or [0]):>8} |")
    print(f"| {'wall time (s)':<40} | {elapsed:>8.0f} |")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
