"""Browse renders items like the book (tabs, KaTeX math, highlighted code); search as you type."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PageFactory


def open_topic(page: Page, topic: str) -> None:
    page.goto("/browse")
    expect(page.locator("ul.topics li")).not_to_have_count(0)
    page.get_by_role("link", name=topic, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(topic)
    expect(page.locator("article.item").first).to_be_visible()


def test_browse_question_and_answer_tabs(open_page: PageFactory, shared_url: str) -> None:
    page, _ = open_page(shared_url)
    open_topic(page, "Statistics")
    item = page.locator("article.item").first
    question = item.locator(".tabbed-block.q")
    answer = item.locator(".tabbed-block.a")
    expect(question).to_be_visible()
    expect(question).not_to_be_empty()
    expect(answer).to_be_hidden()
    expect(item.locator(".state")).to_have_text("new")

    item.locator("label", has_text="Answer").click()
    expect(answer).to_be_visible()
    expect(answer).not_to_be_empty()
    expect(question).to_be_hidden()

    item.locator("label", has_text="Question").click()
    expect(question).to_be_visible()
    expect(answer).to_be_hidden()


def test_browse_renders_math_with_katex(open_page: PageFactory, shared_url: str) -> None:
    page, _ = open_page(shared_url)
    open_topic(page, "Probability")
    math = page.locator("article.item .katex")
    expect(math.first).to_be_visible()
    assert math.count() >= 10
    # KaTeX draws with its own fonts and MathML for screen readers; no formula failed to parse.
    expect(page.locator("article.item .katex-mathml").first).to_be_attached()
    expect(page.locator(".katex-error")).to_have_count(0)
    # No TeX left as raw text in the question shown first.
    first_question = page.locator("article.item .tabbed-block.q").first.inner_text()
    assert "\\(" not in first_question and "$" not in first_question, first_question
    family = page.locator(".katex").first.evaluate("e => getComputedStyle(e).fontFamily")
    assert "KaTeX_Main" in family, family


def test_browse_highlights_code(open_page: PageFactory, shared_url: str) -> None:
    page, _ = open_page(shared_url)
    open_topic(page, "Python for data science")
    item = page.locator("article.item").filter(has=page.locator(".tabbed-block.a .highlight")).first
    block = item.locator(".tabbed-block.a .highlight pre code").first
    expect(block).to_be_hidden()
    item.locator("label", has_text="Answer").click()
    expect(block).to_be_visible()
    keyword = block.locator("span.k, span.kn").first
    expect(keyword).to_be_visible()
    name = block.locator("span.n").first
    styles = keyword.evaluate(
        "(k, n) => [getComputedStyle(k).color, getComputedStyle(n).color,"
        " getComputedStyle(k).fontFamily]",
        name.element_handle(),
    )
    keyword_color, name_color, font = styles
    assert keyword_color != name_color, "pygments.css does not colour keywords"
    assert "mono" in font.lower(), font


def test_search_shows_results_as_you_type(open_page: PageFactory, shared_url: str) -> None:
    page, _ = open_page(shared_url)
    page.goto("/search")
    box = page.get_by_label("Words in questions, answers or tags")
    expect(box).to_be_focused()
    results = page.locator("#results li.result")
    expect(results).to_have_count(0)

    # No Enter, no button: typing alone brings results.
    box.press_sequentially("gradient", delay=40)
    expect(results.first).to_be_visible()
    expect(page.locator("#results")).to_contain_text(re.compile(r"\d+ results?"))
    broad = results.count()
    assert broad > 1
    expect(page).to_have_url(re.compile(r"/search\?q=gradient"))

    # More words narrow the results.
    box.press_sequentially(" boosting", delay=40)
    expect(page).to_have_url(re.compile(r"q=gradient(\+|%20)boosting"))
    expect(results.first).to_be_visible()
    narrow = results.count()
    assert 0 < narrow <= broad
    expect(results.first).to_contain_text(re.compile("boost", re.IGNORECASE))

    # A topic filter applies at once.
    page.get_by_label("Topic").select_option("Classical models")
    expect(page).to_have_url(re.compile(r"topic=Classical(\+|%20)models"))
    expect(results.first).to_be_visible()
    for meta in results.locator("small").all_inner_texts():
        assert meta.startswith("Classical models"), meta

    # A result leads to its item in browse.
    results.first.locator("a").click()
    expect(page).to_have_url(re.compile(r"/browse/Classical%20models#item-\d+$"))
    target = page.url.rsplit("#", 1)[1]
    expect(page.locator(f"#{target}")).to_be_visible()

    # Nonsense finds nothing, and says so.
    page.goto("/search")
    page.get_by_label("Words in questions, answers or tags").press_sequentially(
        "qqzzxxnothing", delay=20
    )
    expect(page.locator("#results")).to_contain_text("Nothing matches.")


def test_search_form_without_javascript(browser: Browser, shared_url: str) -> None:
    context = browser.new_context(base_url=shared_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/search")
        page.get_by_label("Words in questions, answers or tags").fill("gradient")
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Search").click()
        response = navigation.value
        assert response is not None and response.status == 200
        expect(page.locator("#results li.result").first).to_be_visible()
    finally:
        context.close()
