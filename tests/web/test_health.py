"""/healthz answers while the process lives; /readyz only while the database and schema are ready."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from prepdeck.settings import Settings
from prepdeck.store.engine import head_revision


def test_healthz_is_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_names_the_schema_when_ready(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "schema": head_revision()}


def test_readyz_is_503_when_the_schema_is_behind(client: TestClient, settings: Settings) -> None:
    engine = create_engine(settings.resolved_database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    engine.dispose()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    body = response.json()
    assert body["status"] == "unavailable" and body["schema"] == "0003"
    assert "prepdeck db upgrade" in body["detail"]
    assert client.get("/healthz").status_code == 200  # alive all the same


def test_health_endpoints_need_no_cookie_and_stay_out_of_the_api_schema(
    client: TestClient,
) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/healthz" not in paths and "/readyz" not in paths
    fresh = TestClient(client.app)  # no cookie at all
    assert fresh.get("/readyz").status_code == 200
