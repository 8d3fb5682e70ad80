"""`prepdeck serve --workers 2` for real: one session continued across fresh connections.

Each request opens a new connection, so the two worker processes share the requests between
them; the session must go on whichever answers (nothing is kept in a worker's memory).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server.cluster import free_port

CSRF = "test-csrf-token-0123456789abcdef0123"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "PREPDECK_DATA_DIR": str(tmp_path),
        "PREPDECK_CONFIG": str(tmp_path / "none.toml"),
        "PREPDECK_DATABASE_URL": "",
    }
    command = [str(Path(sys.executable).with_name("prepdeck")), "serve", "--workers", "2"]
    command += ["--port", str(port), "--log-format", "json"]
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail("the server did not get ready: " + (tmp_path / "server.log").read_text())
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


def _post(base: str, path: str, body: dict[str, object]) -> httpx.Response:
    # a new connection each time: either worker may answer
    return httpx.post(
        base + path,
        json=body,
        headers={"x-csrf-token": CSRF, "connection": "close"},
        cookies={"prepdeck_csrf": CSRF},
        timeout=30,
    )


def test_a_session_goes_on_whichever_worker_answers(server: str, tmp_path: Path) -> None:
    step = _post(server, "/api/practice", {"limit": 12}).json()
    sid = step["session"]
    for position in range(1, 13):
        shown = httpx.get(f"{server}/api/practice/{sid}", headers={"connection": "close"})
        assert shown.json()["position"] == position
        item = shown.json()["card"]["item_pk"]
        rated = _post(server, f"/api/practice/{sid}/rate", {"item_pk": item, "rating": 3})
        assert rated.status_code == 200, rated.text
    assert httpx.get(f"{server}/api/practice/{sid}").json()["reviewed"] == 12
    log = (tmp_path / "server.log").read_text()
    assert log.count('"Application startup complete."') == 2  # two workers served
    assert '"path": "/api/practice/{sid}/rate"' in log and sid not in log
