"""Every page renders with its key elements; security headers are on every response."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from prepdeck.web.security import CSRF_COOKIE


def test_home_shows_today_and_readiness(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    for needle in ('id="due-today"', 'id="new-today"', 'id="streak"', "Readiness per topic"):
        assert needle in page.text
    assert 'action="/practice"' in page.text and "Statistics" in page.text


def test_security_headers_and_csrf_cookie(client: TestClient) -> None:
    page = client.get("/browse")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    fresh = TestClient(client.app).get("/")
    cookie = fresh.headers["set-cookie"]
    assert CSRF_COOKIE in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_pages_have_no_inline_scripts(client: TestClient) -> None:
    for url in ("/", "/practice", "/browse", "/search?q=bias", "/browse/Statistics"):
        text = client.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), url
        assert " onclick=" not in text and " onload=" not in text


def test_practice_start_page_has_labelled_filters(client: TestClient) -> None:
    page = client.get("/practice")
    assert page.status_code == 200
    assert '<label for="topic">' in page.text and '<select id="topic"' in page.text
    assert 'name="csrf_token"' in page.text


def test_browse_lists_topics_and_renders_items_with_state(client: TestClient) -> None:
    page = client.get("/browse")
    assert page.status_code == 200 and "/browse/Statistics" in page.text
    topic = client.get("/browse/Statistics")
    assert topic.status_code == 200
    assert 'class="tabbed-set"' in topic.text and ">Answer</label>" in topic.text
    assert 'class="state state-new"' in topic.text


def test_search_page_and_fragment(client: TestClient) -> None:
    page = client.get("/search")
    assert page.status_code == 200 and 'hx-get="/search"' in page.text
    full = client.get("/search", params={"q": "gradient"})
    assert "result" in full.text and "<html" in full.text
    fragment = client.get("/search", params={"q": "gradient"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'class="result"' in fragment.text
    nothing = client.get("/search", params={"q": "zzzqqqxxy"}, headers={"HX-Request": "true"})
    assert "Nothing matches" in nothing.text


def test_static_assets_are_shipped(client: TestClient) -> None:
    for path in (
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/katex/katex.min.js",
        "/static/vendor/katex/katex.min.css",
        "/static/vendor/katex/contrib/auto-render.min.js",
        "/static/vendor/katex/fonts/KaTeX_Main-Regular.woff2",
        "/static/pygments.css",
        "/static/app.css",
        "/static/practice.js",
    ):
        assert client.get(path).status_code == 200, path
