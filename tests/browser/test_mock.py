"""A full mock interview in a real browser: timers that tick, answers, the report, the file."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import PageFactory

ANSWER = (
    "A paired t-test is for matched observations, like before and after on the same subject; "
    "it runs a one-sample t-test on the differences and removes between-subject variability."
)


def seconds_left(page: Page, timer: str) -> int:
    text = page.locator(timer).inner_text()
    match = re.fullmatch(r"(\d+):(\d\d)", text)
    assert match, text
    return int(match.group(1)) * 60 + int(match.group(2))


def start_mock(page: Page, questions: int) -> int:
    page.goto("/mock")
    expect(page.locator("main h1")).to_have_text("Mock interview")
    page.locator("#questions").fill(str(questions))
    page.get_by_label("Statistics").check()
    page.get_by_role("button", name="Start the mock").click()
    page.wait_for_url(re.compile(r"/mock/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def test_full_mock_with_ticking_timers_and_the_report(
    open_page: PageFactory, app_url: str, tmp_path: Path
) -> None:
    page, _ = open_page(app_url)
    mock_id = start_mock(page, 2)
    expect(page.locator("main h1")).to_have_text("Mock interview · question 1 of 2")
    expect(page.locator("#question")).not_to_be_empty()
    expect(page.locator("#question-timer")).to_be_visible()
    expect(page.locator("#mock-timer")).to_be_visible()
    expect(page.locator("#answer")).to_be_focused()

    # The countdown runs in the page: a second later it shows less time.
    first = seconds_left(page, "#question-timer")
    overall = seconds_left(page, "#mock-timer")
    assert 0 < first <= overall
    expect(page.locator("#question-timer")).not_to_have_text(
        page.locator("#question-timer").inner_text()
    )
    page.wait_for_timeout(1200)
    assert seconds_left(page, "#question-timer") < first
    assert seconds_left(page, "#mock-timer") < overall
    # Nothing of the reference answer is on the question page.
    expect(page.get_by_text("Reference answer")).to_have_count(0)

    page.locator("#answer").fill(ANSWER)
    page.keyboard.press("Control+Enter")
    expect(page.locator("main h1")).to_have_text("Mock interview · question 2 of 2")
    # The second question's clock starts when it is shown: a fresh limit.
    expect(page.locator("#question-timer")).to_be_visible()
    page.get_by_role("button", name="Submit and see the report").click()

    page.wait_for_url(re.compile(rf"/mock/{mock_id}/report$"))
    report = page.locator("#mock-report")
    expect(report).to_be_visible()
    expect(page.locator("#mock-score")).to_have_text(re.compile(r"^\d{1,3}%$"))
    expect(report).to_contain_text("Answered2 of 2")
    expect(report.locator(".mock-question")).to_have_count(2)
    expect(report.locator("#q1 blockquote.typed")).to_have_text(ANSWER)
    expect(report.locator("#q2")).to_contain_text("No answer given.")
    expect(report.locator("#q2 .keypoints .miss").first).to_be_visible()
    expect(report.locator("#q1")).to_contain_text("Reference answer")
    expect(report.locator(".mock-read a").first).to_have_attribute("href", re.compile("^https?://"))
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # shown by mock.js

    with page.expect_download() as info:
        page.get_by_role("link", name="Download report").click()
    saved = tmp_path / "report.html"
    info.value.save_as(saved)
    html = saved.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and ANSWER in html and "<script" not in html

    # Printing hides the app's navigation and the report's buttons.
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator(".mock-actions")).to_be_hidden()
    expect(report).to_be_visible()
    page.emulate_media(media="screen")

    # The mock is listed with its score; a second one compares with it.
    page.goto("/mock")
    expect(page.locator("#mock-history")).to_contain_text("2 / 2")
    second = start_mock(page, 1)
    page.get_by_role("button", name="End the mock now").click()
    page.wait_for_url(re.compile(rf"/mock/{second}/report$"))
    expect(page.locator("#mock-report")).to_contain_text("Not reached before the time was up.")


def test_a_reload_keeps_the_question_and_its_deadline(open_page: PageFactory, app_url: str) -> None:
    page, _ = open_page(app_url)
    start_mock(page, 2)
    deadline = page.locator("#mock-step").get_attribute("data-deadline")
    page.wait_for_timeout(1100)
    page.reload()
    expect(page.locator("#mock-step")).to_have_attribute("data-deadline", deadline or "")
    assert seconds_left(page, "#question-timer") < seconds_left(page, "#mock-timer")


def test_time_running_out_in_the_page(open_page: PageFactory, app_url: str) -> None:
    """The page's own clock is moved on (Playwright's clock): the question's countdown goes
    past zero with a notice, and at the mock's deadline the typed answer is submitted."""
    page, _ = open_page(app_url)
    page.clock.install()
    start_mock(page, 2)
    limit = seconds_left(page, "#question-timer")
    overall = seconds_left(page, "#mock-timer")
    page.locator("#answer").fill(ANSWER)
    expect(page.locator("#time-status")).to_be_empty()

    page.clock.run_for((limit + 2) * 1000)
    expect(page.locator("#question-timer")).to_have_text(re.compile(r"^−0:0[1-3]$"))
    expect(page.locator("#question-timer")).to_have_class(re.compile(r"\bover\b"))
    expect(page.locator("#time-status")).to_have_text(
        "Time is up for this question: submit your answer."
    )
    # Nothing is sent before the mock's own time is up.
    expect(page.locator("main h1")).to_have_text("Mock interview · question 1 of 2")

    page.clock.run_for((overall - limit) * 1000)
    # The answer went in by itself; the server (whose clock did not move) shows question 2.
    expect(page.locator("main h1")).to_have_text("Mock interview · question 2 of 2")
    listed = page.request.get("/api/mock").json()["mocks"]
    assert listed[0]["answered"] == 1 and listed[0]["finished_at"] is None
