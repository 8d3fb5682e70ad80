"""Accessibility: axe-core's WCAG 2 A/AA rules on every main page, light and dark; the keyboard.

axe-core is vendored for the tests only (``tests/browser/vendor/axe-core``: ``axe.min.js`` and
its MPL-2.0 ``LICENSE``, from ``npm pack axe-core@4``); it is never part of the package and
never fetched from the network. It is evaluated in the page through the DevTools protocol,
so the app's Content-Security-Policy stays on.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import FilePayload, Page, expect

from tests.browser.conftest import PageFactory

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
THEMES = ("light", "dark")
ANSWER = (
    "Bias is the error from wrong assumptions in the model; variance is the error from "
    "sensitivity to the training sample. More complex models lower bias and raise variance."
)
BROKEN_BANK = b"""# Broken quokkas

!!! Question ""
    === "Question"
        Where is the answer tab?
"""
#: WCAG 2.0/2.1/2.2 level A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: Best-practice rules run as well: landmarks, one main heading.
EXTRA_RULES = [
    "region",
    "landmark-one-main",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
    "landmark-unique",
    "landmark-banner-is-top-level",
    "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level",
    "page-has-heading-one",
    "heading-order",
    "skip-link",
]
#: Rules that must have run on every page (passed, or found nothing to check).
MUST_RUN = [
    "color-contrast",
    "label",
    "button-name",
    "link-name",
    "document-title",
    "html-has-lang",
    "landmark-one-main",
    "region",
]
READ_ONLY_PAGES = {
    "home": "/",
    "practice-start": "/practice",
    "browse": "/browse",
    "browse-topic": "/browse/Statistics",
    "browse-code-math": "/browse/Python for data science",
    "search": "/search?q=regression",
    "stats": "/stats",
    "import": "/import",
    "exchange": "/exchange",
    "settings": "/settings",
    "choice": "/choice",
    "leeches": "/leeches",
    "mock-start": "/mock",
}


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def summary(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            why = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}  {why}")
    return "\n".join(lines)


def run_axe(page: Page, where: str) -> list[str]:
    """Run axe on the page as it is now; a readable line block per violation (none: empty)."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    options = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "rules": {rule: {"enabled": True} for rule in EXTRA_RULES},
        "resultTypes": ["violations"],
    }
    result = page.evaluate("options => axe.run(document, options)", options)
    ran = {
        r["id"]
        for key in ("passes", "violations", "incomplete", "inapplicable")
        for r in result[key]
    }
    missing = [rule for rule in MUST_RUN if rule not in ran]
    assert not missing, f"{where}: axe did not run {missing}"
    if not result["violations"]:
        return []
    return [f"{where}:\n{summary(result['violations'])}"]


def theme_is(page: Page, theme: str) -> None:
    """The page is drawn in the theme asked for (the background follows the CSS variables)."""
    dark = page.evaluate(
        "() => getComputedStyle(document.body).backgroundColor !== 'rgb(255, 255, 255)'"
    )
    assert dark == (theme == "dark"), theme


@pytest.mark.parametrize("theme", THEMES)
def test_pages_have_no_axe_violations(open_page: PageFactory, shared_url: str, theme: str) -> None:
    page, _ = open_page(shared_url, color_scheme=theme)
    found: list[str] = []
    for name, path in READ_ONLY_PAGES.items():
        page.goto(path)
        expect(page.locator("main h1").first).to_be_visible()
        theme_is(page, theme)
        if name == "search":
            expect(page.locator("#results li.result").first).to_be_visible()
        found += run_axe(page, f"{name} [{theme}]")
    # The import report: an error with its lines marked (checking adds nothing to the store).
    page.goto("/import")
    upload: FilePayload = {"name": "broken.md", "mimeType": "text/markdown", "buffer": BROKEN_BANK}
    page.locator("#file").set_input_files(files=upload)
    page.locator("#check-upload").click()
    expect(page.locator("#lint-report .finding").first).to_be_visible()
    found += run_axe(page, f"import report [{theme}]")
    # The exchange page with a converted bank's report (checking adds nothing either).
    page.goto("/exchange")
    csv_bank: FilePayload = {
        "name": "quokkas.csv",
        "mimeType": "text/csv",
        "buffer": b"question,answer,topic\nWhy do quokkas smile?,Their jaw.,Quokka studies\n",
    }
    page.locator("#bank-file").set_input_files(files=csv_bank)
    page.locator("#convert-bank").click()
    expect(page.locator("#bank-report")).to_be_visible()
    found += run_axe(page, f"exchange report [{theme}]")
    assert not found, "axe violations:\n" + "\n".join(found)


@pytest.mark.parametrize("theme", THEMES)
def test_practice_has_no_axe_violations(open_page: PageFactory, app_url: str, theme: str) -> None:
    page, _ = open_page(app_url, color_scheme=theme)
    found: list[str] = []
    page.goto("/")
    page.get_by_role("button", name="Practise now").click()
    page.wait_for_url(re.compile(r"/practice/[\w-]+$"))
    expect(page.locator("#question")).not_to_be_empty()
    theme_is(page, theme)
    found += run_axe(page, f"practice card [{theme}]")

    page.locator("#answer").fill(ANSWER)
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#feedback .feedback")).to_be_visible()
    expect(page.locator("#ratings button.proposed")).to_have_count(1)
    found += run_axe(page, f"practice feedback [{theme}]")

    page.get_by_role("link", name=re.compile("Hint")).click()
    expect(page.locator("#hints")).not_to_be_empty()
    page.get_by_role("link", name=re.compile("Reveal")).click()
    expect(page.locator("#reveal section.answer")).to_be_visible()
    found += run_axe(page, f"practice answer revealed [{theme}]")

    # Rate: the stats page then has reviews to draw.
    before = page.locator("section.practice").get_attribute("data-item")
    page.locator("#ratings button.proposed").click()
    expect(page.locator("section.practice")).not_to_have_attribute("data-item", before or "")
    page.goto("/stats")
    expect(page.locator("#plot-reviews")).to_be_visible()
    found += run_axe(page, f"stats with reviews [{theme}]")
    page.goto("/")
    found += run_axe(page, f"home after a review [{theme}]")
    assert not found, "axe violations:\n" + "\n".join(found)


def from_the_top(page: Page) -> None:
    """Move the keyboard's starting point to the top of the document, before its first link.

    Where the page autofocuses a box, a user gets there with Tab from the browser's address
    bar; a test cannot reach the address bar, so the document itself takes the focus for a
    moment (blur() alone leaves Chromium's starting point at the box).
    """
    page.evaluate(
        """() => {
          const root = document.documentElement;
          root.tabIndex = -1;
          root.focus();
          root.removeAttribute('tabindex');
        }"""
    )
    expect(page.locator("#answer, #q")).not_to_be_focused()


def focused(page: Page) -> dict[str, Any]:
    """The focused element: id, text and its outline as drawn."""
    info: dict[str, Any] = page.evaluate(
        """() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          return {
            id: el.id, tag: el.tagName.toLowerCase(), text: el.textContent.trim(),
            rating: el.dataset.rating || null,
            outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
            outlineColor: style.outlineColor,
          };
        }"""
    )
    return info


def has_focus_ring(info: dict[str, Any]) -> bool:
    return (
        info["outline"] not in ("none", "")
        and info["outlineWidth"] >= 2
        and info["outlineColor"] not in ("transparent", "rgba(0, 0, 0, 0)")
    )


@pytest.mark.parametrize("theme", THEMES)
def test_keyboard_order_on_the_practice_page(
    open_page: PageFactory, app_url: str, theme: str
) -> None:
    page, _ = open_page(app_url, color_scheme=theme)
    page.goto("/")
    page.get_by_role("button", name="Practise now").click()
    page.wait_for_url(re.compile(r"/practice/[\w-]+$"))
    expect(page.locator("#answer")).to_be_focused()  # autofocus
    page.wait_for_load_state("load")
    from_the_top(page)
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["text"] == "Skip to content", first
    assert has_focus_ring(first), first
    expect(page.locator("a.skip")).to_be_in_viewport()

    order: list[str] = []
    rings: dict[str, bool] = {}
    for _ in range(40):
        page.keyboard.press("Tab")
        info = focused(page)
        name = info["id"] or (f"rating-{info['rating']}" if info["rating"] else info["text"])
        if name in order:
            break
        order.append(name)
        rings[name] = has_focus_ring(info)
        if name == "finish-btn":
            break
    wanted = ["answer", "check-btn", "reveal-btn", "hint-btn"] + [f"rating-{n}" for n in "1234"]
    positions = [order.index(name) for name in wanted if name in order]
    assert len(positions) == len(wanted), f"not all reached by Tab: {order}"
    assert positions == sorted(positions), f"Tab order {order}"
    # Nothing but the page's header comes between the skip link and the answer box.
    before_answer = order[: order.index("answer")]
    assert all(name in HEADER_STOPS for name in before_answer), before_answer
    missing_ring = [name for name in wanted if not rings[name]]
    assert not missing_ring, f"no visible focus outline on {missing_ring}"


HEADER_STOPS = {
    "prepdeck",
    "Practice",
    "Mock",
    "Browse",
    "Search",
    "Stats",
    "Import",
    "Exchange",
    "Settings",
    "Choice",
    "Leeches",
    "theme-toggle",
}


def test_skip_link_moves_to_the_main_content(open_page: PageFactory, shared_url: str) -> None:
    page, _ = open_page(shared_url)
    page.goto("/search")
    expect(page.locator("#q")).to_be_focused()  # autofocus
    page.wait_for_load_state("load")
    from_the_top(page)
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#q")).to_be_focused()


def test_axe_reports_what_it_should(open_page: PageFactory, shared_url: str) -> None:
    """The harness is no silent no-op: planted faults are reported, by rule and selector."""
    page, _ = open_page(shared_url)
    page.goto("/settings")
    page.evaluate(
        """() => {
          const main = document.querySelector('main');
          const box = document.createElement('input'); box.id = 'planted-box';
          const pale = document.createElement('p'); pale.id = 'planted-pale';
          pale.textContent = 'pale text'; pale.style.color = '#dddddd';
          main.append(box, pale);
        }"""
    )
    found = "\n".join(run_axe(page, "planted"))
    assert re.search(r"^label \(critical\)", found, re.M), found
    assert "#planted-box" in found, found
    assert re.search(r"^color-contrast \(serious\)", found, re.M), found
    assert "#planted-pale" in found, found


@pytest.mark.parametrize("theme", THEMES)
def test_mock_pages_have_no_axe_violations(
    open_page: PageFactory, app_url: str, theme: str
) -> None:
    page, _ = open_page(app_url, color_scheme=theme)
    found: list[str] = []
    page.goto("/mock")
    page.locator("#questions").fill("2")
    page.get_by_role("button", name="Start the mock").click()
    page.wait_for_url(re.compile(r"/mock/\d+$"))
    expect(page.locator("#question-timer")).to_be_visible()
    theme_is(page, theme)
    found += run_axe(page, f"mock question [{theme}]")
    page.locator("#answer").fill(ANSWER)
    page.locator("#submit-answer").click()
    expect(page.locator("main h1")).to_contain_text("question 2 of 2")
    page.locator("#finish-mock").click()
    expect(page.locator("#mock-report")).to_be_visible()
    found += run_axe(page, f"mock report [{theme}]")
    page.goto("/mock")
    expect(page.locator("#mock-history")).to_be_visible()
    found += run_axe(page, f"mock start with history [{theme}]")
    assert not found, "axe violations:\n" + "\n".join(found)
