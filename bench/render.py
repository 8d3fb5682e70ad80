"""Render time per bundled-bank item: question and answer through render_item.

Usage: python bench/render.py [--rounds 5]

Prints the first (cold: builds the thread's Markdown and nh3 objects) and the warm timings:
median, p95 and max ms per item over all items and rounds, and items per second.
"""

from __future__ import annotations

import argparse
import statistics
import time

from prepdeck.bundled import bundled_bank
from prepdeck.render import render_item


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    items = bundled_bank().items
    start = time.perf_counter()
    render_item(items[0])
    cold = time.perf_counter() - start
    timings: list[float] = []
    for _ in range(args.rounds):
        for item in items:
            start = time.perf_counter()
            render_item(item)
            timings.append(time.perf_counter() - start)
    timings.sort()
    ms = [t * 1000 for t in timings]
    print(f"items: {len(items)}, rounds: {args.rounds}, first call (cold): {cold * 1000:.1f} ms")
    print(
        f"per item: median {statistics.median(ms):.2f} ms, "
        f"p95 {ms[int(0.95 * (len(ms) - 1))]:.2f} ms, max {ms[-1]:.2f} ms, "
        f"{len(ms) / sum(timings):.0f} items/s"
    )


if __name__ == "__main__":
    main()
