"""Mock interview pages and their /api/mock twins on a real store: state only in the store."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from fastapi.testclient import TestClient

from prepdeck.mock import MockInterviews, MockRequest
from prepdeck.scheduling import Scheduler
from prepdeck.settings import Settings
from prepdeck.store.context import open_store_context
from prepdeck.web import create_app
from tests.web.conftest import csrf

ANSWER = "Pairing removes between-subject variability; it is a one-sample t-test on differences."


def start(client: TestClient, **body: object) -> dict[str, Any]:
    response = client.post(
        "/api/mock", json={"questions": 3, "seed": 4, **body}, headers=csrf(client)
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def test_api_round_trip_hides_answers_until_the_report(client: TestClient) -> None:
    listing = client.get("/api/mock").json()
    assert listing["mocks"] == [] and "Statistics" in listing["topics"]
    assert [p["name"] for p in listing["presets"]] == ["data-scientist", "ml-engineer", "analyst"]

    step = start(client, preset="data scientist")
    mock_id = step["mock"]
    assert step["position"] == 1 and step["total"] == 3 and not step["done"]
    assert step["deadline"] <= step["mock_deadline"] and step["limit_s"] > 0
    assert "answer" not in step and "reference_answer" not in step
    # A reload is the same question with the same deadline (the clock started once).
    again = client.get(f"/api/mock/{mock_id}").json()
    assert again["deadline"] == step["deadline"] and again["item_pk"] == step["item_pk"]

    for position in (1, 2, 3):
        body = {"position": position, "answer": ANSWER if position == 1 else ""}
        step = client.post(f"/api/mock/{mock_id}/answer", json=body, headers=csrf(client)).json()
    assert step["done"] and step["answered"] == 3 and len(step["questions"]) == 3
    first = step["questions"][0]
    assert first["answer"] == ANSWER and first["reference_answer"] and first["scheduled"]
    assert step["questions"][1]["score"] == 0 and step["questions"][1]["key_points_missed"]
    assert step["trend"][-1]["current"] and step["to_read"]
    assert client.get(f"/api/mock/{mock_id}/report").json()["score"] == step["score"]
    stale = client.post(
        f"/api/mock/{mock_id}/answer", json={"position": 3, "answer": "x"}, headers=csrf(client)
    )
    assert stale.status_code == 409 and "is over" in stale.json()["detail"]
    assert client.get("/api/mock").json()["mocks"][0]["answered"] == 3


def test_bad_input_names_the_problem(client: TestClient) -> None:
    headers = csrf(client)
    topic = client.post("/api/mock", json={"topics": ["Astrology"]}, headers=headers)
    assert topic.status_code == 400 and "unknown topic 'Astrology'" in topic.json()["detail"]
    preset = client.post("/api/mock", json={"preset": "astronaut"}, headers=headers)
    assert preset.status_code == 400 and "unknown preset 'astronaut'" in preset.json()["detail"]
    length = client.post("/api/mock", json={"minutes": 0}, headers=headers)
    assert length.status_code == 422 and "minutes" in length.text
    assert client.get("/api/mock/999").status_code == 404
    assert client.get("/api/mock").json()["mocks"] == []
    # The form shows the error on the page, with nothing started.
    page = client.post("/mock", data={"topic": "Astrology", "csrf_token": headers["x-csrf-token"]})
    assert page.status_code == 400 and "unknown topic &#39;Astrology&#39;" in page.text
    assert 'id="mock-problem"' in page.text


def test_forms_need_the_csrf_token(client: TestClient) -> None:
    assert client.post("/mock", data={"questions": "2"}).status_code == 403
    assert client.post("/api/mock", json={"questions": 2}).status_code == 403
    mock_id = start(client)["mock"]
    assert client.post(f"/mock/{mock_id}/finish").status_code == 403
    assert client.post(f"/api/mock/{mock_id}/answer", json={"position": 1}).status_code == 403


def test_pages_from_start_to_report_and_download(client: TestClient) -> None:
    start_page = client.get("/mock")
    assert start_page.status_code == 200 and 'href="/mock" aria-current="page"' in start_page.text
    assert "No mock yet" in start_page.text
    token = csrf(client)["x-csrf-token"]
    form = {"questions": "2", "topic": ["Statistics", "Probability"], "csrf_token": token}
    started = client.post("/mock", data=form, follow_redirects=False)
    assert started.status_code == 303
    where = started.headers["location"]
    mock_id = int(where.rsplit("/", 1)[1])

    question = client.get(where)
    assert question.status_code == 200
    assert 'id="question-timer" role="timer"' in question.text
    assert re.search(r'data-deadline="\d{4}-\d\d-\d\dT[^"]+"', question.text)
    assert '<script src="/static/mock.js" defer></script>' in question.text
    assert "Reference answer" not in question.text
    assert "<script>" not in question.text  # no inline script: the CSP allows 'self' only

    answered = client.post(
        f"/mock/{mock_id}/answer",
        data={"position": "1", "answer": ANSWER, "csrf_token": token},
        follow_redirects=False,
    )
    assert answered.headers["location"] == f"/mock/{mock_id}"
    # A double click on the same question is harmless: back to the current question.
    twice = client.post(
        f"/mock/{mock_id}/answer", data={"position": "1", "answer": "x", "csrf_token": token}
    )
    assert twice.status_code == 200 and "question 2 of 2" in twice.text
    assert client.get(f"/mock/{mock_id}/report", follow_redirects=False).status_code == 303

    finished = client.post(f"/mock/{mock_id}/finish", data={"csrf_token": token})
    assert finished.status_code == 200 and finished.url.path == f"/mock/{mock_id}/report"
    assert 'id="mock-report"' in finished.text and "Download report" in finished.text
    assert "Not reached before the time was up." in finished.text
    assert client.get(f"/mock/{mock_id}", follow_redirects=False).status_code == 303

    download = client.get(f"/mock/{mock_id}/report.html")
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment; filename=")
    assert download.text.startswith("<!doctype html>") and "@media print" in download.text
    assert ANSWER in download.text and "<script" not in download.text
    history = client.get("/mock").text
    assert f'href="/mock/{mock_id}/report"' in history


def test_no_schedule_checkbox_keeps_reviews_out(client: TestClient, settings: Settings) -> None:
    token = csrf(client)["x-csrf-token"]
    form = {"questions": "1", "no_schedule": "true", "csrf_token": token}
    where = client.post("/mock", data=form, follow_redirects=False).headers["location"]
    mock_id = int(where.rsplit("/", 1)[1])
    client.get(where)
    client.post(
        f"/mock/{mock_id}/answer", data={"position": "1", "answer": ANSWER, "csrf_token": token}
    )
    report = client.get(f"/api/mock/{mock_id}/report").json()
    assert report["scheduled"] is False and report["questions"][0]["scheduled"] is False
    ctx = open_store_context(settings)
    try:
        assert list(ctx.store.review_log(ctx.user)) == []
    finally:
        ctx.close()


def test_another_users_mock_is_404_and_a_restart_keeps_mine(settings: Settings) -> None:
    ctx = open_store_context(settings)
    try:
        other = ctx.store.user_id("someone-else")
        theirs = MockInterviews(ctx.store, Scheduler(ctx.settings), ctx.settings, other)
        their_id = theirs.start(MockRequest(questions=2, seed=1)).mock_id
    finally:
        ctx.close()
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        client.get("/")
        token = csrf(client)
        for method, path in (
            ("GET", f"/mock/{their_id}"),
            ("GET", f"/mock/{their_id}/report"),
            ("GET", f"/mock/{their_id}/report.html"),
            ("GET", f"/api/mock/{their_id}"),
            ("GET", f"/api/mock/{their_id}/report"),
            ("POST", f"/api/mock/{their_id}/finish"),
        ):
            assert client.request(method, path, headers=token).status_code == 404, path
        answer = {"position": 1, "answer": "mine"}
        assert (
            client.post(f"/api/mock/{their_id}/answer", json=answer, headers=token).status_code
            == 404
        )
        assert client.get("/api/mock").json()["mocks"] == []
        mine = start(client)
    # A new app (a restart, or another worker) continues the same question on the same clock.
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        again = client.get(f"/api/mock/{mine['mock']}").json()
        assert again["position"] == 1 and again["deadline"] == mine["deadline"]


def test_with_accounts_each_user_sees_only_their_mocks(settings: Settings) -> None:
    accounts = replace(settings, accounts=True)
    ctx = open_store_context(accounts)
    try:
        tokens = {
            name: ctx.store.create_api_token(ctx.store.create_account(name, None), "test")
            for name in ("alice", "bob")
        }
    finally:
        ctx.close()
    with TestClient(create_app(accounts), raise_server_exceptions=False) as client:

        def as_user(name: str) -> dict[str, str]:
            return {"authorization": f"Bearer {tokens[name]}"}

        started = client.post(
            "/api/mock", json={"questions": 2, "seed": 1}, headers=as_user("alice")
        )
        assert started.status_code == 201, started.text
        mock_id = started.json()["mock"]
        assert client.get(f"/api/mock/{mock_id}", headers=as_user("alice")).status_code == 200
        for method, path, body in (
            ("GET", f"/api/mock/{mock_id}", None),
            ("GET", f"/api/mock/{mock_id}/report", None),
            ("POST", f"/api/mock/{mock_id}/answer", {"position": 1, "answer": "x"}),
            ("POST", f"/api/mock/{mock_id}/finish", None),
        ):
            response = client.request(method, path, json=body, headers=as_user("bob"))
            assert response.status_code == 404, (path, response.text)
        assert client.get("/api/mock", headers=as_user("bob")).json()["mocks"] == []
        assert client.get("/api/mock").status_code == 401  # nobody signed in
        mine = client.get("/api/mock", headers=as_user("alice")).json()["mocks"]
        assert [m["id"] for m in mine] == [mock_id] and mine[0]["answered"] == 0
