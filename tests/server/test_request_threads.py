"""The server's thread pool is sized by the ``request_threads`` setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from anyio import to_thread
from fastapi.testclient import TestClient

from prepdeck.settings import Settings, SettingsError, load_settings
from prepdeck.web import create_app


def _pool_size() -> int:
    return int(to_thread.current_default_thread_limiter().total_tokens)


def test_the_app_runs_requests_on_as_many_threads_as_set(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'p.sqlite3'}", request_threads=3)
    with TestClient(create_app(settings)) as client:
        assert client.portal is not None
        assert client.portal.call(_pool_size) == 3
        assert client.get("/healthz").status_code == 200


def test_request_threads_comes_from_the_environment_and_is_checked() -> None:
    env = {"PREPDECK_REQUEST_THREADS": "6"}
    assert load_settings(env, path=Path("/nonexistent.toml")).request_threads == 6
    with pytest.raises(SettingsError, match="request_threads"):
        Settings(request_threads=0).check()
