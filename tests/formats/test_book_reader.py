from __future__ import annotations

from pathlib import Path

import prepdeck
from prepdeck import Difficulty, Style
from prepdeck.ids import derive_id


def test_every_variant_is_an_item_and_nothing_else(data: Path) -> None:
    page = prepdeck.read_page(data / "book" / "variants.md")
    questions = [i.question for i in page.items]
    assert questions == [
        "Plain question text without a heading?",
        "A heading question with trailing spaces on the tab marker?",
        "Collapsible question?",
        "Open collapsible, no title, selected tab?",
        "Indented with tabs?",
    ]
    assert page.diagnostics == []
    assert all(i.style is Style.BOOK for i in page.items)


def test_answers_are_dedented_and_keep_their_markdown(data: Path) -> None:
    items = prepdeck.read_page(data / "book" / "variants.md").items
    assert (
        items[0].answer == "An answer that starts after a blank line. [Ref](https://example.org/a)"
    )
    nested = items[1].answer
    assert nested.startswith("Starts after blank lines holding spaces.")
    assert "!!! note\n    A nested note inside the answer." in nested
    assert "- a list\n  - with a 2-space nested item" in nested
    assert "$$\n\\frac{1}{n}\\sum_i x_i\n$$" in items[2].answer
    code = items[3].answer
    assert code.startswith("```python\ndef f(x):\n    return x")
    assert "```mermaid" in code and "| 1 | 2 |" in code and "![an image](img.png)" in code
    assert "<details><summary>raw HTML</summary>kept</details>" in code
    assert items[4].answer == "Tab-indented answer with <https://example.org/auto>."


def test_fields_locations_and_sections(data: Path) -> None:
    items = prepdeck.read_page(data / "book" / "variants.md").items
    assert [i.location.line for i in items] == [11, 19, 34, 45, 76]
    assert items[0].question_at is not None and items[0].question_at.line == 13
    assert items[2].title == "A collapsible with a title"
    assert items[4].section == "A section heading"
    assert items[0].topic == "Variants"
    assert items[0].references == (prepdeck.Reference("Ref", "https://example.org/a"),)
    assert items[4].references[0].url == "https://example.org/auto"


def test_metadata_comment_fills_fields(data: Path) -> None:
    first, second = prepdeck.read_page(data / "book" / "metadata.md").items
    assert first.id == "meta-explicit" and first.explicit_id
    assert first.difficulty is Difficulty.HARD
    assert first.tags == ("alpha", "beta")
    assert first.key_points == ("First point.", "Second point: with a colon.")
    assert first.hints == ("A hint.",)
    assert first.companies == ("Acme",)
    assert first.topic == "Metadata page"
    assert [r.url for r in first.references] == [
        "https://arxiv.org/abs/1706.03762",
        "https://docs.python.org/3/",
    ]
    assert first.location.line == 14  # the admonition, not the comment
    assert second.id == derive_id("Which item has none?") and not second.explicit_id
    assert second.difficulty is None and second.key_points == ()


def test_title_only_shape(data: Path) -> None:
    (item,) = prepdeck.read_page(data / "book" / "title-only.md").items
    assert item.question == "What is the title-only shape?"
    assert item.answer.startswith("The body of a question admonition")


def test_ids_survive_answer_edits_and_question_reflow() -> None:
    base = '!!! Question ""\n    === "Question"\n        What is  *bias*?\n\n    === "Answer"\n        A.\n'
    edited = base.replace("A.", "A better answer.")
    reheaded = base.replace("What is  *bias*?", "#### what is bias")
    ids = {prepdeck.parse_page(t).items[0].id for t in (base, edited, reheaded)}
    assert len(ids) == 1
    changed = base.replace("bias", "variance")
    assert prepdeck.parse_page(changed).items[0].id not in ids


def test_explicit_id_keeps_id_through_question_edit() -> None:
    page = (
        "<!-- prepdeck\nid: keep-me\n-->\n"
        '!!! Question ""\n    === "Question"\n        {q}\n\n    === "Answer"\n        A.\n'
    )
    a = prepdeck.parse_page(page.format(q="Old wording?")).items[0]
    b = prepdeck.parse_page(page.format(q="New wording?")).items[0]
    assert a.id == b.id == "keep-me"


def test_crlf_and_bom_pages_read_the_same() -> None:
    text = '!!! Question ""\n    === "Question"\n        Q?\n\n    === "Answer"\n        A.\n'
    crlf = "\ufeff" + text.replace("\n", "\r\n")
    (item,) = prepdeck.parse_page(crlf).items
    assert (item.question, item.answer) == ("Q?", "A.")
    assert prepdeck.write_page(prepdeck.parse_page(crlf)) == crlf
