"""Request logs: route templates (never ids or tokens), status, duration, request id, user."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from prepdeck.web.logging import LOGGERS, JsonFormatter, RequestLogMiddleware, configure_logging
from tests.web.conftest import client, csrf, settings, template_db  # noqa: F401 - fixtures


def _records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "prepdeck.access"]


def test_a_request_is_logged_with_its_route_and_request_id(
    client: TestClient,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    step = client.post("/api/practice", json={}, headers=csrf(client)).json()
    sid = step["session"]
    with caplog.at_level(logging.INFO, logger="prepdeck.access"):
        response = client.get(f"/api/practice/{sid}", headers={"X-Request-ID": "lb-1234.abc"})
    assert response.headers["x-request-id"] == "lb-1234.abc"
    (record,) = [r for r in _records(caplog) if r.path == "/api/practice/{sid}"]  # type: ignore[attr-defined]
    assert record.method == "GET" and record.status == 200  # type: ignore[attr-defined]
    assert record.request_id == "lb-1234.abc"  # type: ignore[attr-defined]
    assert record.duration_ms >= 0  # type: ignore[attr-defined]
    assert sid not in record.getMessage()


def test_the_user_set_by_authentication_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    async def whoami(request: Request) -> PlainTextResponse:
        request.state.user_id = 7  # what authentication does for a signed-in request
        return PlainTextResponse("seven")

    app = RequestLogMiddleware(Starlette(routes=[Route("/me", whoami)]))
    with caplog.at_level(logging.INFO, logger="prepdeck.access"):
        assert TestClient(app).get("/me").text == "seven"
    (record,) = [r for r in _records(caplog) if r.path == "/me"]  # type: ignore[attr-defined]
    assert record.user_id == 7  # type: ignore[attr-defined]


def test_a_malformed_request_id_is_replaced(
    client: TestClient,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="prepdeck.access"):
        response = client.get("/healthz", headers={"X-Request-ID": "bad id\nforged line"})
        client.get("/no/such/page?token=secret-value")
    made = response.headers["x-request-id"]
    assert made != "bad id\nforged line" and len(made) == 16
    assert not [r for r in _records(caplog) if r.path == "/healthz"]  # type: ignore[attr-defined]
    assert all("secret-value" not in r.getMessage() for r in caplog.records)
    missing = [r for r in _records(caplog) if r.status == 404]  # type: ignore[attr-defined]
    assert missing and missing[0].path == "/no/such/page"  # type: ignore[attr-defined]


def test_json_lines_carry_the_request_fields(capsys: pytest.CaptureFixture[str]) -> None:
    loggers = [logging.getLogger(name) for name in LOGGERS]
    saved = [(lg.handlers[:], lg.propagate, lg.level) for lg in loggers]
    configure_logging("json")
    try:
        logging.getLogger("prepdeck.access").info(
            "GET / 200", extra={"method": "GET", "path": "/", "status": 200, "request_id": "r1"}
        )
        line = capsys.readouterr().err.strip().splitlines()[-1]
    finally:
        for lg, (handlers, propagate, level) in zip(loggers, saved, strict=True):
            lg.handlers[:], lg.propagate = handlers, propagate
            lg.setLevel(level)
    data = json.loads(line)
    assert data["level"] == "info" and data["logger"] == "prepdeck.access"
    assert data["status"] == 200 and data["request_id"] == "r1" and data["path"] == "/"
    assert data["time"].endswith("+00:00") and "user_id" not in data


def test_the_json_formatter_keeps_exceptions_on_one_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed", (), exc_info=__import__("sys").exc_info()
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line and "ValueError: boom" in json.loads(line)["exception"]
