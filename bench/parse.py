"""Reader throughput against the markdown render pipeline mkdocs runs, and peak memory.

Usage: python bench/parse.py [--runs 5] [--mb 5] [--big-mb 50]

Reads ../shared/corpus when present (else the bundled bank and the test fixtures),
concatenates and repeats it to at least --mb megabytes, and times, in the same run:
prepdeck's reader (parse_page) and python-markdown with the book's extensions. Prints
medians, MB/s and the ratio; then the peak resident memory of reading a --big-mb file in
a fresh process, against the same process before reading.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import markdown

import prepdeck

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
EXTENSIONS = [
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tabbed",
    "pymdownx.arithmatex",
]
CONFIG = {"pymdownx.tabbed": {"alternate_style": True}, "pymdownx.arithmatex": {"generic": True}}


def sample_text(min_bytes: int) -> tuple[str, str]:
    if CORPUS.is_dir():
        files, source = sorted(CORPUS.rglob("*.md")), "../shared/corpus"
    else:
        files = sorted(prepdeck.banks.bundled_bank_path().glob("*.md"))
        files += sorted((ROOT / "tests" / "data").rglob("*.md"))
        source = "bundled bank + test fixtures"
    base = "\n\n".join(p.read_text("utf-8") for p in files)
    repeats = -(-min_bytes // len(base.encode()))
    return "\n\n".join([base] * repeats), source


def median_seconds(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# VmHWM (peak RSS of this process image, KiB); ru_maxrss would count the pre-exec fork.
_CHILD = """
import sys
import prepdeck
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
before = hwm()
page = prepdeck.read_page(sys.argv[1])
print(before, hwm(), len(page.items))
"""


def peak_memory(text: str, megabytes: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.md"
        with path.open("w", encoding="utf-8") as fh:
            while fh.tell() < megabytes * 1_000_000:
                fh.write(text)
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path)], check=True, capture_output=True, text=True
        ).stdout.split()
    before, after, items = (int(x) for x in out)
    return before / 1024, after / 1024, items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--big-mb", type=int, default=50)
    args = parser.parse_args()

    text, source = sample_text(int(args.mb * 1_000_000))
    size_mb = len(text.encode()) / 1e6
    items = len(prepdeck.parse_page(text).items)
    ours = median_seconds(lambda: prepdeck.parse_page(text, "bench.md"), args.runs)
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIG)

    def render() -> None:
        md.reset()
        md.convert(text)

    theirs = median_seconds(render, args.runs)
    print(f"input: {source}, repeated to {size_mb:.2f} MB, {items} items")
    print(f"each figure is the median of {args.runs} runs")
    print()
    print(f"| {'pipeline':<44} | {'median s':>8} | {'MB/s':>7} | {'ratio':>6} |")
    print(f"| {'-' * 44} | {'-' * 8} | {'-' * 7} | {'-' * 6} |")
    print(
        f"| {'python-markdown + pymdownx (book extensions)':<44} | {theirs:>8.3f} | "
        f"{size_mb / theirs:>7.2f} | {1.0:>6.1f} |"
    )
    print(
        f"| {'prepdeck parse_page':<44} | {ours:>8.3f} | {size_mb / ours:>7.2f} | "
        f"{theirs / ours:>5.1f}x |"
    )
    before, after, big_items = peak_memory(text, args.big_mb)
    print()
    print(
        f"peak RSS reading a {args.big_mb} MB bank ({big_items} items) in a fresh process: "
        f"{after:.0f} MiB (process before reading: {before:.0f} MiB; "
        f"{(after - before) / args.big_mb:.1f} MiB per MB of markdown)"
    )


if __name__ == "__main__":
    main()
