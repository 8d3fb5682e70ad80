from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import prepdeck
from prepdeck.formats.canonical import format_page

FIXTURES = sorted((Path(__file__).parents[1] / "data").rglob("*.md"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_round_trip_is_byte_identical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert prepdeck.write_page(prepdeck.parse_page(text, str(path))) == text


def test_changed_item_is_written_in_canonical_style(data: Path) -> None:
    page = prepdeck.read_page(data / "book" / "metadata.md")
    item = page.items[1]
    page.segments[page.segments.index(item)] = replace(item, answer="A new answer.")
    out = prepdeck.write_page(page)
    assert "        A new answer.\n" in out
    again = prepdeck.parse_page(out, page.path)
    assert again.items[1].answer == "A new answer."
    assert again.items[0] == page.items[0]  # the untouched item is written from its source


@pytest.mark.parametrize(
    "name", ["book/variants.md", "book/metadata.md", "book/title-only.md", "dsprep/page.md"]
)
def test_canonical_format_is_idempotent_and_keeps_items(data: Path, name: str) -> None:
    page = prepdeck.read_page(data / name)
    once = format_page(page, to_book=True)
    twice = format_page(prepdeck.parse_page(once), to_book=True)
    assert once == twice
    before = [(i.question, i.answer, i.tags, i.key_points, i.hints) for i in page.items]
    after = [
        (i.question, i.answer, i.tags, i.key_points, i.hints)
        for i in prepdeck.parse_page(once).items
    ]
    assert before == after


def test_dsprep_to_book_moves_metadata_into_the_comment(data: Path) -> None:
    page = prepdeck.read_page(data / "dsprep" / "page.md")
    out = format_page(page, to_book=True)
    assert "**Difficulty:**" not in out
    assert "??? success" not in out
    converted = prepdeck.parse_page(out)
    assert all(i.style is prepdeck.Style.BOOK for i in converted.items)
    assert converted.items[1].difficulty is prepdeck.Difficulty.HARD
    assert converted.items[1].hints == ("Count the outcomes whose maximum is k.",)
    assert converted.items[0].companies == ("Google", "Amazon", "Meta")


def test_format_file_writes_atomically_and_only_on_change(tmp_path: Path, data: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text((data / "book" / "variants.md").read_text("utf-8"), "utf-8")
    first = prepdeck.format_file(page)
    assert first.changed and first.written
    mtime = page.stat().st_mtime_ns
    second = prepdeck.format_file(page)
    assert not second.changed and not second.written
    assert page.stat().st_mtime_ns == mtime
    assert list(tmp_path.iterdir()) == [page]  # no temporary file left behind


def test_format_file_refuses_pages_with_errors(tmp_path: Path, data: Path) -> None:
    page = tmp_path / "broken.md"
    original = (data / "book" / "broken.md").read_text("utf-8")
    page.write_text(original, "utf-8")
    with pytest.raises(prepdeck.FormatError) as err:
        prepdeck.format_file(page)
    assert err.value.location is not None and err.value.location.line == 3
    assert page.read_text("utf-8") == original
