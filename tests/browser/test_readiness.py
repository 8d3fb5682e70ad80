"""The home page's readiness panel in a real browser: axe-clean in light and dark, with its plot."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from prepdeck.progress import study_day_of
from prepdeck.scheduling import utcnow
from prepdeck.settings import Settings
from tests.browser.conftest import PageFactory, fresh_settings, serve
from tests.browser.test_accessibility import THEMES, run_axe, theme_is


@pytest.mark.parametrize("theme", THEMES)
def test_readiness_panel_has_no_axe_violations(
    open_page: PageFactory, tmp_path: Path, browser_template_db: Path, theme: str
) -> None:
    interview = study_day_of(utcnow(), Settings()) + timedelta(days=30)
    settings = fresh_settings(tmp_path, browser_template_db, interview_date=interview)
    with serve(settings) as url:
        page, _ = open_page(url, color_scheme=theme)
        page.goto("/")
        theme_is(page, theme)
        expect(page.locator("#readiness h2")).to_have_text("Readiness for the interview")
        expect(page.locator("#days-left")).to_have_text("30")
        chart = page.locator("#chart-readiness")
        expect(chart).to_be_visible()
        assert chart.bounding_box()["height"] > 100  # type: ignore[index]
        page.locator("#plot-readiness summary").click()
        expect(page.locator("#plot-readiness tbody tr")).to_have_count(17)
        found = run_axe(page, f"home with readiness [{theme}]")
    assert not found, "axe violations:\n" + "\n".join(found)
