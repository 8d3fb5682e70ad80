from __future__ import annotations

from pathlib import Path

import prepdeck
from prepdeck import Difficulty, Style


def test_dsprep_items_and_fields(data: Path) -> None:
    page = prepdeck.read_page(data / "dsprep" / "page.md")
    first, _ = page.items
    assert page.topic == "Sample"
    assert first.style is Style.DSPREP
    assert first.question == "What is a p-value?"
    assert first.companies == ("Google", "Amazon", "Meta")
    assert first.difficulty is Difficulty.MEDIUM
    assert first.tags == ("Statistics", "Testing")
    assert first.answer.startswith("The probability, under the null hypothesis")
    assert "| 1 | 2 |" in first.answer
    assert first.section == "Premium Interview Questions"


def test_question_in_view_answer_block_with_hints_and_answer(data: Path) -> None:
    second = prepdeck.read_page(data / "dsprep" / "page.md").items[1]
    assert second.question.startswith("Expected maximum of two dice\n\nTwo fair dice are rolled.")
    assert "- What is the expected maximum?" in second.question
    assert second.hints == ("Count the outcomes whose maximum is k.",)
    assert second.answer.startswith("$E[\\max]")
    assert second.difficulty is Difficulty.HARD
    assert second.companies == ("Jane Street",)


def test_plain_headings_and_tables_are_not_items(data: Path) -> None:
    page = prepdeck.read_page(data / "dsprep" / "page.md")
    assert len(page.items) == 2
    text = "".join(s.raw for s in page.segments if isinstance(s, prepdeck.Text))
    assert "### A heading that is not a question" in text
    assert "| 1 | Not an item |" in text


def test_company_heading_without_answer_is_reported() -> None:
    page = prepdeck.parse_page("### What is X? - Google Interview Question\n\nNo answer here.\n")
    assert page.items == []
    assert [d.code for d in page.diagnostics] == ["PD107"]


def test_answer_block_without_question_is_reported() -> None:
    page = prepdeck.parse_page('Intro.\n\n??? success "View Answer"\n    An orphan answer.\n')
    assert page.items == []
    assert [(d.code, d.location.line) for d in page.diagnostics] == [("PD107", 3)]
