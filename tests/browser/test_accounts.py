"""Accounts in a real browser: two people sign up, practise and sign out in two browser
contexts, each seeing only their own progress; the account pages pass axe's WCAG checks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from prepdeck.store import SqlStore
from tests.browser.conftest import PageFactory, fresh_settings, serve
from tests.browser.test_accessibility import run_axe


@pytest.fixture
def accounts_url(tmp_path: Path, browser_template_db: Path) -> Iterator[str]:
    settings = fresh_settings(tmp_path, browser_template_db, accounts=True)
    store = SqlStore.open(settings.resolved_database_url)
    try:
        store.create_account("root", "correct horse", "admin")
    finally:
        store.close()
    with serve(settings) as url:
        yield url


def sign_up(page: Page, name: str, password: str) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2F$"))
    page.get_by_role("link", name="Create one").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#account-link")).to_have_text(name)


def practise_one(page: Page) -> None:
    page.get_by_role("button", name="Practise now").click()
    page.wait_for_url(re.compile(r"/practice/[\w-]+$"))
    first = page.locator("section.practice").get_attribute("data-item")
    page.get_by_role("link", name=re.compile("Reveal")).click()
    expect(page.locator("#reveal section.answer")).to_be_visible()
    page.locator("#ratings button[data-rating='3']").click()
    expect(page.locator("section.practice")).not_to_have_attribute("data-item", first or "")
    page.goto("/")


def test_two_people_practise_side_by_side(open_page: PageFactory, accounts_url: str) -> None:
    ada, _ = open_page(accounts_url)
    bob, _ = open_page(accounts_url)
    sign_up(ada, "ada", "correct horse")
    sign_up(bob, "bob", "battery staple")
    practise_one(ada)
    expect(ada.locator(".figure", has_text="reviewed today").locator(".num")).to_have_text("1")
    bob.goto("/")
    expect(bob.locator(".figure", has_text="reviewed today").locator(".num")).to_have_text("0")
    ada.get_by_role("button", name="Sign out").click()
    expect(ada).to_have_url(re.compile(r"/sign-in$"))
    ada.goto("/stats")
    expect(ada).to_have_url(re.compile(r"/sign-in\?next=%2Fstats$"))
    bob.goto("/")  # bob is still signed in
    expect(bob.locator("#account-link")).to_have_text("bob")
    ada.get_by_label("Name").fill("ada")
    ada.get_by_label("Password").fill("correct horse")
    ada.get_by_role("button", name="Sign in").click()
    expect(ada).to_have_url(re.compile(r"/stats$"))
    ada.goto("/")
    expect(ada.locator(".figure", has_text="reviewed today").locator(".num")).to_have_text("1")


def test_account_pages_have_no_axe_violations(open_page: PageFactory, accounts_url: str) -> None:
    page, seen = open_page(accounts_url)
    page.goto("/sign-in")
    found = run_axe(page, "sign-in")
    page.get_by_label("Name").fill("root")
    page.get_by_label("Password").fill("wrong horse")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#sign-in-error")).to_be_visible()
    found += run_axe(page, "sign-in refused")
    page.goto("/sign-up")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#account-errors")).to_be_visible()
    found += run_axe(page, "sign-up with errors")
    # Chromium logs every 4xx document; these two (refused sign-in, invalid form) are the point.
    expected = ("status of 401 (Unauthorized)", "status of 422 (Unprocessable Entity)")
    seen.console_errors = [e for e in seen.console_errors if not any(x in e for x in expected)]
    page.goto("/sign-in")
    page.get_by_label("Name").fill("root")
    page.get_by_label("Password").fill("correct horse")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#account-link")).to_have_text("root")
    found += run_axe(page, "home signed in")
    page.goto("/account")
    page.get_by_label("New token label").fill("laptop")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token-value")).to_have_value(re.compile(r"^pdk_"))
    found += run_axe(page, "account with a new token")
    page.goto("/admin/users")
    page.get_by_role("button", name="Create invitation link").click()
    expect(page.locator("#invitation-link")).to_have_value(re.compile(r"/invitations/"))
    found += run_axe(page, "admin users with an invitation")
    link = page.locator("#invitation-link").input_value()
    guest, _ = open_page(accounts_url)
    guest.goto(link)
    expect(guest.get_by_role("heading", name="Accept your invitation")).to_be_visible()
    found += run_axe(guest, "invitation")
    assert not found, "axe violations:\n" + "\n".join(found)
