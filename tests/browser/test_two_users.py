"""Two people on one server (accounts on) in two browser contexts: sign up, practise, sign
out, sign in again; each sees only their own practice, and not the other's session."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from prepdeck.store import SqlStore
from tests.browser.conftest import PageFactory, fresh_settings, serve
from tests.browser.test_accessibility import run_axe

PASSWORDS = {"ana": "ana's own passphrase", "ben": "ben's own passphrase"}
ADMIN_PASSWORD = "ada's admin passphrase"
ANSWERS = {
    "ana": "Ana typed this: bias is error from wrong assumptions, variance from the sample.",
    "ben": "Ben typed this: regularisation trades a little bias for less variance.",
}


@pytest.fixture
def accounts_url(tmp_path: Path, browser_template_db: Path) -> Iterator[str]:
    settings = fresh_settings(tmp_path, browser_template_db, accounts=True, signup=True)
    store = SqlStore.open(settings.resolved_database_url)
    store.create_account("ada", ADMIN_PASSWORD, role="admin")
    store.close()
    with serve(settings) as url:
        yield url


def sign_up(page: Page, name: str) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))  # nobody is signed in yet
    page.goto("/sign-up")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORDS[name])
    page.get_by_label("Password again").fill(PASSWORDS[name])
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#account-link")).to_have_text(name)


def sign_in(page: Page, name: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORDS.get(name, ADMIN_PASSWORD))
    page.locator("form[action='/sign-in'] button[type=submit]").click()
    expect(page.locator("#account-link")).to_have_text(name)


def sign_out(page: Page) -> None:
    page.locator("#sign-out").click()
    expect(page.locator("#account-link")).to_have_count(0)
    page.goto("/stats")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fstats"))


def practise_one(page: Page, name: str) -> str:
    """Start practising, type, Check, rate Good; the practice page's URL."""
    page.goto("/")
    page.get_by_role("button", name="Practise now").click()
    page.wait_for_url(re.compile(r"/practice/[\w-]+$"))
    url = page.url
    first = page.locator("section.practice").get_attribute("data-item")
    page.locator("#answer").fill(ANSWERS[name])
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#feedback .feedback")).to_be_visible()
    page.locator("#ratings button[data-rating='3']").click()
    expect(page.locator("section.practice")).not_to_have_attribute("data-item", first or "")
    return url


def reviewed_today(page: Page) -> int:
    response = page.request.get("/api/home")  # the browser's own cookie
    assert response.ok, response.text()
    return int(response.json()["reviewed_today"])


def test_two_learners_side_by_side(open_page: PageFactory, accounts_url: str) -> None:
    ana, _ = open_page(accounts_url)
    ben, _ = open_page(accounts_url)
    sign_up(ana, "ana")
    sign_up(ben, "ben")

    ana_session = practise_one(ana, "ana")
    assert reviewed_today(ana) == 1 and reviewed_today(ben) == 0
    # Ben asks for Ana's practice page with his cookie (a request, not a navigation: the
    # watcher counts a 404 page as a console error): not found, nothing of hers in it
    theirs = ben.request.get(ana_session)
    assert theirs.status == 404 and "Ana typed this" not in theirs.text()
    practise_one(ben, "ben")
    assert reviewed_today(ana) == 1 and reviewed_today(ben) == 1

    export = ben.request.get("/api/account/export").json()
    typed = {r.get("typed_answer") for r in export["progress"]["reviews"]}
    assert ANSWERS["ben"] in typed and ANSWERS["ana"] not in typed

    sign_out(ana)
    assert ben.request.get("/api/home").ok  # Ana's sign-out is hers alone
    sign_in(ana, "ana")
    assert reviewed_today(ana) == 1
    sign_out(ben)
    sign_in(ben, "ben")
    assert reviewed_today(ben) == 1


def test_admin_sees_the_group_and_only_shared_answers(
    open_page: PageFactory, accounts_url: str
) -> None:
    ana, _ = open_page(accounts_url)
    ben, _ = open_page(accounts_url)
    ada, _ = open_page(accounts_url)
    sign_up(ana, "ana")
    sign_up(ben, "ben")
    practise_one(ana, "ana")
    practise_one(ben, "ben")
    ben.goto("/account/data")
    found = run_axe(ben, "your data")
    ben.get_by_label("Let this server's admins read my typed answers").check()
    ben.get_by_role("button", name="Save").click()
    expect(ben.locator("#data-notice")).to_contain_text("Admins can now read")

    sign_in(ada, "ada")
    ada.locator("#banks-link").click()
    expect(ada.get_by_role("heading", name="The group, per topic")).to_be_visible()
    expect(ada.locator("#group-progress tbody tr").first).to_be_visible()
    expect(ada.locator("#shared-answers")).to_contain_text(ANSWERS["ben"])
    expect(ada.locator("main")).not_to_contain_text("Ana typed this")
    found += run_axe(ada, "admin banks")
    assert not found, "axe violations:\n" + "\n".join(found)
