"""One multiple-choice round in Chromium: pick with a key, read the verdict, accept the proposal."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import PageFactory
from tests.browser.test_accessibility import run_axe


def test_one_multiple_choice_round(open_page: PageFactory, app_url: str) -> None:
    page, _ = open_page(app_url)
    page.goto("/choice?topic=Statistics")
    options = page.locator("#choice-form button.option")
    expect(options).to_have_count(4)
    first_item = page.locator("section.choice").get_attribute("data-item")
    found = run_axe(page, "choice card")
    page.wait_for_load_state("load")
    page.keyboard.press("b")  # the second option, by its letter
    expect(page.locator("#verdict")).to_be_visible()
    expect(page.locator("ol.options.judged li.right")).to_have_count(1)
    expect(page.locator("ol.options.judged li.chosen")).to_have_count(1)
    proposed = page.locator("#ratings button.proposed")
    expect(proposed).to_have_count(1)
    expect(proposed).to_be_focused()  # Enter accepts the proposal
    verdict = page.locator("#verdict").inner_text()
    label = "Again" if verdict.startswith("✗") else re.compile("Easy|Good|Hard")
    expect(proposed).to_contain_text(label)
    found += run_axe(page, "choice answer")
    page.keyboard.press("Enter")
    expect(page.locator("#choice-saved")).to_contain_text("Saved")
    expect(page.locator("section.choice")).not_to_have_attribute("data-item", first_item or "")
    # A suspended card on the leeches page, then back with its button.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "prepdeck_csrf")
    suspended = page.request.post(
        f"/api/leeches/{first_item}/suspend", headers={"x-csrf-token": token}
    )
    assert suspended.ok, suspended.text()
    page.goto("/leeches")
    expect(page.locator(f"#leech-{first_item}")).to_contain_text("suspended")
    found += run_axe(page, "leeches")
    page.locator(f"#leech-{first_item}").get_by_role("button", name=re.compile("Unsuspend")).click()
    expect(page.locator("#leech-notice")).to_contain_text("is unsuspended")
    expect(page.locator("#no-leeches")).to_be_visible()
    assert not found, "axe violations:\n" + "\n".join(found)
