"""Accounts on the web (PREPDECK_ACCOUNTS=true), on SQLite and on the real PostgreSQL:
sign-up, sign-in, sign-out, passwords, admin, invitations, API tokens, rate limits, CSRF."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from prepdeck.accounts import secret_hash
from prepdeck.settings import Settings
from prepdeck.store import SqlStore
from prepdeck.store.tables import auth_sessions
from prepdeck.web import create_app
from prepdeck.web.deps import SESSION_COOKIE
from prepdeck.web.security import CSRF_COOKIE, CSRF_HEADER
from tests.store.conftest import pg_url  # noqa: F401  (a fixture)

Factory = Callable[..., TestClient]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, template_db: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    path = tmp_path / "prepdeck.sqlite3"
    shutil.copy(template_db, path)
    return f"sqlite:///{path}"


@pytest.fixture
def server(db_url: str) -> Iterator[Factory]:
    """``server(**settings)`` -> a client; more clients on one app with ``server.client()``."""
    apps: list[Any] = []
    clients: list[TestClient] = []

    def make(base_url: str = "http://testserver", **overrides: Any) -> TestClient:
        if not apps:
            settings = Settings(database_url=db_url, fuzz=False, accounts=True, **overrides)
            apps.append(create_app(settings))
        client = TestClient(apps[0], base_url=base_url, raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        client.get("/sign-in")  # receive the CSRF cookie
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def store_of(client: TestClient) -> SqlStore:
    store: SqlStore = client.app.state.ctx.store  # type: ignore[attr-defined]
    return store


def token_of(client: TestClient) -> str:
    token = client.cookies.get(CSRF_COOKIE)
    assert token
    return token


def form(client: TestClient, path: str, **fields: str) -> Any:
    data = {"csrf_token": token_of(client), **fields}
    return client.post(path, data=data, follow_redirects=False)


def sign_in(client: TestClient, name: str, password: str) -> Any:
    return form(client, "/sign-in", name=name, password=password, next="/")


def test_every_page_and_api_needs_a_user_except_the_public_ones(server: Factory) -> None:
    client = server()
    home = client.get("/stats?x=1", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] == "/sign-in?next=%2Fstats%3Fx%3D1"
    api = client.get("/api/home")
    assert api.status_code == 401 and api.headers["www-authenticate"].startswith("Bearer")
    assert api.json()["title"] == "Sign-in required"
    posted = client.post("/api/practice", json={}, headers={CSRF_HEADER: token_of(client)})
    assert posted.status_code == 401
    htmx = client.get("/search", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["hx-redirect"] == "/sign-in?next=%2Fsearch"
    for public in ("/sign-in", "/sign-up", "/docs", "/openapi.json", "/static/app.css"):
        assert client.get(public).status_code == 200, public
    page = client.get("/sign-in?next=/stats")
    assert 'name="csrf_token"' in page.text and 'value="/stats"' in page.text
    assert 'autocomplete="current-password"' in page.text


def test_sign_up_sign_out_and_sign_in_again(server: Factory) -> None:
    client = server()
    made = form(client, "/sign-up", name="Ada", password="correct horse", confirm="correct horse")
    assert made.status_code == 303 and made.headers["location"] == "/"
    cookie = next(c for c in made.headers.get_list("set-cookie") if SESSION_COOKIE in c)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    secret = client.cookies.get(SESSION_COOKIE)
    assert secret
    with store_of(client).engine.connect() as conn:
        kept = set(conn.execute(select(auth_sessions.c.token_hash)).scalars())
    assert kept == {secret_hash(secret)}  # the database holds only the hash
    home = client.get("/")
    assert home.status_code == 200 and 'id="account-link"' in home.text and ">ada<" in home.text
    assert client.get("/api/account").json()["name"] == "ada"
    out = form(client, "/sign-out")
    assert out.status_code == 303 and out.headers["location"] == "/sign-in"
    assert client.get("/api/home").status_code == 401
    assert store_of(client).session_user(secret) is None
    again = sign_in(client, "ADA", "correct horse")
    assert again.status_code == 303 and client.get("/api/home").status_code == 200


def test_sign_up_errors_name_the_field_and_create_nothing(server: Factory) -> None:
    client = server()
    store_of(client).create_account("ada", "correct horse")
    for fields, field in (
        ({"name": "ada", "password": "battery staple", "confirm": "battery staple"}, "name"),
        ({"name": "bob", "password": "short", "confirm": "short"}, "password"),
        ({"name": "bob", "password": "battery staple", "confirm": "battery"}, "confirm"),
        ({"name": "b o b", "password": "battery staple", "confirm": "battery staple"}, "name"),
    ):
        page = form(client, "/sign-up", **fields)
        assert page.status_code == 422 and f'id="{field}-error"' in page.text, fields
        assert 'aria-invalid="true"' in page.text
    assert [a.name for a in store_of(client).accounts()] == ["ada", "local"]
    assert client.cookies.get(SESSION_COOKIE) is None


def test_wrong_password_and_disabled_account(server: Factory) -> None:
    client = server()
    store = store_of(client)
    ada = store.create_account("ada", "correct horse")
    wrong = sign_in(client, "ada", "wrong horse")
    assert wrong.status_code == 401 and "name or the password is wrong" in wrong.text
    assert client.cookies.get(SESSION_COOKIE) is None
    unknown = sign_in(client, "nobody", "correct horse")
    assert unknown.status_code == 401 and "name or the password is wrong" in unknown.text
    assert sign_in(client, "ada", "correct horse").status_code == 303
    store.set_disabled(ada, True)
    assert client.get("/api/home").status_code == 401  # the running sign-in ended
    refused = sign_in(client, "ada", "correct horse")
    assert refused.status_code == 401 and "disabled" in refused.text


def test_sign_in_requires_the_csrf_token(server: Factory) -> None:
    client = server()
    store_of(client).create_account("ada", "correct horse")
    bare = client.post(
        "/sign-in", data={"name": "ada", "password": "correct horse"}, follow_redirects=False
    )
    assert bare.status_code == 403 and client.cookies.get(SESSION_COOKIE) is None
    assert sign_in(client, "ada", "correct horse").status_code == 303
    # Signed in by cookie, forms still need the token (a cookie is an ambient credential).
    assert client.post("/sign-out", follow_redirects=False).status_code == 403
    assert client.post("/api/practice", json={}).status_code == 403


def test_signing_in_replaces_the_csrf_cookie_and_goes_back_only_to_this_site(
    server: Factory,
) -> None:
    client = server()
    store_of(client).create_account("ada", "correct horse")
    before = token_of(client)
    sent = form(client, "/sign-in", name="ada", password="correct horse", next="//evil.example/")
    assert sent.status_code == 303 and sent.headers["location"] == "/"
    assert token_of(client) != before
    client.cookies.delete(SESSION_COOKIE)
    back = form(client, "/sign-in", name="ada", password="correct horse", next="/stats?x=1")
    assert back.headers["location"] == "/stats?x=1"


def test_secure_cookies_over_https(server: Factory) -> None:
    client = server(base_url="https://testserver")
    store_of(client).create_account("ada", "correct horse")
    signed = sign_in(client, "ada", "correct horse")
    cookies = signed.headers.get_list("set-cookie")
    assert cookies and all("Secure" in c for c in cookies)


def test_password_change_ends_other_sign_ins(server: Factory) -> None:
    laptop = server()
    phone = server()
    store_of(laptop).create_account("ada", "correct horse")
    sign_in(laptop, "ada", "correct horse")
    sign_in(phone, "ada", "correct horse")
    wrong = form(
        laptop,
        "/account/password",
        current_password="nope nope",
        password="battery staple",
        confirm="battery staple",
    )
    assert wrong.status_code == 422 and 'id="current_password-error"' in wrong.text
    changed = form(
        laptop,
        "/account/password",
        current_password="correct horse",
        password="battery staple",
        confirm="battery staple",
    )
    assert changed.status_code == 303 and changed.headers["location"] == "/account?saved=password"
    assert laptop.get("/api/home").status_code == 200
    assert phone.get("/api/home").status_code == 401
    assert sign_in(phone, "ada", "correct horse").status_code == 401
    assert sign_in(phone, "ada", "battery staple").status_code == 303


def test_admin_resets_a_password_and_disables_learners_only_admins_may(server: Factory) -> None:
    admin, bob = server(), server()
    store = store_of(admin)
    store.create_account("root", "correct horse", "admin")
    bob_id = store.create_account("bob", "battery staple")
    sign_in(admin, "root", "correct horse")
    sign_in(bob, "bob", "battery staple")
    assert bob.get("/admin/users").status_code == 403
    assert bob.get("/api/admin/users").status_code == 403
    listed = admin.get("/admin/users")
    assert listed.status_code == 200 and 'id="user-bob"' in listed.text
    assert {u["name"] for u in admin.get("/api/admin/users").json()} == {"root", "bob", "local"}
    short = form(admin, f"/admin/users/{bob_id}/password", password="short")
    assert short.status_code == 422 and "password: use at least 8" in short.text
    reset = form(admin, f"/admin/users/{bob_id}/password", password="new password 1")
    assert reset.status_code == 303 and reset.headers["location"] == "/admin/users?saved=password"
    assert bob.get("/api/home").status_code == 401
    assert sign_in(bob, "bob", "new password 1").status_code == 303
    assert form(admin, f"/admin/users/{bob_id}/disable").status_code == 303
    assert bob.get("/api/home").status_code == 401
    assert sign_in(bob, "bob", "new password 1").status_code == 401
    assert form(admin, f"/admin/users/{bob_id}/enable").status_code == 303
    assert sign_in(bob, "bob", "new password 1").status_code == 303
    root = store.account_by_name("root")
    assert root is not None
    myself = form(admin, f"/admin/users/{root.id}/disable")
    assert myself.status_code == 422 and "cannot disable your own account" in myself.text
    assert form(admin, "/admin/users/9999/enable").status_code == 404


def test_invitation_link_is_single_use_and_expires(server: Factory) -> None:
    admin = server(signup=False)
    guest = server()
    store = store_of(admin)
    store.create_account("root", "correct horse", "admin")
    assert guest.get("/sign-up").status_code == 403
    closed = form(
        guest, "/sign-up", name="eve", password="battery staple", confirm="battery staple"
    )
    assert closed.status_code == 403 and store.account_by_name("eve") is None
    sign_in(admin, "root", "correct horse")
    made = form(admin, "/admin/invitations", role="learner")
    assert made.status_code == 201 and 'id="invitation-link"' in made.text
    link = made.text.split('id="invitation-link" type="text" readonly value="')[1].split('"')[0]
    path = link.removeprefix("http://testserver")
    assert path.startswith("/invitations/")
    page = guest.get(path)
    assert page.status_code == 200 and "invited to join as a learner" in page.text
    taken = form(guest, path, name="root", password="battery staple", confirm="battery staple")
    assert taken.status_code == 422 and "is taken" in taken.text
    accepted = form(guest, path, name="bea", password="battery staple", confirm="battery staple")
    assert accepted.status_code == 303 and guest.get("/api/account").json()["name"] == "bea"
    assert guest.get(path).status_code == 404
    other = server()
    again = form(other, path, name="cid", password="battery staple", confirm="battery staple")
    assert again.status_code == 404 and store.account_by_name("cid") is None
    old = store.create_invitation("learner", timedelta(seconds=-1))
    assert other.get(f"/invitations/{old}").status_code == 404
    api = admin.post("/api/admin/invitations", json={"role": "admin"}, headers=_csrf(admin))
    assert api.status_code == 201 and "/invitations/" in api.json()["url"]


def _csrf(client: TestClient) -> dict[str, str]:
    return {CSRF_HEADER: token_of(client)}


def test_api_tokens_create_use_revoke(server: Factory) -> None:
    browser = server()
    store_of(browser).create_account("ada", "correct horse")
    sign_in(browser, "ada", "correct horse")
    made = form(browser, "/account/tokens", label="sync script")
    assert made.status_code == 201 and 'id="new-token-value"' in made.text
    token = made.text.split('id="new-token-value" type="text" readonly value="')[1].split('"')[0]
    assert token.startswith("pdk_")
    assert token not in browser.get("/account").text  # shown once
    script = server()
    script.cookies.clear()
    bearer = {"Authorization": f"Bearer {token}"}
    assert script.get("/api/home", headers=bearer).status_code == 200
    # No CSRF token needed: a bearer token is no ambient credential.
    started = script.post("/api/practice", json={}, headers=bearer)
    assert started.status_code == 201, started.text
    listed = script.get("/api/tokens", headers=bearer).json()
    assert [t["label"] for t in listed] == ["sync script"] and "token" not in listed[0]
    second = script.post("/api/tokens", json={"label": "ci"}, headers=bearer)
    assert second.status_code == 201 and second.json()["token"].startswith("pdk_")
    assert script.get("/api/home", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert script.get("/api/home", headers={"Authorization": f"Basic {token}"}).status_code == 401
    revoked = form(browser, f"/account/tokens/{listed[0]['id']}/revoke")
    assert revoked.status_code == 303
    assert script.get("/api/home", headers=bearer).status_code == 401
    assert form(browser, f"/account/tokens/{listed[0]['id']}/revoke").status_code == 404
    gone = script.delete(
        f"/api/tokens/{second.json()['id']}",
        headers={"Authorization": f"Bearer {second.json()['token']}"},
    )
    assert gone.status_code == 204


def test_practice_api_checks_the_token_in_its_own_hop(
    server: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    """The practice API looks the token up in the thread its work runs in (deps.signs_in_itself):
    an unknown, revoked or disabled one is still a 401 that saves nothing, a good one is
    logged with its user, and a cookie request still needs its CSRF token."""
    client = server()
    store = store_of(client)
    ada = store.create_account("ada", "correct horse")
    token = store.create_api_token(ada, "script")
    bearer = {"Authorization": f"Bearer {token}"}
    client.cookies.clear()
    started = client.post("/api/practice", json={"limit": 5}, headers=bearer)
    assert started.status_code == 201, started.text
    sid, item_pk = started.json()["session"], started.json()["card"]["item_pk"]
    rate = f"/api/practice/{sid}/rate"
    body = {"item_pk": item_pk, "rating": 3}
    for bad in ("Bearer nope", f"Basic {token}", "Bearer "):
        refused = client.post(rate, json=body, headers={"Authorization": bad})
        assert refused.status_code == 401, bad
        assert "token" in refused.json()["detail"]
    assert (
        client.get(f"/api/practice/{sid}", headers={"Authorization": "Bearer x"}).status_code == 401
    )
    assert list(store.review_log(ada)) == []
    store.set_disabled(ada, True)
    assert client.post(rate, json=body, headers=bearer).status_code == 401
    assert list(store.review_log(ada)) == []
    store.set_disabled(ada, False)
    with caplog.at_level(logging.INFO, logger="prepdeck.access"):
        rated = client.post(rate, json=body, headers=bearer)
    assert rated.status_code == 200 and rated.json()["saved"]["item_pk"] == item_pk
    (logged,) = [r for r in caplog.records if getattr(r, "path", "").endswith("/rate")]
    assert logged.user_id == ada  # type: ignore[attr-defined]
    assert len(list(store.review_log(ada))) == 1
    store.revoke_api_token(ada, store.api_tokens(ada)[0].id)
    assert client.get(f"/api/practice/{sid}", headers=bearer).status_code == 401
    # signed in by cookie instead: the same routes, and CSRF applies
    sign_in(client, "ada", "correct horse")
    assert client.post(f"/api/practice/{sid}/finish").status_code == 403
    assert client.post(f"/api/practice/{sid}/finish", headers=_csrf(client)).status_code == 200


def test_tokens_are_per_user(server: Factory) -> None:
    ada, bob = server(), server()
    store = store_of(ada)
    store.create_account("ada", "correct horse")
    store.create_account("bob", "battery staple")
    sign_in(ada, "ada", "correct horse")
    sign_in(bob, "bob", "battery staple")
    made = ada.post("/api/tokens", json={"label": "mine"}, headers=_csrf(ada)).json()
    assert bob.get("/api/tokens").json() == []
    assert bob.delete(f"/api/tokens/{made['id']}", headers=_csrf(bob)).status_code == 404
    assert ada.get("/api/tokens").json()[0]["id"] == made["id"]
    ada.put("/api/settings", json={"new_per_day": 3}, headers=_csrf(ada))
    assert ada.get("/api/settings").json()["new_per_day"] == 3
    assert bob.get("/api/settings").json()["new_per_day"] == 20


def test_sign_in_rate_limit_answers_429_with_retry_after(server: Factory) -> None:
    client = server(sign_in_failures_per_account=3, sign_in_failures_per_address=50)
    store_of(client).create_account("ada", "correct horse")
    for _ in range(3):
        assert sign_in(client, "ada", "wrong horse").status_code == 401
    blocked = sign_in(client, "ada", "correct horse")
    assert blocked.status_code == 429 and 0 < int(blocked.headers["retry-after"]) <= 900
    assert "too many failed sign-in attempts" in blocked.text
    assert client.cookies.get(SESSION_COOKIE) is None
    other = server()  # another worker, another browser: the count is in the database
    api = other.post(
        "/api/sign-in", json={"name": "ada", "password": "correct horse"}, headers=_csrf(other)
    )
    assert api.status_code == 429 and "retry-after" in api.headers


def test_api_sign_in_sets_the_session(server: Factory) -> None:
    client = server()
    store_of(client).create_account("ada", "correct horse")
    wrong = client.post(
        "/api/sign-in", json={"name": "ada", "password": "nope"}, headers=_csrf(client)
    )
    assert wrong.status_code == 401
    right = client.post(
        "/api/sign-in", json={"name": "ada", "password": "correct horse"}, headers=_csrf(client)
    )
    assert right.status_code == 200 and right.json() == {"name": "ada", "role": "learner"}
    assert client.get("/api/home").status_code == 200


def test_single_user_mode_has_no_sign_in(client: TestClient) -> None:
    assert client.get("/").status_code == 200
    assert client.get("/account").status_code == 404
    assert client.get("/api/admin/users").status_code == 404
    assert client.get("/sign-up").status_code == 403
    assert "runs for one person" in client.get("/sign-in").text
    assert "Sign out" not in client.get("/").text
