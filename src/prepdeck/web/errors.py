"""Errors the web layer raises, and how they reach the user: an HTML page or a JSON problem.

Nothing here shows a traceback: unexpected errors become a plain 500 page/problem. A database
out of reach (PostgreSQL stopped or restarting) is a 503 with ``Retry-After``: the server
itself is fine and reconnects by itself once the database is back.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from prepdeck.errors import PrepdeckError
from prepdeck.store.engine import DatabaseUnavailable, is_unavailable

log = logging.getLogger("prepdeck.web")
#: Seconds a client is told to wait before retrying while the database is out of reach.
RETRY_AFTER_S = 5
UNAVAILABLE_DETAIL = (
    "The database is not reachable right now (it may be restarting); try again in a few "
    "seconds. A rating sent with an Idempotency-Key can be sent again with the same key: "
    "it is saved once."
)


class WebError(PrepdeckError):
    """A request prepdeck cannot serve; ``status`` is the HTTP status to answer with."""

    status = 400
    title = "Bad request"


class NotFound(WebError):
    status = 404
    title = "Not found"


class Conflict(WebError):
    status = 409
    title = "Conflict"


class CsrfError(WebError):
    status = 403
    title = "Forbidden"


def wants_json(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def problem(request: Request, status: int, title: str, detail: str, **extra: Any) -> Response:
    """RFC 9457 problem JSON for API clients, a readable error page for browsers."""
    if wants_json(request):
        body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
        return JSONResponse(body, status_code=status, media_type="application/problem+json")
    templates = request.app.state.templates
    try:
        response: Response = templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "title": title, "detail": detail, "extra": extra},
            status_code=status,
        )
    except Exception:  # the error page itself failed: still no traceback for the user
        log.exception("error page failed")
        head = f"<!doctype html><title>{html.escape(title)}</title><h1>{html.escape(title)}</h1>"
        response = HTMLResponse(head + f"<p>{html.escape(detail)}</p>", status_code=status)
    return response


def invalid_input(request: Request, detail: str, problems: Mapping[str, str]) -> Response:
    """422 "Invalid input" naming each field at fault: ``problems`` maps field to message."""
    errors = [{"field": field, "message": message} for field, message in problems.items()]
    return problem(request, 422, "Invalid input", detail, errors=errors)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    return [
        {"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"), "message": e["msg"]}
        for e in exc.errors()
    ]


def unavailable(request: Request) -> Response:
    """503 with Retry-After: the database is out of reach for now."""
    response = problem(request, 503, "Service unavailable", UNAVAILABLE_DETAIL)
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a page or a problem."""

    @app.exception_handler(DatabaseUnavailable)
    async def _unavailable(request: Request, exc: DatabaseUnavailable) -> Response:
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        return unavailable(request)

    @app.exception_handler(WebError)
    async def _web_error(request: Request, exc: WebError) -> Response:
        return problem(request, exc.status, exc.title, exc.message)

    @app.exception_handler(PrepdeckError)
    async def _prepdeck_error(request: Request, exc: PrepdeckError) -> Response:
        return problem(request, 400, "Bad request", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = _validation_errors(exc)
        detail = "; ".join(f"{e['field'] or 'request'}: {e['message']}" for e in errors)
        return problem(request, 422, "Invalid input", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {404: "Not found", 405: "Method not allowed"}
        title = titles.get(exc.status_code, "Error")
        return problem(request, exc.status_code, title, str(exc.detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        if isinstance(exc, DBAPIError) and is_unavailable(exc):  # raised outside the store
            log.warning("database unavailable on %s %s", request.method, request.url.path)
            return unavailable(request)
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(
            request, 500, "Server error", "Something went wrong on our side; it has been logged."
        )
