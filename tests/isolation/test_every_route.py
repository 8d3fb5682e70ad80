"""Isolation (issue 9, point 3), on the real PostgreSQL: signed in as learner B, by cookie and
by API token, every route of the app is tried against learner A's objects (practice session,
reviewed card, mock, settings, API token, pending import, account) and answers 403/404, or B's
own data: never A's content. Afterwards A's objects are as A left them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from prepdeck.settings import Settings
from prepdeck.store import SqlStore
from prepdeck.web import create_app
from prepdeck.web.deps import is_public
from prepdeck.web.security import CSRF_COOKIE, CSRF_HEADER
from tests.isolation.routes import Probe, fill, probes
from tests.isolation.webapp import signed_in
from tests.store.conftest import pg_url  # noqa: F401  (a fixture)

A_NAME, B_NAME = "anna-x7q", "bert-k2w"
A_PASSWORD, B_PASSWORD = "anna's long password", "bert's long password"
A_ANSWER = "annas-typed-answer-4f1c about bias and variance"
A_MOCK_ANSWER = "annas-mock-answer-9d2e replay buffers decorrelate"
A_LABEL = "annas-token-label-77"
A_DATE = "2031-07-19"
A_IMPORT = b'# Private\n\n!!! Question ""\n    === "Question"\n        Annas private import question zq?\n\n    === "Answer"\n        Annas private import answer.\n'
#: Parameters that name one of A's objects: B must get 403 or 404.
OBJECT_PARAMS = ("sid", "mock_id", "token", "token_id", "user_id", "secret")


@pytest.fixture
def app_on_pg(pg_url: str) -> Iterator[Any]:  # noqa: F811
    settings = Settings(
        database_url=pg_url,
        fuzz=False,
        accounts=True,
        # B's probes send wrong passwords on purpose; no pause may hide a route's answer
        sign_in_failures_per_account=100_000,
        sign_in_failures_per_address=100_000,
    )
    app = create_app(settings)
    yield app
    app.state.ctx.close()


def _bearer(app: Any, token: str) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    client.headers["authorization"] = f"Bearer {token}"
    return client


def _a_objects(app: Any, store: SqlStore) -> dict[str, Any]:
    """A practises, checks and rates with a typed answer, answers a mock, saves settings,
    uploads a bank and keeps an API token; the ids of all of it."""
    a = store.create_account(A_NAME, A_PASSWORD)
    token = store.create_api_token(a, A_LABEL)
    client = _bearer(app, token)
    started = client.post("/api/practice", json={"limit": 5}).json()
    sid, item_pk = started["session"], started["card"]["item_pk"]
    assert (
        client.post(
            f"/api/practice/{sid}/check", json={"item_pk": item_pk, "answer": A_ANSWER}
        ).status_code
        == 200
    )
    rated = client.post(
        f"/api/practice/{sid}/rate", json={"item_pk": item_pk, "rating": 3, "answer": A_ANSWER}
    )
    assert rated.status_code == 200, rated.text
    mock = client.post("/api/mock", json={"questions": 2}).json()
    answered = client.post(
        f"/api/mock/{mock['mock']}/answer", json={"position": 1, "answer": A_MOCK_ANSWER}
    )
    assert answered.status_code == 200, answered.text
    assert client.put("/api/settings", json={"interview_date": A_DATE}).status_code == 200
    upload = client.post("/api/import", files={"file": ("annas-private.md", A_IMPORT)}).json()
    assert upload["ok"], upload
    assert client.post(f"/api/leeches/{item_pk}/suspend").status_code == 200
    token_id = client.get("/api/tokens").json()[0]["id"]
    return {
        "user": a,
        "api_token": token,
        "sid": sid,
        "item_pk": item_pk,
        "mock_id": mock["mock"],
        "token": upload["token"],
        "token_id": token_id,
        "client": client,
    }


def _secrets(a: dict[str, Any]) -> list[str]:
    return [
        A_NAME,
        A_ANSWER,
        A_MOCK_ANSWER,
        A_LABEL,
        A_DATE,
        "Annas private import",
        "annas-private",
        a["api_token"],
        a["sid"],
        a["token"],
    ]


def _values(b_name: str, a: dict[str, Any]) -> dict[str, Any]:
    """A plausible value for every body field the app's routes take, by field name."""
    return {
        "item_pk": a["item_pk"],
        "answer": "bert probes",
        "rating": 3,
        "request_key": uuid.uuid4().hex,
        "position": 1,
        "topic": "",
        "difficulty": None,
        "limit": 1,
        "cram": False,
        "minutes": 10,
        "questions": 1,
        "preset": "",
        "no_schedule": True,
        "topics": [],
        "difficulties": [],
        "seed": 1,
        "schedule": False,
        "options": ["x1", "x2"],
        "chosen": "x1",
        "shown_at": None,
        "version": 0,
        "duration_ms": 1000,
        "n": 1,
        "name": b_name,
        "password": "not bert's password",
        "target": "/",
        "confirm": "not bert's password",
        "current_password": "not bert's password",
        "new_password": "another long password",
        "label": "bert's probe token",
        "role": "learner",
        "disabled": True,
        "bank": "bundled",
        "published": True,
        "path": "/nonexistent/bank",
        "share_answers": False,
        "desired_retention": None,
        "new_per_day": None,
        "reviews_per_day": None,
        "interview_date": None,
        "schedule_toward_date": False,
        "theme": "system",
        "file": None,
        "strict": False,
    }


def _send(client: TestClient, probe: Probe, path: str, values: dict[str, Any]) -> Any:
    # an optional field without a value is left out; a required one must be added here
    unknown = [f for f in probe.required + probe.query if f not in values]
    assert not unknown, f"{probe.method} {probe.template}: add test values for {unknown}"
    csrf = client.cookies.get(CSRF_COOKIE)
    headers = {CSRF_HEADER: csrf} if csrf else {}
    body = {f: values[f] for f in probe.fields if values.get(f) is not None}
    query = {q: values[q] for q in probe.query}
    if probe.json_body:
        return client.request(
            probe.method, path, json=body, params=query, headers=headers, follow_redirects=False
        )
    form = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in body.items()}
    if probe.fields and csrf:
        form["csrf_token"] = csrf
    return client.request(
        probe.method, path, data=form or None, params=query, headers=headers, follow_redirects=False
    )


def _try_every_route(app: Any, b: TestClient, a: dict[str, Any], how: str) -> dict[int, int]:
    """Every route once as B; how many answers of each status (B stays signed in)."""
    secrets = _secrets(a)
    statuses: dict[int, int] = {}
    for probe in probes(app):
        if probe.template == "/openapi.json":
            continue
        params = {
            "sid": a["sid"],
            "mock_id": a["mock_id"],
            "token": a["token"],
            "token_id": a["token_id"],
            "user_id": a["user"],
            "secret": "pdk_not-an-invitation-0000000000",
            "item_pk": a["item_pk"],
            "topic": "Statistics",
        }
        path = fill(probe.template, {k: v for k, v in params.items() if k in probe.path_params})
        response = _send(b, probe, path, _values(B_NAME, a))
        what = f"{how}: {probe.method} {path} -> {response.status_code}"
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if not is_public(probe.template):  # a wrong password at /sign-in is a 401, rightly
            assert response.status_code != 401, what + " (B was signed out: proves nothing)"
        assert response.status_code < 500, what
        if any(p in OBJECT_PARAMS for p in probe.path_params):
            assert response.status_code in (403, 404), what + " " + response.text[:300]
        elif probe.template.startswith(("/admin", "/api/admin")):
            assert response.status_code == 403, what
        for secret in secrets:
            assert secret not in response.text, f"{what} shows A's {secret!r}"
        if probe.template in ("/sign-out",) and how == "cookie":
            b.cookies.clear()
            b = _signed_in_again(app, b)
    return statuses


def _signed_in_again(app: Any, client: TestClient) -> TestClient:
    fresh = signed_in(app, B_NAME, B_PASSWORD)
    client.cookies.update(fresh.cookies)
    return client


def _as_a_left_it(a: dict[str, Any], store: SqlStore) -> None:
    client: TestClient = a["client"]
    step = client.get(f"/api/practice/{a['sid']}")
    assert step.status_code == 200 and step.json()["position"] == 2, step.text
    mock = client.get(f"/api/mock/{a['mock_id']}").json()
    assert mock["position"] == 2 and not mock["done"], mock
    report_answers = [
        q.answer for q in store.mock(a["user"], a["mock_id"]).questions if q.answer is not None
    ]
    assert report_answers == [A_MOCK_ANSWER]
    assert client.get("/api/settings").json()["interview_date"] == A_DATE
    assert [t["label"] for t in client.get("/api/tokens").json()] == [A_LABEL]
    assert store.pending_import(a["user"], a["token"], __import__("datetime").timedelta(hours=1))
    (card,) = store.find_cards(a["user"], store.card(a["user"], a["item_pk"]).item.id)
    assert card.suspended and card.view.state.reps == 1
    assert store.account(a["user"]) is not None


def test_learner_b_never_reaches_learner_a(app_on_pg: Any) -> None:
    app = app_on_pg
    store: SqlStore = app.state.ctx.store
    with TestClient(app, raise_server_exceptions=False):
        a = _a_objects(app, store)
        b_id = store.create_account(B_NAME, B_PASSWORD)
        b_cookie = signed_in(app, B_NAME, B_PASSWORD)
        b_bearer = _bearer(app, store.create_api_token(b_id, "bert's script"))
        # B's own pages show B's own (empty) data
        assert b_bearer.get("/api/home").json()["reviewed_today"] == 0
        # A's rating and A's mock answer (the mock schedules its answers)
        assert a["client"].get("/api/home").json()["reviewed_today"] == 2
        assert b_bearer.get("/api/mock").status_code == 200
        for client, how in ((b_cookie, "cookie"), (b_bearer, "bearer")):
            statuses = _try_every_route(app, client, a, how)
            print(how, sorted(statuses.items()))
            assert sum(statuses.values()) > 100
            # most routes answered B with B's own data: the probes reached the handlers
            assert sum(n for s, n in statuses.items() if s < 300) > 40, statuses
        _as_a_left_it(a, store)
