"""Security headers on every response and CSRF protection (double-submit token) for changes.

The token lives in an HttpOnly, SameSite=Strict cookie; forms send it back in a hidden
``csrf_token`` field and HTMX in the ``X-CSRF-Token`` header (set once on ``<body>``).
A state-changing request whose token is missing or differs from the cookie gets 403.
Requests authenticated by ``Authorization: Bearer`` (accounts on) are exempt: a browser never
adds that header on its own, so there is no ambient credential for another site to ride on.
Cookies get ``Secure`` per the ``secure_cookies`` setting: auto (when the request came over
https, as uvicorn sees it behind a proxy with ``--proxy-headers``), true or false.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import Request

from prepdeck.web.errors import CsrfError

CSRF_COOKIE = "prepdeck_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
#: Pages that show bank text (and so may draw mermaid diagrams): mermaid's SVG carries a
#: ``<style>`` element and style attributes, which need inline styles. Scripts stay 'self';
#: the sanitiser lets no style attribute or tag through from the bank itself.
BANK_CONTENT_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _cookie_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            for part in bytes(value).decode("latin-1").split(";"):
                key, _, token = part.strip().partition("=")
                if key == CSRF_COOKIE and 20 <= len(token) <= 100 and token.isascii():
                    return str(token)
    return None


class SecurityMiddleware:
    """Adds the security headers and makes sure every client holds a CSRF cookie."""

    def __init__(self, app: ASGIApp, secure_cookies: str = "auto") -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _cookie_token(scope)
        fresh = token is None
        token = token or secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = token

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in HEADERS if k not in present]
                if fresh:
                    cookie = f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
                    if secure_cookie(self.secure_cookies, scope.get("scheme", "http")):
                        cookie += "; Secure"
                    headers.append((b"set-cookie", cookie.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def secure_cookie(mode: str, scheme: str) -> bool:
    """Whether a cookie gets ``Secure``: ``mode`` is the secure_cookies setting."""
    return mode == "true" or (mode == "auto" and scheme in ("https", "wss"))


async def csrf_protect(request: Request) -> None:
    """FastAPI dependency: reject a state-changing request without the matching token."""
    if request.method in SAFE_METHODS:
        return
    if getattr(request.state, "auth", None) == "bearer":  # set by web.deps.authenticate
        return
    cookie = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if not sent and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not cookie or not sent or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise CsrfError(
            "the form's security token is missing or out of date; reload the page and try again"
        )
