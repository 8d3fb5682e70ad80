"""The hostile bank: no payload from tests/data/xss/payloads.txt survives as something that runs."""

from __future__ import annotations

import pytest

from prepdeck.formats.markdown import parse_page
from prepdeck.render import render_inline, render_item, render_markdown
from tests.render.checks import unsafe_vectors, url_scheme
from tests.render.payloads import contexts, hostile_page, load_payloads

PAYLOADS = load_payloads()


def test_payloads_file_has_enough_distinct_payloads() -> None:
    assert len(PAYLOADS) >= 120
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("number", range(len(PAYLOADS)))
def test_payload_in_every_context_is_inert(number: int) -> None:
    payload = PAYLOADS[number]
    failures = {}
    for where, markdown in contexts(payload).items():
        for rendered in (render_markdown(markdown), render_inline(markdown)):
            problems = unsafe_vectors(rendered)
            if problems:
                failures[where] = (problems, rendered)
    assert not failures, f"payload {payload!r}: {failures}"


@pytest.mark.parametrize("number", range(len(PAYLOADS)))
def test_payload_in_a_bank_page_is_inert(number: int) -> None:
    page_text = hostile_page(number, PAYLOADS[number])
    rendered = [render_markdown(page_text)]
    for item in parse_page(page_text, f"xss-{number}.md").items:
        html = render_item(item)
        rendered += [html["question_html"], html["answer_html"]]
        rendered += html["hints_html"] + html["references_html"]
    for markup in rendered:
        assert not unsafe_vectors(markup), (PAYLOADS[number], markup)


def test_hostile_pages_are_read_as_items() -> None:
    """Most pages survive the reader, so render_item really sees the payloads."""
    read = sum(
        bool(parse_page(hostile_page(n, p), f"xss-{n}.md").items) for n, p in enumerate(PAYLOADS)
    )
    assert read >= 0.9 * len(PAYLOADS)


def test_the_checker_catches_what_it_should() -> None:
    """The checks themselves: each of these unsanitised snippets must be reported."""
    bad = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="jav&#x09;ascript:alert(1)" rel="noopener noreferrer">x</a>',
        '<a href="&amp;#106;avascript:alert(1)" rel="noopener noreferrer">x</a>',
        '<img src="data:text/html,x">',
        '<p style="color:red">x</p>',
        "<svg><g/></svg>",
        "<math></math>",
        '<iframe srcdoc="x"></iframe>',
        "<object></object>",
        "<embed>",
        '<base href="/">',
        '<meta http-equiv="refresh">',
        '<form action="/"></form>',
        "<style>p{}</style>",
        '<input type="text">',
        '<div class="evil">x</div>',
        '<a href="https://example.org">no rel</a>',
    ]
    for snippet in bad:
        assert unsafe_vectors(snippet), snippet


def test_url_scheme_sees_through_encodings() -> None:
    assert url_scheme("&#106;avascript:alert(1)") == "javascript"
    assert url_scheme(" \tjava\nscript:alert(1)") == "javascript"
    assert url_scheme("DATA:text/html,x") == "data"
    assert url_scheme("/relative/path") is None
    assert url_scheme("https://example.org") == "https"
