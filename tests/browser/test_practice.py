"""Practice in a real browser: type, check, reveal, rate, next; and the keyboard shortcuts."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory

ANSWER = (
    "Bias is the error from wrong assumptions in the model; variance is the error from "
    "sensitivity to the training sample. More complex models lower bias and raise variance."
)


def start_session(page: Page) -> str:
    """From home, 'Practise now'; the first card's item id."""
    page.goto("/")
    page.get_by_role("button", name="Practise now").click()
    page.wait_for_url(re.compile(r"/practice/[\w-]+$"))
    card = page.locator("section.practice")
    expect(card).to_be_visible()
    expect(page.locator("#question")).not_to_be_empty()
    item = card.get_attribute("data-item")
    assert item
    return item


def current_item(page: Page) -> str | None:
    return page.locator("section.practice").get_attribute("data-item")


def wait_for_new_card(page: Page, previous: str) -> str:
    expect(page.locator("section.practice")).not_to_have_attribute("data-item", previous)
    item = current_item(page)
    assert item and item != previous
    return item


def leave_answer_box(page: Page) -> None:
    """Move the focus out of the text box, as a user does before using the letter shortcuts."""
    page.locator("#question").click()
    expect(page.locator("#answer")).not_to_be_focused()


def test_full_practice_round(open_page: PageFactory, app_url: str) -> None:
    page, _ = open_page(app_url)
    first = start_session(page)
    expect(page.locator(".progress label")).to_contain_text(re.compile(r"Card 1 of \d+"))
    expect(page.locator("#ratings button.proposed")).to_have_count(0)

    page.locator("#answer").fill(ANSWER)
    page.get_by_role("button", name="Check").click()

    feedback = page.locator("#feedback .feedback")
    expect(feedback).to_be_visible()
    expect(page.locator("#score")).to_have_text(re.compile(r"^\d{1,3}%$"))
    expect(feedback).to_contain_text("proposed:")
    # The graded rating is pre-selected: exactly one rating button is marked proposed.
    proposed = page.locator("#ratings button.proposed")
    expect(proposed).to_have_count(1)
    expect(proposed).to_have_attribute("aria-pressed", "true")
    expect(proposed.locator(".tag")).to_have_text("proposed")
    label = proposed.locator(".key").inner_text()
    assert re.search(r"Again|Hard|Good|Easy", label), label
    expect(feedback.locator("blockquote.typed")).to_contain_text("Bias is the error")
    # Still the same card: checking never moves on.
    assert current_item(page) == first

    page.get_by_role("link", name=re.compile("Reveal")).click()
    answer = page.locator("#reveal section.answer")
    expect(answer).to_be_visible()
    expect(answer.locator(".prose")).not_to_be_empty()

    # Every rating shows the interval it would give.
    for button in page.locator("#ratings button[data-rating]").all():
        expect(button.locator(".interval")).not_to_be_empty()
    proposed.click()

    second = wait_for_new_card(page, first)
    expect(page.locator(".progress label")).to_contain_text("Card 2 of")
    expect(page.locator("#feedback")).to_be_empty()
    expect(page.locator("#reveal")).to_be_empty()
    expect(page.locator("#answer")).to_have_value("")
    expect(page.locator("#answer")).to_be_focused()
    assert second != first

    page.get_by_role("button", name="End session").click()
    expect(page.locator("#summary")).to_be_visible()
    expect(page.locator("#summary")).to_contain_text("Reviewed 1 card")


def test_keyboard_shortcuts(open_page: PageFactory, app_url: str) -> None:
    page, _ = open_page(app_url)
    first = start_session(page)
    box = page.locator("#answer")
    expect(box).to_be_focused()

    # Letters typed in the answer box are text, not shortcuts.
    box.press_sequentially("hu 1")
    expect(box).to_have_value("hu 1")
    expect(page.locator("#hints")).to_be_empty()
    expect(page.locator("#reveal")).to_be_empty()

    # Ctrl+Enter checks the answer from inside the box.
    box.fill(ANSWER)
    box.press("Control+Enter")
    expect(page.locator("#feedback .feedback")).to_be_visible()
    expect(page.locator("#ratings button.proposed")).to_have_count(1)

    leave_answer_box(page)
    page.keyboard.press("h")
    expect(page.locator("#hints")).not_to_be_empty()

    page.keyboard.press("Space")
    expect(page.locator("#reveal section.answer")).to_be_visible()
    assert current_item(page) == first

    # 3 rates Good; the next card comes and the answer box has the focus again.
    page.keyboard.press("3")
    second = wait_for_new_card(page, first)
    expect(box).to_be_focused()

    # u undoes the last rating: the first card is back.
    leave_answer_box(page)
    page.keyboard.press("u")
    expect(page.locator("section.practice")).to_have_attribute("data-item", first)
    expect(page.locator(".progress label")).to_contain_text("Card 1 of")

    # Each of 1, 2 and 4 rates too (an Again card may come back later; any new card will do).
    for key in ("1", "2", "4"):
        before = current_item(page)
        assert before
        leave_answer_box(page)
        page.keyboard.press(key)
        wait_for_new_card(page, before)
    assert second
