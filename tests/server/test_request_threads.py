"""The server's thread pool is sized by the ``request_threads`` setting, and the practice API
runs on it or on the event loop by the ``inline_api`` setting."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from anyio import to_thread
from fastapi import Request
from fastapi.testclient import TestClient

from prepdeck.settings import Settings, SettingsError, load_settings
from prepdeck.web import create_app
from prepdeck.web.deps import run_signed_in, signs_in_itself
from tests.web.conftest import csrf


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


def _work_thread(tmp_path: Path, inline_api: str) -> tuple[int, int]:
    """(thread the API's work ran on, thread of the event loop) for one practice request."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'p.sqlite3'}", inline_api=inline_api)
    app = create_app(settings)
    seen: dict[str, int] = {}

    @app.get("/api/test-thread")
    @signs_in_itself
    async def where(request: Request) -> dict[str, int]:
        seen["loop"] = threading.get_ident()
        seen["work"] = await run_signed_in(request, lambda _ctx: threading.get_ident())
        return seen

    with TestClient(app) as client:
        assert client.get("/api/test-thread").status_code == 200
        # and a practice step end to end: start, rate the card shown, the next one comes
        client.get("/")  # the CSRF cookie
        headers = csrf(client)
        first = client.post("/api/practice", json={"limit": 2}, headers=headers).json()
        rate = {"item_pk": first["card"]["item_pk"], "rating": 3}
        rated = client.post(f"/api/practice/{first['session']}/rate", json=rate, headers=headers)
        assert rated.json()["next"]["position"] == 2
    return seen["work"], seen["loop"]


def test_inline_api_runs_the_practice_steps_on_the_event_loop(tmp_path: Path) -> None:
    work, loop = _work_thread(tmp_path, "true")
    assert work == loop


@pytest.mark.parametrize("inline_api", ["false", "auto"])
def test_otherwise_they_run_on_the_thread_pool(tmp_path: Path, inline_api: str) -> None:
    work, loop = _work_thread(tmp_path, inline_api)
    assert work != loop


def test_inline_api_comes_from_the_environment_and_is_checked() -> None:
    env = {"PREPDECK_INLINE_API": "TRUE"}
    assert load_settings(env, path=Path("/nonexistent.toml")).inline_api == "true"
    with pytest.raises(SettingsError, match="inline_api must be auto, true or false"):
        Settings(inline_api="sometimes").check()
