"""HTML from Anki fields becomes markdown that is inert even where nothing sanitises it
(a plain mkdocs build), and that keeps the bank page's structure whatever the text says."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

import prepdeck
from prepdeck.interchange.bank_page import ImportedBank, page_text
from prepdeck.interchange.html_markdown import escape_text, html_to_markdown
from prepdeck.interchange.items import make_item
from tests.render.checks import unsafe_vectors
from tests.render.payloads import load_payloads

#: What mkdocs-material books enable, without the sanitiser prepdeck.render adds.
BOOK_EXTENSIONS = [
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.tabbed",
    "pymdownx.arithmatex",
]
PAYLOADS = load_payloads()


def test_the_hostile_bank_is_inert_after_conversion_without_any_sanitiser() -> None:
    assert len(PAYLOADS) > 200
    for payload in PAYLOADS:
        converted = html_to_markdown(payload).markdown
        html = markdown.markdown(
            converted,
            extensions=BOOK_EXTENSIONS,
            extension_configs={"pymdownx.arithmatex": {"generic": True}},
        )
        # A plain http(s) link is what any bank has; the web UI adds rel=noopener itself.
        problems = [p for p in unsafe_vectors(html) if "rel=noopener" not in p]
        assert problems == [], (payload, converted, html)


def test_hostile_answers_keep_one_item_per_note(tmp_path: Path) -> None:
    bank = ImportedBank("Hostile")
    for n, payload in enumerate(PAYLOADS, start=1):
        answer = html_to_markdown(payload).markdown or "(empty)"
        bank.add(make_item(f"Question number {n}?", answer, prepdeck.Location("h.apkg", n)))
    text = page_text(bank, str(tmp_path / "h.md"))
    page = prepdeck.parse_page(text, "h.md")
    assert len(page.items) == len(PAYLOADS)
    assert [i.answer.strip() for i in page.items] == [i.answer.strip() for i in bank.items]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<b>bold</b> and <i>it</i>alic", "**bold** and *it*alic"),
        ("a<br>b<div>c</div>", "a\n\nb\n\nc"),
        (
            '<div>=== "Answer"</div><div>!!! Question ""</div><div># title</div>',
            '&#61;== "Answer"\n\n\\!!! Question ""\n\n\\# title',
        ),
        (
            "<div>??? success</div><div>1. not a list</div><div>- nor this</div>",
            "&#63;?? success\n\n1\\. not a list\n\n\\- nor this",
        ),
        ("&lt;!-- prepdeck id: x --&gt;", "&lt;!-- prepdeck id: x --&gt;"),
        (
            "snake_case and _under_ *star* [link]",
            "snake_case and \\_under\\_ \\*star\\* &#91;link&#93;",
        ),
        ("math \\(a < b\\) stays", "math \\(a &lt; b\\) stays"),
        ("<ul><li>one</li><li>two <b>2</b></li></ul>", "- one\n- two **2**"),
        (
            '<a href="https://x.org/a b">x</a> <a href="data:text/html,1">y</a>',
            "[x](https://x.org/a%20b) y",
        ),
        ("<pre>```\ncode\n```</pre>", "````\n```\ncode\n```\n````"),
        ("<code>a`b</code>", "``a`b``"),
        (
            "<table><tr><th>a</th><th>b|c</th></tr><tr><td>1</td></tr></table>",
            "| a | b\\|c |\n| --- | --- |\n| 1 |  |",
        ),
        ("[sound:x.mp3]Listen", "Listen"),
    ],
)
def test_conversions(html: str, expected: str) -> None:
    assert html_to_markdown(html).markdown == expected


def test_media_is_counted() -> None:
    converted = html_to_markdown('<img src="a.png" alt="a chart">[sound:b.mp3]')
    assert (converted.markdown, converted.dropped_media) == (
        "&#91;image: a chart&#93;",
        2,
    )


def test_escaped_text_renders_as_itself() -> None:
    text = "x < y & z > 0, *a* _b_ `c` [d](e) \\ back"
    rendered = prepdeck.render.render_inline(escape_text(text))
    assert rendered == "x &lt; y &amp; z &gt; 0, *a* _b_ `c` [d](e) \\ back"
