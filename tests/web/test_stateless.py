"""The app keeps no state between requests: any instance continues what another started.

Two app instances on one database stand for two server processes (or machines); closing an app
and opening a new one stands for a restart. Runs on SQLite and, when configured, PostgreSQL.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from prepdeck.scheduling import utcnow
from prepdeck.settings import Settings
from prepdeck.store import SqlStore
from prepdeck.web import create_app
from tests.store.conftest import pg_url  # noqa: F401 - a fixture, used by name
from tests.web.conftest import csrf

PAGE = """# Stateless

!!! Question ""
    === "Question"
        Which worker adds this bank?

    === "Answer"
        Any of them: the upload waits in the database.
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def db_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    if request.param == "sqlite":
        return settings
    url = str(request.getfixturevalue("pg_url"))
    return Settings(database_url=url, fuzz=False)


@contextmanager
def app_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        client.get("/")  # the CSRF cookie
        yield client


def _rate(client: TestClient, sid: str, item_pk: int, key: str | None = None) -> Any:
    headers = csrf(client) | ({"Idempotency-Key": key} if key else {})
    response = client.post(
        f"/api/practice/{sid}/rate", json={"item_pk": item_pk, "rating": 3}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def _reviews(settings: Settings) -> list[int]:
    store = SqlStore.open(settings.resolved_database_url)
    try:
        user = store.user_id(settings.user)
        return [r.review_id for r in store.review_log(user) if r.kind == "review"]
    finally:
        store.close()


def test_a_session_started_in_one_app_continues_in_another(db_settings: Settings) -> None:
    with app_client(db_settings) as one, app_client(db_settings) as two:
        step = one.post("/api/practice", json={"limit": 3}, headers=csrf(one)).json()
        sid, first = step["session"], step["card"]["item_pk"]
        assert two.get(f"/api/practice/{sid}").json()["card"]["item_pk"] == first
        checked = two.post(
            f"/api/practice/{sid}/check",
            json={"item_pk": first, "answer": "a typed answer"},
            headers=csrf(two),
        )
        assert checked.status_code == 200
        rated = _rate(one, sid, first)  # the grade saved by the other app goes with it
        assert rated["next"]["position"] == 2
        second = rated["next"]["card"]["item_pk"]
        assert second != first
        assert two.get(f"/api/practice/{sid}").json()["card"]["item_pk"] == second
        _rate(two, sid, second)
        third = one.get(f"/api/practice/{sid}").json()["card"]["item_pk"]
        done = _rate(one, sid, third)["next"]
        assert done["done"] is True and done["reviewed"] == 3
        assert two.get(f"/api/practice/{sid}").json()["reviewed"] == 3
    log = SqlStore.open(db_settings.resolved_database_url)
    try:
        records = [r for r in log.review_log(log.user_id(db_settings.user)) if r.kind == "review"]
    finally:
        log.close()
    assert len(records) == 3
    assert records[0].typed_answer == "a typed answer" and records[0].grade is not None


def test_a_session_survives_a_restart(db_settings: Settings) -> None:
    with app_client(db_settings) as before:
        step = before.post("/api/practice", json={}, headers=csrf(before)).json()
        sid = step["session"]
        rated = _rate(before, sid, step["card"]["item_pk"])
        shown = rated["next"]["card"]["item_pk"]
    with app_client(db_settings) as after:
        again = after.get(f"/api/practice/{sid}").json()
        assert again["card"]["item_pk"] == shown and again["position"] == 2
        undone = after.post(f"/api/practice/{sid}/undo", headers=csrf(after)).json()
        assert undone["undone"] is True
        assert undone["current"]["card"]["item_pk"] == step["card"]["item_pk"]
        assert undone["current"]["position"] == 1


def test_another_users_session_is_not_found(settings: Settings) -> None:
    with app_client(settings) as alice:
        sid = alice.post("/api/practice", json={}, headers=csrf(alice)).json()["session"]
    other = Settings(database_url=settings.database_url, user="bob", fuzz=False)
    with app_client(other) as bob:
        assert bob.get(f"/api/practice/{sid}").status_code == 404
        assert bob.get(f"/practice/{sid}").status_code == 404
        assert bob.post(f"/api/practice/{sid}/finish", headers=csrf(bob)).status_code == 404
        assert bob.post(f"/api/practice/{sid}/undo", headers=csrf(bob)).status_code == 404


def test_a_retried_rating_is_saved_once(db_settings: Settings) -> None:
    with app_client(db_settings) as one, app_client(db_settings) as two:
        step = one.post("/api/practice", json={}, headers=csrf(one)).json()
        sid, item = step["session"], step["card"]["item_pk"]
        first = _rate(one, sid, item, key="retry-key-0001")
        again = _rate(two, sid, item, key="retry-key-0001")  # the retry reaches another worker
        assert first["saved"]["replayed"] is False and again["saved"]["replayed"] is True
        assert again["saved"]["review_id"] == first["saved"]["review_id"]
        assert again["next"]["card"]["item_pk"] == first["next"]["card"]["item_pk"]
        plain = one.post(  # the same rating without a key: the card is no longer current
            f"/api/practice/{sid}/rate", json={"item_pk": item, "rating": 3}, headers=csrf(one)
        )
        assert plain.status_code == 409
    assert _reviews(db_settings) == [first["saved"]["review_id"]]


def test_a_bad_request_key_is_refused(client: TestClient) -> None:
    step = client.post("/api/practice", json={}, headers=csrf(client)).json()
    response = client.post(
        f"/api/practice/{step['session']}/rate",
        json={"item_pk": step["card"]["item_pk"], "rating": 3},
        headers=csrf(client) | {"Idempotency-Key": "no spaces allowed"},
    )
    assert response.status_code == 422


def test_an_upload_checked_by_one_app_is_added_by_another(
    settings: Settings, tmp_path: Path
) -> None:
    with app_client(settings) as one:
        files = {"file": ("stateless.md", io.BytesIO(PAGE.encode()), "text/markdown")}
        report = one.post("/api/import", files=files, headers=csrf(one)).json()
        token = report["token"]
        assert token
    with app_client(settings) as two:
        added = two.post(f"/api/import/{token}/add", headers=csrf(two))
        assert added.status_code == 200, added.text
        assert added.json()["added"] == 1
        assert two.post(f"/api/import/{token}/add", headers=csrf(two)).status_code == 404


def test_a_card_rated_again_waits_behind_the_others(client: TestClient) -> None:
    step = client.post("/api/practice", json={"limit": 3}, headers=csrf(client)).json()
    sid, first = step["session"], step["card"]["item_pk"]
    again = client.post(
        f"/api/practice/{sid}/rate", json={"item_pk": first, "rating": 1}, headers=csrf(client)
    ).json()
    assert again["next"]["card"]["item_pk"] != first
    assert again["next"]["position"] == 2 and again["next"]["total"] == 3


def test_prune_deletes_old_web_state_and_keeps_the_reviews(db_settings: Settings) -> None:
    with app_client(db_settings) as client:
        step = client.post("/api/practice", json={}, headers=csrf(client)).json()
        sid, item = step["session"], step["card"]["item_pk"]
        saved = _rate(client, sid, item, key="prune-key-0001")["saved"]
        upload = client.post(
            "/api/import", files={"file": ("prune.md", PAGE.encode())}, headers=csrf(client)
        )
        assert upload.status_code == 200, upload.text
    store = SqlStore.open(db_settings.resolved_database_url)
    try:
        user = store.user_id(db_settings.user)
        nothing = store.prune_web_state(utcnow() - timedelta(days=1))
        assert nothing == {"practice sessions": 0, "request keys": 0, "pending uploads": 0}
        assert store.practice_state(user, sid) is not None
        counts = store.prune_web_state(utcnow() + timedelta(seconds=1))
        assert counts == {"practice sessions": 1, "request keys": 1, "pending uploads": 1}
        assert store.practice_state(user, sid) is None
    finally:
        store.close()
    assert _reviews(db_settings) == [saved["review_id"]]


def test_db_prune_command(settings: Settings) -> None:
    from typer.testing import CliRunner

    from prepdeck.cli.app import app

    url = settings.resolved_database_url
    result = CliRunner().invoke(app, ["db", "prune", "--older-than", "7", "--database", url])
    assert result.exit_code == 0, result.output
    assert "deleted 0 practice sessions, 0 request keys, 0 pending uploads" in result.output
