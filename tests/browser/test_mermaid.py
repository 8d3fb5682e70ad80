"""Mermaid diagrams in bank answers: drawn as SVG under the CSP, and a hostile one runs nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from prepdeck.store.context import open_store_context
from prepdeck.upload import check_upload
from tests.browser.conftest import PageFactory, fresh_settings, serve

BANK = Path(__file__).parents[1] / "data" / "web" / "diagrams.md"


@pytest.fixture(scope="module")
def diagrams_url(
    tmp_path_factory: pytest.TempPathFactory, browser_template_db: Path
) -> Iterator[str]:
    settings = fresh_settings(tmp_path_factory.mktemp("mermaid"), browser_template_db)
    upload = check_upload(BANK.name, BANK.read_bytes())
    assert upload.ok, upload.findings
    ctx = open_store_context(settings)
    try:
        ctx.store.sync_bank(upload.bank_name, upload.source, upload.items)
    finally:
        ctx.close()
    with serve(settings) as url:
        yield url


def test_mermaid_and_nested_admonition(open_page: PageFactory, diagrams_url: str) -> None:
    page, seen = open_page(diagrams_url)
    page.goto("/browse/Diagrams")
    item = page.locator("article.item", has_text="flow through the pipeline")
    item.locator("label", has_text="Answer").click()
    answer = item.locator(".tabbed-block.a")
    diagram = answer.locator("pre.mermaid svg")
    expect(diagram).to_be_visible()
    expect(diagram).to_contain_text("Database")
    outer = answer.locator("div.admonition.note", has_text="Outer note")
    inner = outer.locator("div.admonition.note", has_text="Inner note")
    expect(inner).to_be_visible()
    expect(inner).to_contain_text("A nested admonition inside the answer.")

    hostile = page.locator("article.item", has_text="hostile diagram")
    hostile.locator("label", has_text="Answer").click()
    drawn = hostile.locator("pre.mermaid svg")
    expect(drawn).to_be_visible()
    # A tag in a label is drawn as its text, not parsed (render.harden_mermaid).
    expect(drawn).to_contain_text("<img src=x onerror=alert(3)")
    assert drawn.locator("img").count() == 0
    # Strict mode: the node is drawn, but neither a script URL nor a handler goes with it.
    drawn.locator(".node").first.dispatch_event("click")
    handlers = drawn.evaluate(
        "svg => [...svg.querySelectorAll('*')].flatMap(e => [...e.attributes])"
        ".filter(a => a.name.startsWith('on') || /javascript:/i.test(a.value)).length"
    )
    assert handlers == 0
    assert page.evaluate("mermaid.mermaidAPI.getConfig().securityLevel") == "strict"
    assert not seen.dialogs
