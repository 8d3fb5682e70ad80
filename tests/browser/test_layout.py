"""Layout: a phone-sized screen, light and dark themes, the newer pages, and the screenshots.

Screenshots go to a temporary folder unless ``PREPDECK_SCREENSHOTS`` names one; the README's
pictures are made with ``PREPDECK_SCREENSHOTS=docs/screenshots .venv/bin/pytest
tests/browser/test_layout.py -k screenshots``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, PageFactory

ANSWER = "A p-value is the probability, under the null hypothesis, of data at least this extreme."


def no_horizontal_overflow(page: Page, where: str) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        " document.body.scrollWidth]"
    )
    scroll, client, body = widths
    assert scroll <= client and body <= client, f"{where}: content {scroll}px > screen {client}px"


def practice_with_feedback(page: Page) -> None:
    page.goto("/")
    page.get_by_role("button", name="Practise now").click()
    page.wait_for_url(re.compile(r"/practice/[\w-]+$"))
    page.locator("#answer").fill(ANSWER)
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#feedback .feedback")).to_be_visible()
    page.get_by_role("link", name=re.compile("Reveal")).click()
    expect(page.locator("#reveal section.answer")).to_be_visible()


def test_phone_viewport_has_no_horizontal_overflow(open_page: PageFactory, app_url: str) -> None:
    page, _ = open_page(app_url, viewport=PHONE)
    for path in (
        "/",
        "/browse",
        "/browse/Probability",
        "/browse/Python for data science",
        "/browse/SQL and data wrangling",
        "/search?q=regression",
        "/practice",
    ):
        page.goto(path)
        expect(page.locator("main h1").first).to_be_visible()
        page.wait_for_load_state("load")
        no_horizontal_overflow(page, path)
    # Browse with every answer tab open: code blocks and display math scroll inside themselves.
    page.goto("/browse/Python for data science")
    page.evaluate("() => document.querySelectorAll('input[id^=a-]').forEach(i => i.click())")
    expect(page.locator(".tabbed-block.a").first).to_be_visible()
    no_horizontal_overflow(page, "browse answers")
    practice_with_feedback(page)
    no_horizontal_overflow(page, "practice with feedback")
    # The four rating buttons stay reachable on a phone.
    for button in page.locator("#ratings button[data-rating]").all():
        box = button.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1


def test_theme_follows_the_system_and_the_toggle(open_page: PageFactory, shared_url: str) -> None:
    page, _ = open_page(shared_url, color_scheme="dark")
    page.goto("/")
    background = "() => getComputedStyle(document.body).backgroundColor"
    dark = page.evaluate(background)
    page.get_by_role("button", name="Switch light/dark theme").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    light = page.evaluate(background)
    assert dark != light
    # The choice is kept for the next page.
    page.goto("/browse")
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    assert page.evaluate(background) == light


@pytest.mark.parametrize(
    ("path", "shows"),
    [("/stats", "svg, canvas, img"), ("/import", "form"), ("/settings", "form")],
)
def test_newer_pages_render(open_page: PageFactory, shared_url: str, path: str, shows: str) -> None:
    page, _ = open_page(shared_url)
    if page.request.get(path).status == 404:
        pytest.skip(f"{path} is not built yet")
    response = page.goto(path)
    assert response is not None and response.status == 200
    expect(page.locator("main h1").first).to_be_visible()
    expect(page.locator(f"main :is({shows})").first).to_be_attached()
    page.wait_for_load_state("load")


def screenshot_dir(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("PREPDECK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def practice_for_picture(page: Page) -> None:
    """A checked answer made of the card's key points, scrolled to feedback and ratings."""
    page.goto("/")
    page.get_by_role("button", name="Practise now").click()
    page.wait_for_url(re.compile(r"/practice/[\w-]+$"))
    sid = page.url.rsplit("/", 1)[1]
    item = page.locator("section.practice").get_attribute("data-item")
    shown = page.request.get(f"/api/practice/{sid}/reveal?item_pk={item}").json()
    points = shown.get("key_points") or shown.get("item", {}).get("key_points") or []
    page.locator("#answer").fill(" ".join(points[:3]) or ANSWER)
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#feedback .feedback")).to_be_visible()
    page.locator("#ratings").evaluate("e => e.scrollIntoView({block: 'end'})")


def test_screenshots(open_page: PageFactory, app_url: str, tmp_path: Path) -> None:
    """The main pages in light and dark, and practice on a phone (for the README)."""
    folder = screenshot_dir(tmp_path)
    shots: list[Path] = []

    def shoot(page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        page.evaluate("() => document.fonts.ready")
        page.mouse.move(0, 0)
        path = folder / f"{name}.png"
        page.screenshot(path=path, animations="disabled", caret="hide")
        shots.append(path)

    for scheme in ("light", "dark"):
        page, _ = open_page(app_url, viewport={"width": 1024, "height": 760}, color_scheme=scheme)
        page.goto("/")
        expect(page.locator("table.readiness")).to_be_visible()
        if scheme == "light":
            shoot(page, "home-light")
        practice_for_picture(page)
        shoot(page, f"practice-{scheme}")
        page.goto("/browse/Probability")
        expect(page.locator(".tabbed-block.q .katex").first).to_be_visible()
        if scheme == "light":
            shoot(page, "browse-light")
        if scheme == "light":
            page.goto("/search?q=gradient")
            expect(page.locator("#results li.result").first).to_be_visible()
            shoot(page, "search-light")
            if page.request.get("/stats").status == 200:
                page.goto("/stats")
                shoot(page, "stats-light")

    phone, _ = open_page(app_url, viewport=PHONE)
    practice_for_picture(phone)
    shoot(phone, "practice-phone")

    for path in shots:
        assert path.stat().st_size > 5_000, path
