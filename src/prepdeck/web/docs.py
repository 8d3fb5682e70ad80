"""``/docs``: the JSON API's OpenAPI schema in Swagger UI, shipped in the package.

FastAPI's own page loads Swagger UI from a CDN and starts it with an inline script, both of
which the Content-Security-Policy forbids; this one uses the copy under
``static/vendor/swagger-ui`` and a static init script. Swagger UI sets some styles inline, so
this page alone allows inline *styles*; scripts stay ``'self'`` only.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from prepdeck.web.deps import page
from prepdeck.web.security import CONTENT_SECURITY_POLICY

router = APIRouter()

DOCS_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
async def docs_page(request: Request) -> HTMLResponse:
    openapi_url = request.app.openapi_url or "/openapi.json"
    response = page(request, "docs.html", {"openapi_url": openapi_url})
    response.headers["content-security-policy"] = DOCS_POLICY
    return response
