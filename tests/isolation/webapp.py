"""An accounts-on app on a fresh database, with helpers to act as an account."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from prepdeck.settings import Settings
from prepdeck.store import SqlStore
from prepdeck.web import create_app
from prepdeck.web.security import CSRF_COOKIE

PASSWORD = "a long enough password"


def accounts_app(url: str) -> Any:
    return create_app(Settings(database_url=url, fuzz=False, accounts=True))


def store_of(app: Any) -> SqlStore:
    store: SqlStore = app.state.ctx.store
    return store


def bearer(app: Any, user: int, label: str = "tests") -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    client.headers["authorization"] = f"Bearer {store_of(app).create_api_token(user, label)}"
    return client


def signed_in(app: Any, name: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    client.get("/sign-in")
    response = form(client, "/sign-in", name=name, password=password, next="/")
    assert response.status_code == 303, response.text
    return client


def form(client: TestClient, url: str, **fields: str) -> Any:
    data = {"csrf_token": client.cookies[CSRF_COOKIE], **fields}
    return client.post(url, data=data, follow_redirects=False)


def practise_one(client: TestClient, answer: str) -> int:
    """Start a session, check ``answer`` and rate Good; the item's pk."""
    started = client.post("/api/practice", json={"limit": 3}).json()
    sid, item_pk = started["session"], started["card"]["item_pk"]
    rated = client.post(
        f"/api/practice/{sid}/rate", json={"item_pk": item_pk, "rating": 3, "answer": answer}
    )
    assert rated.status_code == 200, rated.text
    return int(item_pk)
