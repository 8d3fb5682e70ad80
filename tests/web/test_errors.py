"""CSRF rejection and bad input: readable pages and JSON problems, never tracebacks."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import csrf


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text and 'File "' not in text


def _session(client: TestClient) -> tuple[str, int]:
    step = client.post("/api/practice", json={}, headers=csrf(client)).json()
    return step["session"], step["card"]["item_pk"]


def test_csrf_rejected_without_token(client: TestClient) -> None:
    assert client.post("/api/practice", json={}).status_code == 403
    wrong = client.post("/api/practice", json={}, headers={"X-CSRF-Token": "x" * 40})
    assert wrong.status_code == 403
    assert wrong.headers["content-type"].startswith("application/problem+json")
    page = client.post("/practice", data={"csrf_token": "nope"})
    assert page.status_code == 403 and "security token" in page.text
    _no_traceback(page.text)


def test_csrf_rejected_without_cookie(client: TestClient) -> None:
    token = csrf(client)["x-csrf-token"]
    client.cookies.clear()
    assert client.post("/practice", data={"csrf_token": token}).status_code == 403


@pytest.mark.parametrize(
    ("url", "status"),
    [("/nope", 404), ("/api/nope", 404), ("/browse/No such topic", 404), ("/practice/nosuch", 404)],
)
def test_unknown_things_are_readable(client: TestClient, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status
    _no_traceback(response.text)
    if url.startswith("/api/"):
        assert response.json()["status"] == status
    else:
        assert "<h1>" in response.text and "Back to the start page" in response.text


def test_unknown_item_and_bad_rating(client: TestClient) -> None:
    sid, pk = _session(client)
    stale = client.post(
        f"/api/practice/{sid}/rate", json={"item_pk": pk + 9999, "rating": 3}, headers=csrf(client)
    )
    assert stale.status_code == 409 and "not the current card" in stale.json()["detail"]
    bad = client.post(
        f"/api/practice/{sid}/rate", json={"item_pk": pk, "rating": 7}, headers=csrf(client)
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "rating"
    page = client.post(
        f"/practice/{sid}/rate", data={"item_pk": pk, "rating": "nine"}, headers=csrf(client)
    )
    assert page.status_code == 422 and "Invalid input" in page.text
    _no_traceback(page.text)
    missing = client.get(f"/api/practice/{sid}/reveal", params={"item_pk": "abc"})
    assert missing.status_code == 422


def test_malformed_bodies(client: TestClient) -> None:
    sid, _ = _session(client)
    broken = client.post(
        f"/api/practice/{sid}/check",
        content=b"{not json",
        headers={**csrf(client), "content-type": "application/json"},
    )
    assert broken.status_code == 422
    _no_traceback(broken.text)
    form = client.post(f"/practice/{sid}/check", data={"answer": "no item"}, headers=csrf(client))
    assert form.status_code == 422
    _no_traceback(form.text)
    level = client.get("/api/search", params={"difficulty": "impossible"})
    assert level.status_code == 422
