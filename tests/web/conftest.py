"""A real SQLite store with the bundled bank, copied fresh for each test, and a client on it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from prepdeck.settings import Settings
from prepdeck.store.context import open_store_context
from prepdeck.web import create_app
from prepdeck.web.security import CSRF_COOKIE, CSRF_HEADER


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("webdb") / "template.sqlite3"
    open_store_context(Settings(database_url=f"sqlite:///{path}", fuzz=False)).close()
    return path


@pytest.fixture
def settings(tmp_path: Path, template_db: Path) -> Settings:
    path = tmp_path / "prepdeck.sqlite3"
    shutil.copy(template_db, path)
    return Settings(database_url=f"sqlite:///{path}", fuzz=False)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        test_client.get("/")  # receive the CSRF cookie
        yield test_client


def csrf(client: TestClient) -> dict[str, str]:
    """Headers a script sends with a state-changing request (double-submit token)."""
    token = client.cookies.get(CSRF_COOKIE)
    assert token
    return {CSRF_HEADER: token}


def htmx(client: TestClient) -> dict[str, str]:
    return {**csrf(client), "HX-Request": "true"}
