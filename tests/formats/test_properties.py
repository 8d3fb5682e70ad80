"""Property tests: generated banks round-trip, and no text crashes the reader."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import prepdeck
from prepdeck.formats.canonical import format_page

_line = (
    st.text(
        alphabet=string.ascii_letters + string.digits + " .,?!-*`$()[]#", min_size=1, max_size=40
    )
    .map(str.strip)
    .filter(bool)
)
_block = st.lists(_line, min_size=1, max_size=4).map("\n".join)
_indent = st.sampled_from(["    ", "\t"])


@st.composite
def items(draw: st.DrawFn) -> str:
    ind = draw(_indent)
    marker = draw(st.sampled_from(["!!!", "???", "???+"]))
    title = draw(st.sampled_from(['""', '"Title"', ""]))
    question = draw(_block)
    answer = draw(_block)
    blank = draw(st.sampled_from(["", "  ", "        "]))
    tab = draw(st.sampled_from(["===", "===+", "===!"]))
    trail = draw(st.sampled_from(["", " "]))
    q = "\n".join(ind * 2 + line for line in question.split("\n"))
    a = "\n".join(ind * 2 + line for line in answer.split("\n"))
    return (
        f"{marker} Question {title}".rstrip()
        + f'\n{ind}{tab} "Question"{trail}\n{q}\n{blank}\n{ind}{tab} "Answer"\n{blank}\n{a}\n'
    )


@st.composite
def pages(draw: st.DrawFn) -> tuple[str, int]:
    parts = draw(st.lists(st.one_of(items(), _block.map(lambda t: "Text " + t + "\n")), max_size=6))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = "\n".join(parts).replace("\n", newline)
    # an item opens with its admonition marker; a text part ("Text ...") may say Question too
    return text, sum(1 for p in parts if p.startswith(("!!!", "???")))


@given(pages())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_generated_pages_round_trip_and_find_every_item(case: tuple[str, int]) -> None:
    text, expected = case
    page = prepdeck.parse_page(text, "gen.md")
    assert prepdeck.write_page(page) == text
    assert len(page.items) == expected
    for item in page.items:
        assert item.question and item.answer


@given(pages())
@settings(max_examples=150)
def test_canonical_format_is_idempotent(case: tuple[str, int]) -> None:
    page = prepdeck.parse_page(case[0], "gen.md")
    once = format_page(page)
    assert format_page(prepdeck.parse_page(once, "gen.md")) == once


_markdownish = st.lists(
    st.sampled_from(
        [
            *list('!?=+"#`~<>-*[]() \t\n\r:\ufeff\u2028\x0c'),
            "    ",
            '!!! Question ""\n',
            '    === "Question"\n',
            '    === "Answer"\n',
            "<!--",
            "-->",
            "```",
            "### Q - X Interview Question\n",
            '??? success "View Answer"\n',
            "<!-- prepdeck\n",
        ]
    ),
    max_size=120,
).map("".join)


@given(st.one_of(st.text(max_size=300), _markdownish))
@settings(max_examples=500)
def test_arbitrary_text_never_crashes_the_reader(text: str) -> None:
    page = prepdeck.parse_page(text, "any.md")
    assert prepdeck.write_page(page) == text
    for d in page.diagnostics:
        assert d.location.file == "any.md" and d.location.line >= 1


@given(st.binary(max_size=200))
@settings(max_examples=200)
def test_arbitrary_bytes_parse_or_raise_our_error(data: bytes) -> None:
    from prepdeck.formats.files import decode

    try:
        text = decode(data, "bytes.md")
    except prepdeck.BankReadError as exc:
        assert exc.location is not None and exc.location.line >= 1
    else:
        assert prepdeck.write_page(prepdeck.parse_page(text)) == text


# Tags and companies: the canonical writer's flow list ``[a, b]`` -----------------------------
_value = st.text(min_size=1, max_size=30).map(str.strip).filter(bool)
_values = st.lists(_value, max_size=5).map(tuple)


@given(_values, _values, st.lists(_value, max_size=3).map(tuple))
@settings(max_examples=400)
def test_any_tags_and_companies_round_trip_through_the_metadata(
    tags: tuple[str, ...], companies: tuple[str, ...], hints: tuple[str, ...]
) -> None:
    from prepdeck.formats.metadata import parse_metadata, render_metadata

    comment = render_metadata(
        id=None, difficulty=None, tags=tags, key_points=(), hints=hints, companies=companies
    )
    meta = parse_metadata(comment)
    assert meta.problems == []
    assert (meta.tags, meta.companies, meta.hints) == (tags, companies, hints)


# Values a page holds (no line-break characters; "-->" is escaped so it cannot end the comment).
_page_value = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=25,
    )
    .map(str.strip)
    .filter(lambda v: bool(v) and "\x85" not in v)
)
# "-->" mixed in often, since random text rarely holds it
_page_value = st.one_of(_page_value, _page_value.map(lambda v: f"a-->{v}-->"))


@given(st.lists(_page_value, max_size=4), st.lists(_page_value, max_size=4))
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_tags_and_companies_round_trip_through_a_written_page(
    tags: list[str], companies: list[str]
) -> None:
    item = prepdeck.Item(
        id="q-one",
        topic="Topic",
        question="What is it?",
        answer="It is.",
        location=prepdeck.Location("gen.md", 3),
        tags=tuple(tags),
        companies=tuple(companies),
        explicit_id=True,
    )
    page = prepdeck.Page("gen.md", [prepdeck.Text("# Topic\n\n"), item], "Topic")
    (back,) = prepdeck.parse_page(format_page(page), "gen.md").items
    assert (back.tags, back.companies) == (item.tags, item.companies)


@given(
    st.one_of(
        st.text(max_size=40),
        st.text(alphabet=string.ascii_letters + string.digits + " .+/()'&-_,:#?", max_size=20),
    )
)
@settings(max_examples=500)
def test_the_fast_path_writes_what_yaml_would(text: str) -> None:
    # The regexes skip yaml.safe_dump for most values; whatever fits on one line is still
    # written exactly as safe_dump writes it, so pages written before keep their bytes.
    import yaml

    from prepdeck.formats.metadata import _plain, _quote

    dumped = yaml.safe_dump(text, allow_unicode=True, width=10_000, default_style=None)
    reference = dumped.removesuffix("\n...\n").rstrip("\n")
    if len(reference.splitlines()) <= 1:
        assert _quote(text) == reference
    if _plain(text):
        assert reference == text and yaml.safe_load(f"[{text}]") == [text]


def test_an_arrow_that_would_close_the_comment_is_escaped() -> None:
    from prepdeck.formats.metadata import parse_metadata, render_metadata

    comment = render_metadata(
        id=None,
        difficulty=None,
        tags=("a-->b",),
        key_points=("x --> y",),
        hints=(),
        companies=("-->",),
    )
    assert comment.count("-->") == 1 and comment.endswith("-->\n")
    meta = parse_metadata(comment)
    assert (meta.tags, meta.key_points, meta.companies) == (("a-->b",), ("x --> y",), ("-->",))
