"""Request dependencies and rendering helpers shared by the page modules."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from prepdeck.store.context import Context
from prepdeck.web.security import BANK_CONTENT_POLICY

#: Full pages that render bank markdown, where mermaid diagrams may be drawn.
BANK_CONTENT_PAGES = frozenset({"browse_topic.html", "practice.html"})


async def get_ctx(request: Request) -> Context:
    # async: a sync dependency would cost a thread-pool hop on every request
    ctx: Context = request.app.state.ctx
    return ctx


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def page(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render template ``name`` with the CSRF token and the current path available."""
    templates = request.app.state.templates
    values = {"csrf_token": request.state.csrf_token, **context}
    response: HTMLResponse = templates.TemplateResponse(
        request, name, values, status_code=status_code
    )
    if name in BANK_CONTENT_PAGES:
        response.headers["content-security-policy"] = BANK_CONTENT_POLICY
    return response
