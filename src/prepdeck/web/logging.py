"""Request logs: one record per request (method, route, status, duration, request id, user).

The path logged is the route's template (``/api/practice/{sid}/rate``) whenever a route matched,
so session ids, invitation tokens and the like never reach the logs, and neither does a query
string, a header, a cookie or a body. A request id comes from a well-formed ``X-Request-ID``
header (a proxy's) or is made here, and is sent back in ``X-Request-ID``.

``configure_logging("json")`` writes one JSON object a line (time, level, logger, message and
the request fields), for log collectors; ``"text"`` writes readable lines.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("prepdeck.access")
#: The request fields a record carries (``extra=``), in the order they are written.
FIELDS = ("method", "path", "status", "duration_ms", "request_id", "user_id")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
#: Polled by load balancers every few seconds: logged at DEBUG, not to drown the rest.
QUIET_PATHS = frozenset({"/healthz", "/readyz"})
#: Loggers that get our handler: ours and the server's own messages (start, stop, errors).
LOGGERS = ("prepdeck", "uvicorn", "uvicorn.error", "gunicorn.error")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request fields."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                data[name] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        if request_id is not None:
            user = getattr(record, "user_id", None)
            line += f" [request {request_id}" + ("" if user is None else f", user {user}") + "]"
        return line


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the ``sys.stderr`` of the moment (a captured or replaced stream included)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure_logging(log_format: str = "text", level: int = logging.INFO) -> None:
    """Send prepdeck's and the server's logs to stderr in ``log_format`` (text or json).

    Idempotent: calling it again replaces the handler it installed.
    """
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.set_name("prepdeck")
    for name in LOGGERS:
        logger = logging.getLogger(name)
        # the server's loggers lose their own handlers too, or each line would print twice
        for old in [h for h in logger.handlers if name != "prepdeck" or h.get_name() == "prepdeck"]:
            logger.removeHandler(old)
        logger.addHandler(handler)
        logger.setLevel(level)
        # prepdeck's records still reach the root logger's handlers (none unless someone adds
        # one, such as a test's log capture); the server's would print twice
        logger.propagate = name == "prepdeck"


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            text = str(value.decode("latin-1"))
            if _REQUEST_ID.match(text):
                return text
    return uuid.uuid4().hex[:16]


def _path(scope: Scope) -> str:
    route = scope.get("route")
    template = getattr(route, "path", None)
    if isinstance(template, str):
        return template
    return str(scope.get("path", ""))[:200]


class RequestLogMiddleware:
    """Logs every HTTP request when its response has been sent (or failed)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500  # what the client gets if the app fails before answering

        async def send_logged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            self._log(scope, state, status, started, request_id)

    @staticmethod
    def _log(
        scope: Scope, state: dict[str, Any], status: int, started: float, request_id: str
    ) -> None:
        path = _path(scope)
        level = logging.INFO
        if path in QUIET_PATHS:
            level = logging.DEBUG
        elif status >= 500:
            level = logging.WARNING if status == 503 else logging.ERROR
        if not log.isEnabledFor(level):
            return
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        method = scope.get("method", "")
        log.log(
            level,
            "%s %s %s %.1f ms",
            method,
            path,
            status,
            duration_ms,
            extra={
                "method": method,
                "path": path,
                "status": status,
                "duration_ms": duration_ms,
                "request_id": request_id,
                "user_id": state.get("user_id"),
            },
        )
