"""Golden checks: the book's markdown features come out as the book's HTML, sanitised."""

from __future__ import annotations

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

import markdown
import pytest

from prepdeck.banks import bundled_bank_path
from prepdeck.errors import Location
from prepdeck.formats.markdown import parse_page
from prepdeck.model import Item, Reference
from prepdeck.render import (
    EXTENSION_CONFIGS,
    EXTENSIONS,
    harden_mermaid,
    render_inline,
    render_item,
    render_markdown,
)
from tests.render.checks import unsafe_vectors

TABS = """\
=== "Question"
    What is $x$?

=== "Answer"
    It is **two**.
"""


def test_content_tabs_render_as_material_alternate_style() -> None:
    html = render_markdown(TABS, scope="s1")
    assert html.startswith('<div class="tabbed-set tabbed-alternate">')
    assert (
        '<input checked="checked" id="__tabbed_s1_1_1" name="__tabbed_s1_1" type="radio">'
        '<input id="__tabbed_s1_1_2" name="__tabbed_s1_1" type="radio">'
        '<div class="tabbed-labels"><label for="__tabbed_s1_1_1">Question</label>'
        '<label for="__tabbed_s1_1_2">Answer</label></div>'
    ) in html
    assert html.count('<div class="tabbed-block">') == 2
    assert "<strong>two</strong>" in html
    assert "data-tabs" not in html


def test_tab_ids_are_scoped_so_fragments_can_share_a_page() -> None:
    default = render_markdown(TABS)
    assert re.search(r'id="__tabbed_[0-9a-f]{8}_1_1"', default)
    assert render_markdown(TABS) == default  # deterministic
    assert 'id="__tabbed_item-7-q_1_1"' in render_markdown(TABS, scope="item 7/q")
    other = render_markdown(TABS.replace("two", "three"))
    assert set(re.findall(r'id="([^"]+)"', default)).isdisjoint(re.findall(r'id="([^"]+)"', other))


def test_admonitions_nested_and_collapsible() -> None:
    html = render_markdown(
        '!!! warning "Mind the gap"\n    Outer.\n\n    ??? tip "Hint"\n        Inner.\n\n'
        '???+ success "View Answer"\n    Open.\n\n!!! unknownkind\n    Plain.'
    )
    assert '<div class="admonition warning">\n<p class="admonition-title">Mind the gap</p>' in html
    assert '<details class="tip">\n<summary>Hint</summary>\n<p>Inner.</p>\n</details>' in html
    assert '<details class="success" open="open">\n<summary>View Answer</summary>' in html
    # Unknown admonition types keep the box but lose the unknown class.
    assert '<div class="admonition">\n<p class="admonition-title">Unknownkind</p>' in html


def test_code_is_highlighted_with_pygments_classes_not_styles() -> None:
    html = render_markdown('```python\ndef f(x):\n    return "a" + 1  # c\n```')
    assert html.startswith('<div class="highlight"><pre><span></span><code>')
    for fragment in (
        '<span class="k">def</span>',
        '<span class="nf">f</span>',
        '<span class="s2">"a"</span>',
        '<span class="mi">1</span>',
        '<span class="c1"># c</span>',
    ):
        assert fragment in html
    assert "style" not in html


def test_code_titles_line_numbers_and_highlighted_lines() -> None:
    html = render_markdown('```sql title="q.sql" linenums="1" hl_lines="2"\nSELECT 1\nFROM t\n```')
    assert '<table class="highlighttable">' in html
    assert '<span class="filename">q.sql</span>' in html
    assert '<td class="linenos"><div class="linenodiv">' in html
    assert '<span class="hll">' in html
    assert '<span class="k">SELECT</span>' in html


def test_mermaid_fence_is_a_pre_for_mermaid_js() -> None:
    html = render_markdown("```mermaid\ngraph TD\n  A[Start] --> B{Is it?}\n```")
    assert html == ('<pre class="mermaid"><code>graph TD\n  A[Start] --&gt; B{Is it?}</code></pre>')


def test_mermaid_keeps_diagrams_and_bare_tags() -> None:
    text = "classDiagram\n  class Shape {\n    <<interface>>\n  }\n  Shape <|-- Circle : a<br/>b"
    assert harden_mermaid(text) == text
    assert harden_mermaid('graph LR\n  A[a < b] --> B["x<br>y</b>"]') == (
        'graph LR\n  A[a < b] --> B["x<br>y</b>"]'
    )


def test_mermaid_drops_directives_and_interaction() -> None:
    hostile = (
        '%%{init: {"securityLevel": "loose"}}%%\n'
        "flowchart LR\n"
        "  A[Click me] --> B\n"
        '  click A "javascript:alert(1)"\n'
        "  CLICK B call alert(2); C --> D; callback C alert\n"
        "  href A 'javascript:x'\n"
        "  link A: Home @ javascript:alert(3)\n"
        '  links A: {"x": "javascript:alert(4)"}\n'
        '%%{\n  init: {"theme": "dark"}\n}%%\n'
        "%%{ unterminated"
    )
    hardened = harden_mermaid(hostile)
    assert hardened.split() == ["flowchart", "LR", "A[Click", "me]", "-->", "B", "C", "-->", "D;"]


def test_mermaid_tags_with_attributes_become_text() -> None:
    for payload, expected in [
        ('A["<img src=x onerror=alert(1)>"]', 'A["#lt;img src=x onerror=alert(1)>"]'),
        ("A[<svg/onload=alert(1)>]", "A[#lt;svg/onload=alert(1)>]"),
        ("A[<!--x--><?y?></a href=x>]", "A[#lt;!--x-->#lt;?y?>#lt;/a href=x>]"),
        ("<<img src=x onerror=alert(1)>>", "<#lt;img src=x onerror=alert(1)>>"),
    ]:
        assert harden_mermaid(payload) == expected
    fence = render_markdown('```mermaid\ngraph TD; A["<img src=x onerror=alert(1)>"]-->B\n```')
    assert fence == (
        '<pre class="mermaid"><code>graph TD; A["#lt;img src=x onerror=alert(1)&gt;"]'
        "--&gt;B</code></pre>"
    )


def test_raw_html_mermaid_pre_is_hardened_too() -> None:
    html = render_markdown(
        '<pre class="mermaid" title="a>b">graph TD; A["&lt;img src=x onerror=alert(1)&gt;"]'
        "<pre>x</pre>; <b>click</b> A call alert(1)</pre>\n\nAfter."
    )
    assert html.startswith(
        '<pre class="mermaid"><code>graph TD; A["#lt;img src=x onerror=alert(1)&gt;"]x'
    )
    assert "]x;</code></pre>" in html
    assert "onerror=alert(1)&gt;" in html
    assert html.endswith("<p>After.</p>")


def test_math_is_left_for_katex() -> None:
    html = render_markdown("Inline $a < b_i^2$ and\n\n$$\n\\sum_i x_i\n$$\n\nand \\(y\\).")
    assert '<span class="arithmatex">\\(a &lt; b_i^2\\)</span>' in html
    assert '<div class="arithmatex">\\[\n\\sum_i x_i\n\\]</div>' in html
    assert '<span class="arithmatex">\\(y\\)</span>' in html


def test_tables_use_align_attributes() -> None:
    html = render_markdown("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
    assert '<th align="left">a</th>' in html
    assert '<td align="center">2</td>' in html
    assert '<td align="right">3</td>' in html
    assert "style" not in html


def test_links_images_and_attribute_lists() -> None:
    html = render_markdown(
        '[docs](https://docs.python.org/3/ "Python") [rel](../x.md) <me@example.org>\n\n'
        "![plot](img/plot.png){: .zoom width=200 }\n\n"
        "Paragraph with attributes\n{: #anchor .note data-x=1 }"
    )
    assert (
        '<a href="https://docs.python.org/3/" title="Python" rel="noopener noreferrer">docs</a>'
    ) in html
    assert '<a href="../x.md" rel="noopener noreferrer">rel</a>' in html
    assert '<a href="mailto:me@example.org" rel="noopener noreferrer">me@example.org</a>' in html
    assert '<img alt="plot" src="img/plot.png" width="200">' in html
    assert "<p>Paragraph with attributes</p>" in html  # id, class and data-* dropped


def test_md_in_html_and_plain_inline_html() -> None:
    html = render_markdown(
        '<div markdown="1">\n\n**bold** <kbd>Ctrl</kbd> H<sub>2</sub>O\n\n</div>'
    )
    assert "<strong>bold</strong> <kbd>Ctrl</kbd> H<sub>2</sub>O" in html
    assert "markdown=" not in html


def test_render_inline_drops_the_paragraph() -> None:
    assert render_inline("What is *p* when $n$ grows?") == (
        'What is <em>p</em> when <span class="arithmatex">\\(n\\)</span> grows?'
    )
    assert render_inline("one\n\ntwo") == "<p>one</p>\n<p>two</p>"
    assert render_inline("") == ""


def test_pathological_nesting_falls_back_to_source() -> None:
    deep = "\n".join("    " * i + "- x" for i in range(300))
    html = render_markdown(deep)
    assert html.startswith("<pre><code>- x\n")
    assert render_markdown(">" * 10_000 + " <script>x</script>").startswith("<pre><code>&gt;&gt;")


def test_render_item_uses_item_scopes() -> None:
    page = parse_page((bundled_bank_path() / "statistics.md").read_text("utf-8"), "statistics.md")
    item = page.items[1]
    html = render_item(item)
    assert html["id"] == item.id
    assert 'class="arithmatex"' in html["answer_html"]
    assert html["question_html"].startswith("<p>What is the difference")
    assert html["hints_html"] == [render_inline(h) for h in item.hints]
    tabbed = render_item(
        parse_page(
            '!!! Question ""\n    === "Question"\n        Q?\n\n    === "Answer"\n        === "A"\n            a\n',
            "p.md",
        ).items[0]
    )
    assert f'id="__tabbed_{tabbed["id"]}-a_1_1"' in tabbed["answer_html"]


def test_render_item_references() -> None:
    item = Item(
        id="x",
        topic="t",
        question="Q",
        answer="A",
        location=Location("f.md", 1),
        references=(
            Reference("Paper <b>", "https://arxiv.org/abs/1706.03762"),
            Reference("Bad", "javascript:alert(1)"),
        ),
    )
    assert render_item(item)["references_html"] == [
        '<a href="https://arxiv.org/abs/1706.03762" rel="noopener noreferrer">Paper &lt;b&gt;</a>',
        '<a rel="noopener noreferrer">Bad</a>',
    ]


def test_threads_get_their_own_pipeline_and_the_same_results() -> None:
    texts = [TABS, "```python\nx = 1\n```", "$a$", '!!! note "n"\n    b'] * 25
    serial = [render_markdown(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(render_markdown, texts)) == serial


class _Shape(HTMLParser):
    """Tags, attribute names and classes of a document, counted."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen[tag] += 1
        for name, value in attrs:
            self.seen[f"{tag}[{name}]"] += 1
            if name == "class":
                self.seen.update(f"{tag}.{c}" for c in (value or "").split())


def _shape(html: str) -> Counter[str]:
    parser = _Shape()
    parser.feed(html)
    return parser.seen


@pytest.mark.parametrize("page", sorted(p.name for p in bundled_bank_path().glob("*.md")))
def test_the_allow_list_keeps_everything_the_bundled_bank_uses(page: str) -> None:
    text = (bundled_bank_path() / page).read_text("utf-8")
    raw = markdown.Markdown(extensions=list(EXTENSIONS), extension_configs=EXTENSION_CONFIGS)
    expected = _shape(raw.convert(text))
    del expected["div[data-tabs]"]  # pymdownx's hint for its own JavaScript; unused
    expected["a[rel]"] = expected["a"]
    rendered = render_markdown(text)
    assert _shape(rendered) == expected
    assert not unsafe_vectors(rendered)
