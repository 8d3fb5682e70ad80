"""A hostile bank in a real browser: no payload from tests/data/xss/payloads.txt may run.

Every payload goes into a bank item everywhere an author controls text (question, answer with
admonitions, tabs, links, images, math, mermaid and code, hints, tags, title, key points,
references, and topic names), is typed as an answer too, and is shown on the home, browse,
search and practice pages. Each payload that could run calls alert/confirm/prompt or loads
http://xss.invalid/, so the pages are watched for dialogs, console errors, uncaught errors and
requests to any host but the app's; the DOM is checked for event-handler attributes, script
URLs and foreign scripts. The pages are visited with the Content-Security-Policy switched off
(``bypass_csp``), so the sanitiser alone must hold, and again with it on, where a payload the
sanitiser let through would show as a CSP violation in the console.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from prepdeck.errors import Location
from prepdeck.model import Difficulty, Item, Reference
from prepdeck.store.context import open_store_context
from tests.browser.conftest import PageFactory, Watch, fresh_settings, serve

PAYLOADS_FILE = Path(__file__).parents[1] / "data" / "xss" / "payloads.txt"
#: The placeholders the payload file's header defines for characters a text file can't carry.
PLACEHOLDERS = {"{NUL}": "\x00", "{TAB}": "\t", "{LF}": "\n", "{CR}": "\r", "{ESC}": "\x1b"}
TOPIC = "Hostile bank"
PRACTICE_TOPIC = "Hostile practice"
#: Payloads per practice card.
PACK = 6
#: Search shows at most 50 results; each chunk of payload items shares a word of its own.
CHUNK = 45
CHUNK_WORDS = [f"zq{letter}chunk" for letter in "abcdefghijklmnop"]


def load_payloads() -> list[str]:
    """The payloads, one a line; ``#`` lines and blank lines skipped; placeholders replaced."""
    payloads = []
    for line in PAYLOADS_FILE.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        for placeholder, char in PLACEHOLDERS.items():
            line = line.replace(placeholder, char)
        payloads.append(line)
    return payloads


PAYLOADS = load_payloads()
PACKS = (len(PAYLOADS) + PACK - 1) // PACK


def _indent(text: str, spaces: int = 4) -> str:
    return "\n".join(" " * spaces + line if line else line for line in text.split("\n"))


def hostile_item(number: int, payload: str) -> Item:
    one_line = " ".join(payload.replace("\x00", "").split()) or "x"
    answer = "\n\n".join(
        [
            payload,
            f"Before {payload} after.",
            f'!!! note "{one_line}"\n{_indent(payload)}',
            f'??? tip "{one_line}"\n    body',
            f'=== "{one_line}"\n{_indent(payload)}\n\n=== "Other"\n    second',
            f"[link]({one_line}) ![image]({one_line}) [{one_line}](https://example.org)",
            f"Inline math ${one_line}$ and display math:",
            f"$$\n{payload}\n$$",
            f"```mermaid\n{payload}\n```",
            f'```python title="{one_line}"\nx = 1\n```',
            f"| a | b |\n|---|---|\n| {one_line.replace('|', '&#124;')} | x |",
            f'<div markdown="1">\n\n{payload}\n\n</div>',
        ]
    )
    chunk = CHUNK_WORDS[number // CHUNK]
    return Item(
        id=f"xss-{number}",
        topic=TOPIC,
        question=f"Payload {number} {chunk}:\n\n{payload}\n\nAgain: {one_line}",
        answer=answer,
        location=Location(f"xss/{number}.md"),
        references=(Reference(one_line, one_line), Reference(f"ref {one_line}", payload)),
        hints=(payload, one_line),
        tags=("xss", one_line),
        difficulty=Difficulty.EASY,
        key_points=(one_line,),
        title=one_line if number % 2 else "",
    )


def practice_pack(number: int, payloads: list[str]) -> Item:
    """A practice card with several payloads (one card each would make practice too slow).

    Hints, key points and references are rendered one by one, so no payload can hide
    another there; question and answer carry them all (browse shows each one on its own,
    in every markdown context).
    """
    lines = [" ".join(p.replace("\x00", "").split()) or "x" for p in payloads]
    question = "\n\n".join(f"Pack {number}, payload:\n\n{p}" for p in payloads)
    # Short: grading time grows with the reference answer (browse shows the long form).
    answer = "\n\n".join(payloads)
    return Item(
        id=f"xss-pack-{number}",
        topic=PRACTICE_TOPIC,
        question=question,
        answer=answer,
        location=Location(f"xss/pack-{number}.md"),
        references=tuple(Reference(line, p) for p, line in zip(payloads, lines, strict=True)),
        hints=tuple(payloads),
        tags=tuple(lines),
        key_points=tuple(lines),
    )


def topic_probe(number: int, payload: str) -> Item:
    """An item whose topic name is the payload (topic names appear in lists and links)."""
    one_line = " ".join(payload.replace("\x00", "").split()) or "x"
    return Item(
        id=f"xss-topic-{number}",
        topic=f"T{number} {one_line}",
        question=f"Topic probe {number}",
        answer="Plain.",
        location=Location(f"xss/topic-{number}.md"),
    )


@pytest.fixture(scope="module")
def hostile_url(
    tmp_path_factory: pytest.TempPathFactory, browser_template_db: Path
) -> Iterator[str]:
    settings = fresh_settings(
        tmp_path_factory.mktemp("xss"), browser_template_db, new_per_day=10_000
    )
    ctx = open_store_context(settings)
    try:
        items = [hostile_item(n, p) for n, p in enumerate(PAYLOADS)]
        items += [topic_probe(n, p) for n, p in enumerate(PAYLOADS)]
        items += [practice_pack(n, PAYLOADS[n * PACK : n * PACK + PACK]) for n in range(PACKS)]
        ctx.store.sync_bank("hostile", "tests/data/xss/payloads.txt", items)
    finally:
        ctx.close()
    with serve(settings) as url:
        yield url


#: Finds what must never be in the page: handlers, script URLs, foreign or inline scripts,
#: frames and plugins, base and refresh tags, and forms or buttons posting elsewhere.
DOM_CHECK = r"""
() => {
  const bad = [];
  const urlAttrs = new Set(["href", "src", "action", "formaction", "xlink:href", "data",
    "poster", "background", "srcset", "ping", "codebase", "cite", "dynsrc", "lowsrc",
    "srcdoc", "to", "from", "values", "by"]);
  const forbidden = new Set(["iframe", "frame", "frameset", "object", "embed", "applet",
    "base", "portal", "fencedframe"]);
  const norm = (v) => v.replace(/[\u0000-\u0020\u007f-\u00a0]+/g, "").toLowerCase();
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName.toLowerCase();
    const inMain = el.closest("main") !== null;
    if (tag === "script") {
      const src = el.getAttribute("src") || "";
      if (!src.startsWith("/static/") || el.textContent.trim()) bad.push("script: " + el.outerHTML.slice(0, 200));
    }
    if (forbidden.has(tag)) bad.push(tag + ": " + el.outerHTML.slice(0, 200));
    // Mermaid's own SVG carries its theme as a <style> (diagram text cannot add one).
    const mermaidStyle = tag === "style" && el.closest("pre.mermaid svg") !== null;
    if (inMain && (tag === "meta" || tag === "link" || tag === "style") && !mermaidStyle) bad.push(tag + " in main: " + el.outerHTML.slice(0, 200));
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = norm(attr.value);
      if (name.startsWith("on")) bad.push("handler " + name + " on " + tag + ": " + attr.value.slice(0, 120));
      if (name === "srcdoc") bad.push("srcdoc on " + tag);
      if (urlAttrs.has(name) || name.endsWith(":href")) {
        if (/^(javascript|vbscript|livescript|mocha|data:text\/html|data:image\/svg|data:application)/.test(value)
            || value.startsWith("data:") && tag !== "img") {
          bad.push("url " + name + " on " + tag + ": " + attr.value.slice(0, 120));
        }
      }
      if ((name === "action" || name === "formaction") && !/^\/(?!\/)/.test(attr.value)) {
        bad.push(name + " on " + tag + ": " + attr.value.slice(0, 120));
      }
    }
  }
  return bad;
}
"""


def assert_inert(page: Page, where: str) -> None:
    found = page.evaluate(DOM_CHECK)
    assert not found, f"{where}: {found[:10]}"


def assert_clean(seen: Watch, where: str) -> None:
    assert not seen.problems(), f"{where}: {seen.problems()}"


def test_payload_file_is_there() -> None:
    assert len(PAYLOADS) >= 120, f"{PAYLOADS_FILE} has only {len(PAYLOADS)} payloads"
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def visit_lists(page: Page, seen: Watch) -> None:
    """Home, browse index and topic, search and practice start: every payload is on one."""
    page.goto("/")
    expect(page.locator("table.readiness")).to_contain_text("T0 ")
    assert_inert(page, "home")

    page.goto("/browse")
    expect(page.locator("ul.topics")).to_contain_text(TOPIC)
    assert_inert(page, "browse index")

    page.goto("/browse/" + TOPIC)
    expect(page.locator("article.item")).to_have_count(len(PAYLOADS))
    page.wait_for_load_state("load")
    assert_inert(page, "browse topic")
    # Show every answer tab (images and math in hidden tabs render too, but be thorough).
    page.evaluate("() => document.querySelectorAll('input[id^=a-]').forEach(i => i.click())")
    expect(page.locator(".tabbed-block.a").last).to_be_visible()
    assert_inert(page, "browse topic, answers shown")

    page.goto("/practice")
    options = page.locator("#topic option")
    expect(options.last).to_be_attached()
    assert options.count() >= len(PAYLOADS) + 2
    assert_inert(page, "practice start")

    page.goto("/search")
    box = page.get_by_label("Words in questions, answers or tags")
    results = page.locator("#results li.result")
    for number, word in enumerate(CHUNK_WORDS[: (len(PAYLOADS) - 1) // CHUNK + 1]):
        expected = min(CHUNK, len(PAYLOADS) - number * CHUNK)
        box.fill(word)
        expect(results).to_have_count(expected)
        expect(page).to_have_url(re.compile(f"q={word}"))
        assert_inert(page, f"search {word}")
    assert_clean(seen, "lists")


@pytest.mark.parametrize("csp", ["csp-off", "csp-on"])
def test_hostile_bank_lists_run_nothing(open_page: PageFactory, hostile_url: str, csp: str) -> None:
    page, seen = open_page(hostile_url, bypass_csp=csp == "csp-off")
    seen.allow_missing_images = seen.allow_katex_error_style = True
    visit_lists(page, seen)


def test_hostile_bank_practice_runs_nothing(open_page: PageFactory, hostile_url: str) -> None:
    """Every payload in practice (HTMX swaps): typed and checked, hints, reveal, rate."""
    page, seen = open_page(hostile_url, bypass_csp=True)
    seen.allow_missing_images = seen.allow_katex_error_style = True
    page.goto("/practice")
    page.get_by_label("Topic").select_option(PRACTICE_TOPIC)
    page.get_by_role("button", name="Start").click()
    box = page.locator("#answer")
    shown: set[int] = set()
    for position in range(1, PACKS + 1):
        expect(page.locator(".progress label")).to_contain_text(f"Card {position} of ")
        match = re.match(r"Pack (\d+),", page.locator("#question").inner_text())
        assert match
        number = int(match.group(1))
        shown.add(number)
        box.fill("\n".join(PAYLOADS[number * PACK : number * PACK + PACK]))
        box.press("Control+Enter")
        expect(page.locator("#feedback .feedback")).to_be_visible()
        page.locator("#hint-btn").click()
        expect(page.locator("#hints .hints")).to_be_visible()
        page.locator("#reveal-btn").click()
        expect(page.locator("#reveal section.answer")).to_be_visible()
        assert_inert(page, f"practice, pack {number}")
        item = page.locator("section.practice").get_attribute("data-item")
        page.locator('#ratings button[data-rating="4"]').click()  # Easy: it does not come back
        if position < PACKS:
            expect(page.locator("section.practice")).not_to_have_attribute("data-item", item or "")
    expect(page.locator("#summary")).to_be_visible()
    assert shown == set(range(PACKS))
    assert_clean(seen, "practice")
