"""Import in a real browser: a bank with errors shows its lint report and cannot be added;
good banks (a page, a .zip of a folder) are added and then show in Browse and Search."""

from __future__ import annotations

import zipfile
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory

DATA = Path(__file__).parents[1] / "data" / "web"


def upload(page: Page, path: Path) -> None:
    page.goto("/import")
    page.get_by_label("Markdown page or .zip of a folder").set_input_files(path)
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#lint-report")).to_be_visible()


def add_and_find(page: Page, path: Path, topic: str, questions: list[str], word: str) -> None:
    upload(page, path)
    expect(page.locator("#error-count")).to_have_text("0 errors")
    page.get_by_role("button", name="Add to my banks").click()
    result = page.locator("#import-result")
    expect(result).to_contain_text(f"{len(questions)} added")
    result.get_by_role("link", name=topic, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(topic)
    for question in questions:
        expect(page.locator("article.item .tabbed-block.q", has_text=question)).to_be_visible()

    page.goto("/browse")
    expect(page.get_by_role("link", name=topic, exact=True)).to_be_visible()
    page.goto("/search")
    page.get_by_label("Words in questions, answers or tags").press_sequentially(word, delay=20)
    results = page.locator("#results li.result")
    expect(results).to_have_count(len(questions))
    for question in questions:
        expect(results.filter(has_text=question)).to_have_count(1)


def test_import_with_errors_shows_the_report(open_page: PageFactory, app_url: str) -> None:
    page, _ = open_page(app_url)
    upload(page, DATA / "lint-errors.md")
    report = page.locator("#lint-report")
    expect(page.locator("#error-count")).to_have_text("2 errors")
    missing = report.locator("li.finding", has_text="PD101")
    expect(missing.locator("code")).to_have_text("lint-errors.md:3:1")
    expect(missing.locator("pre.excerpt .hl")).to_contain_text('!!! Question ""')
    spelling = report.locator("li.finding", has_text="PD601")
    expect(spelling).to_contain_text("Normalizattion")
    expect(spelling.locator("code")).to_contain_text("lint-errors.md:9:")
    expect(spelling.locator("pre.excerpt .hl")).to_contain_text(
        "What are the benefits of Normalizattion?"
    )
    expect(page.get_by_role("button", name="Add to my banks")).to_have_count(0)
    expect(page.locator("#cannot-add")).to_contain_text("Fix the errors above")
    page.goto("/browse")
    expect(page.get_by_role("link", name="Lint errors", exact=True)).to_have_count(0)


def test_import_page_then_zip(open_page: PageFactory, app_url: str, tmp_path: Path) -> None:
    page, _ = open_page(app_url)
    add_and_find(
        page, DATA / "good-page.md", "Zebra facts", ["Why do zebras have black and white"], "zebras"
    )
    archive = tmp_path / "walrus.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for md in sorted((DATA / "good-folder").glob("*.md")):
            zf.write(md, f"good-folder/{md.name}")
    questions = ["What do walruses use their tusks for?", "How long can a walrus stay under"]
    add_and_find(page, archive, "Walrus facts", questions, "walrus")
