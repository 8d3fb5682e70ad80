"""Fixtures for interchange tests: the store fixtures (SQLite and PostgreSQL) and a small bank."""

from __future__ import annotations

from pathlib import Path

import pytest

import prepdeck
from prepdeck.model import Difficulty, Item
from tests.store.conftest import make_item, pg_url, sqlite_url, store, url

__all__ = ["make_item", "pg_url", "sqlite_url", "store", "url"]


def small_items(path: str = "bank.md") -> list[Item]:
    """Five items with the fields every format carries: ids, topics, tags, hints, links."""
    return [
        Item(
            id=f"stats-{n}",
            topic="Statistics" if n < 3 else "Machine learning",
            question=f"What does **test {n}** measure, and when is it used?",
            answer=(
                f"Test {n} measures *effect {n}* with `code_{n}` and \\(x^{n}\\).\n\n"
                f"- first point\n- second point\n\n"
                f"References: [Source {n}](https://example.com/s{n})"
            ),
            location=prepdeck.Location(path, 1 + 10 * n),
            tags=("hypothesis-testing", f"tag{n}"),
            difficulty=(Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD)[n % 3],
            explicit_id=True,
        )
        for n in range(5)
    ]


@pytest.fixture
def bank_dir(tmp_path: Path) -> Path:
    """A folder holding the five items as one canonical page."""
    folder = tmp_path / "bank"
    folder.mkdir()
    items = small_items(str(folder / "stats.md"))
    page = prepdeck.Page(
        str(folder / "stats.md"), [prepdeck.Text("# Statistics\n\n"), *items], "Statistics"
    )
    (folder / "stats.md").write_text(prepdeck.format_page(page), "utf-8")
    return folder
