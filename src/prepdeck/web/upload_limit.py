"""Refuse oversized uploads before they are parsed: the body is read up to the limit first.

Starlette would otherwise spool a multipart body of any size to disk before the route sees
it. For the upload routes this middleware reads the body itself (at most ``max_bytes`` plus
room for the multipart framing), answers 413 beyond that, and replays it to the app.
"""

from __future__ import annotations

from starlette.requests import Request

from prepdeck.web.errors import problem
from prepdeck.web.security import ASGIApp, Message, Receive, Scope, Send

#: Room for the multipart boundaries, headers and the CSRF field around the file.
FRAMING_BYTES = 64 * 1024
UPLOAD_PATHS = frozenset(
    {
        "/import",
        "/api/import",
        "/exchange/bank",
        "/api/exchange/bank",
        "/exchange/progress",
        "/api/exchange/progress",
    }
)


class UploadLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.limit = max_bytes + FRAMING_BYTES

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"the upload is over the {self.max_bytes / 1e6:.1f} MB limit"
        response = problem(Request(scope), 413, "Upload too large", detail)
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"] not in UPLOAD_PATHS
        ):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await self._refuse(scope, receive, send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
