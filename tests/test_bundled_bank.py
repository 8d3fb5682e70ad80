"""The bundled bank cannot silently shrink or lose its metadata."""

from __future__ import annotations

from collections import Counter

import pytest

import prepdeck
from prepdeck.banks import bundled_bank_path

BANK = prepdeck.read_bank()


def test_lint_is_clean_including_spelling_and_near_duplicates() -> None:
    report = prepdeck.lint_bank(BANK)
    assert [str(d) for d in report.diagnostics] == []


def test_size_and_coverage() -> None:
    stats = prepdeck.bank_stats(BANK)
    assert stats["items"] >= 500
    assert stats["topics"] >= 15
    for key in ("references", "key_points", "difficulty", "tags", "explicit_id"):
        assert stats["coverage"][key] == 100.0, key


@pytest.mark.parametrize("page", [p for p in BANK.pages if p.items], ids=lambda p: p.topic)
def test_every_page_is_complete(page: prepdeck.Page) -> None:
    assert len(page.items) >= 20
    levels = Counter(i.difficulty for i in page.items)
    assert set(levels) == set(prepdeck.Difficulty)
    for item in page.items:
        assert 2 <= len(item.key_points) <= 5, item.id
        assert item.references and all(
            r.url.startswith("https://") or r.url.startswith("http://") for r in item.references
        ), item.id
        assert 1 <= len(item.tags) <= 4, item.id
        words = len(item.answer.split())
        assert 30 <= words <= 450, (item.id, words)


def test_seed_questions_are_in() -> None:
    ids = {i.id for i in BANK.items}
    assert {"dl-minibatch-training", "dl-batch-normalization-benefits", "dl-weight-tying"} <= ids


def test_ids_are_unique_and_prefixed_by_page() -> None:
    ids = [i.id for i in BANK.items]
    assert len(ids) == len(set(ids))
    for page in BANK.pages:
        prefixes = {i.id.split("-")[0] for i in page.items}
        assert len(prefixes) <= 1, page.path


def test_bundled_bank_location() -> None:
    assert (bundled_bank_path() / "deep-learning.md").is_file()
