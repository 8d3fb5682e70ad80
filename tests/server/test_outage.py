"""PostgreSQL stops under a running app: clear 503s meanwhile, recovery by itself, nothing doubled.

The database is a throwaway cluster of the test's own (never the shared server), stopped and
started again while one app instance keeps running.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from prepdeck.settings import Settings
from prepdeck.store import SqlStore
from prepdeck.web import create_app
from tests.server.cluster import Cluster
from tests.web.conftest import csrf


@pytest.fixture(params=["false", "true"], ids=["thread pool", "inline API"])
def client(cluster: Cluster, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    settings = Settings(database_url=cluster.url, fuzz=False, inline_api=request.param)
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        test_client.get("/")
        yield test_client


def _rate(client: TestClient, sid: str, item_pk: int, key: str) -> object:
    return client.post(
        f"/api/practice/{sid}/rate",
        json={"item_pk": item_pk, "rating": 3},
        headers=csrf(client) | {"Idempotency-Key": key},
    )


def test_an_outage_is_503_and_the_app_recovers_by_itself(
    client: TestClient, cluster: Cluster
) -> None:
    step = client.post("/api/practice", json={}, headers=csrf(client)).json()
    sid, item = step["session"], step["card"]["item_pk"]

    cluster.stop()
    down = client.get(f"/api/practice/{sid}")
    assert down.status_code == 503 and down.headers["retry-after"] == "5"
    assert down.headers["content-type"].startswith("application/problem+json")
    assert "not reachable" in down.json()["detail"]
    page = client.get(f"/practice/{sid}", headers={"accept": "text/html"})
    assert page.status_code == 503 and "not reachable" in page.text
    assert "Traceback" not in page.text and "psycopg" not in page.text
    rated = _rate(client, sid, item, "outage-key-0001")
    assert rated.status_code == 503  # type: ignore[attr-defined]
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["database"] == "unreachable"

    cluster.start()  # the same app, not restarted
    assert client.get("/readyz").status_code == 200
    assert client.get(f"/api/practice/{sid}").json()["card"]["item_pk"] == item
    first = _rate(client, sid, item, "outage-key-0001")  # the retry of the failed rating
    again = _rate(client, sid, item, "outage-key-0001")  # and a duplicate of the retry
    assert first.status_code == again.status_code == 200  # type: ignore[attr-defined]
    saved = first.json()["saved"]  # type: ignore[attr-defined]
    assert again.json()["saved"]["review_id"] == saved["review_id"]  # type: ignore[attr-defined]

    store = SqlStore.open(cluster.url)
    try:
        log = [r for r in store.review_log(store.user_id("local")) if r.kind == "review"]
    finally:
        store.close()
    assert [r.review_id for r in log] == [saved["review_id"]]


def test_a_restart_under_the_app_needs_no_restart_of_the_app(
    client: TestClient, cluster: Cluster
) -> None:
    step = client.post("/api/practice", json={}, headers=csrf(client)).json()
    cluster.restart()  # every pooled connection is now dead
    for _ in range(3):  # the checkout check replaces them: no request fails
        response = client.get(f"/api/practice/{step['session']}")
        assert response.status_code == 200, response.text
