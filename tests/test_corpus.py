"""Conformance over real banks in ../shared/corpus (skipped where it is absent)."""

from __future__ import annotations

import re
from pathlib import Path

import prepdeck


def _manifest_counts(shared: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    section = ""
    for line in (shared / "corpus" / "MANIFEST.md").read_text("utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].split()[0].rstrip("/")
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].endswith(".md"):
            counts[f"{section}/{cells[0]}"] = int(re.match(r"\d+", cells[-1]).group())  # type: ignore[union-attr]
    return counts


def test_manifest_counts_and_round_trip(shared: Path) -> None:
    counts = _manifest_counts(shared)
    assert len(counts) == 9
    for name, expected in counts.items():
        path = shared / "corpus" / name
        text = path.read_text("utf-8")
        page = prepdeck.read_page(path)
        assert len(page.items) == expected, name
        assert prepdeck.write_page(page) == text, name
        assert all(i.question.strip() and i.answer.strip() for i in page.items), name


def test_fields_are_extracted(shared: Path) -> None:
    probability = prepdeck.read_page(shared / "corpus" / "dsprep" / "Probability.md")
    dice = next(
        i for i in probability.items if i.question.startswith("Average score on a dice role")
    )
    assert dice.hints and dice.hints[0].startswith("Find what is the expected score")
    assert "The average score if you rolled the dice only once is 3.5" in dice.answer
    assert {"Jane Street", "Citadel"} <= set(dice.companies)
    assert all(i.difficulty is not None and i.tags for i in probability.items)
    ml = prepdeck.read_page(shared / "corpus" / "lazy-ds-guide" / "machine_learning.md")
    assert ml.items[0].question.startswith("What is Deep learning")
    assert sum(len(i.references) for i in ml.items) > 10


def test_seed_typo_is_found(shared: Path) -> None:
    report = prepdeck.lint(list((shared / "seed").iterdir()))
    words = [d.message for d in report.diagnostics if d.code == "PD601"]
    assert any("Normalizattion" in w for w in words)


def test_seed_is_three_items(shared: Path) -> None:
    bank = prepdeck.read_bank(shared / "seed")
    assert bank.errors == [] or all(d.code == "PD001" for d in bank.errors)
    seed = next((shared / "seed").iterdir())
    assert len(prepdeck.read_page(seed).items) == 3
