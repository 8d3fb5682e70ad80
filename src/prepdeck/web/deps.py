"""Request dependencies and rendering helpers shared by the page modules.

Who is asking: with accounts off (the single-user default) every request is the configured
user, on the app's one :class:`Context`, exactly as before accounts existed. With accounts on
(``PREPDECK_ACCOUNTS=true``), :func:`authenticate` (an app-wide dependency) resolves the user
from ``Authorization: Bearer <token>`` or the session cookie and builds that user's Context
(their settings laid over the configured ones, their scheduler) for the request. Route code
never changes: it asks for ``Depends(get_ctx)`` and reads ``ctx.user``; the user's id is also
``request.state.user_id`` and their :class:`~prepdeck.accounts.Account` ``request.state.account``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import orjson
from fastapi import Path, Request
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from prepdeck.accounts import Account
from prepdeck.scheduling import Scheduler
from prepdeck.settings import Settings, with_user_settings
from prepdeck.store.context import Context
from prepdeck.store.sql_store import SqlStore
from prepdeck.web.errors import NotFound
from prepdeck.web.security import BANK_CONTENT_POLICY

#: Full pages that render bank markdown, where mermaid diagrams may be drawn.
BANK_CONTENT_PAGES = frozenset({"browse_topic.html", "practice.html"})
SESSION_COOKIE = "prepdeck_session"
#: Reachable without signing in when accounts are on (everything else needs a user).
PUBLIC_PATHS = frozenset(
    {
        "/sign-in",
        "/api/sign-in",
        "/sign-up",
        "/sign-out",
        "/healthz",
        "/readyz",
        "/docs",
        "/openapi.json",
    }
)
PUBLIC_PREFIXES = ("/static/", "/invitations/")
#: Marks a route that signs a bearer request in inside its own thread-pool hop (see
#: :func:`signs_in_itself`).
_SIGNS_IN_ITSELF = "_prepdeck_signs_in_itself"
T = TypeVar("T")
BAD_TOKEN = "the API token is unknown or revoked, or its account is disabled"
#: Row ids fit a 32-bit integer; a larger number is refused before it reaches the database.
MAX_ROW_ID = 2**31 - 1
#: A row id in a route's path (a token, an account), refused with 422 when out of range.
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


class SignInRequired(Exception):
    """No valid credentials: pages redirect to /sign-in, the API answers 401."""

    def __init__(self, detail: str = "sign in first, or send 'Authorization: Bearer <token>'"):
        super().__init__(detail)
        self.detail = detail


class AdminRequired(Exception):
    """A signed-in learner asked for an admin page (403)."""


def base_settings(request: Request) -> Settings:
    """The configured settings (defaults, config file, ``PREPDECK_*``), no user's values."""
    settings: Settings | None = getattr(request.app.state, "settings", None)
    return settings or request.app.state.ctx.settings


def app_store(request: Request) -> SqlStore:
    """The app's store (every user's data): for the account and admin pages."""
    store: SqlStore = request.app.state.ctx.store
    return store


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


async def authenticate(request: Request) -> None:
    """App-wide dependency: who is asking (see the module docstring). Runs before CSRF."""
    settings = base_settings(request)
    if not settings.accounts:
        request.state.user_id = request.app.state.ctx.user
        return
    header = request.headers.get("authorization")
    if header is not None and getattr(request.scope.get("endpoint"), _SIGNS_IN_ITSELF, False):
        request.state.auth = "bearer"  # CSRF exempts it; the token is checked by the route
        request.state.bearer = header
        return
    cookie = request.cookies.get(SESSION_COOKIE)
    found = await run_in_threadpool(_resolve, request.app.state.ctx, settings, header, cookie)
    if found is None:
        if header is not None:  # a bad token is an error even on public pages
            raise SignInRequired(BAD_TOKEN)
        if not is_public(request.url.path):
            raise SignInRequired()
        return
    _signed_in(request, "bearer" if header is not None else "cookie", *found)


def _signed_in(request: Request, auth: str, account: Account, ctx: Context) -> None:
    request.state.auth = auth
    request.state.user_id = account.id
    request.state.account = account
    request.state.ctx = ctx


def signs_in_itself(endpoint: Callable[..., T]) -> Callable[..., T]:
    """Mark an async route that runs its work through :func:`run_signed_in`.

    For such a route, :func:`authenticate` leaves a bearer token to be looked up in the one
    thread-pool hop the route's work runs in, not in a hop of its own before it: a hop is
    about a tenth of a practice step's CPU on the server. A bad token is still a 401.
    """
    setattr(endpoint, _SIGNS_IN_ITSELF, True)
    return endpoint


async def run_signed_in(request: Request, work: Callable[[Context], T]) -> T:
    """``work(ctx)`` for the asking user (a route marked :func:`signs_in_itself`; its bearer
    token, if any, is looked up in the same call): on the thread pool, or on the event loop
    itself where the ``inline_api`` setting says so."""
    if request.app.state.inline_api:
        return _run_signed_in(request, work)
    return await run_in_threadpool(_run_signed_in, request, work)


def _run_signed_in(request: Request, work: Callable[[Context], T]) -> T:
    header: str | None = getattr(request.state, "bearer", None)
    if header is not None:
        found = _resolve(request.app.state.ctx, base_settings(request), header, None)
        if found is None:
            raise SignInRequired(BAD_TOKEN)
        _signed_in(request, "bearer", *found)
    return work(_context(request))


def _resolve(
    app_ctx: Context, settings: Settings, header: str | None, cookie: str | None
) -> tuple[Account, Context] | None:
    """The account and its Context for these credentials; the header wins over the cookie."""
    store = app_ctx.store
    if header is not None:  # one query: the token's user with their settings and parameters
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        profile = store.profile_by_credentials(token=token.strip())
    elif cookie:
        profile = store.profile_by_credentials(cookie=cookie)
    else:
        return None
    if profile is None or profile[0].disabled:
        return None
    account, saved, parameters = profile
    mine = with_user_settings(settings, saved, "saved user settings")
    return account, Context(mine, store, account.id, Scheduler(mine, parameters))


async def get_ctx(request: Request) -> Context:
    """The asking user's Context: the app's one (accounts off) or the signed-in user's."""
    # async: a sync dependency would cost a thread-pool hop on every request
    return _context(request)


def _context(request: Request) -> Context:
    ctx: Context | None = getattr(request.state, "ctx", None)
    if ctx is None:
        if base_settings(request).accounts:  # never another user's data on a public page
            raise SignInRequired()
        ctx = request.app.state.ctx
    return ctx


async def get_account(request: Request) -> Account:
    """The signed-in account; SignInRequired without one, NotFound with accounts off."""
    if not base_settings(request).accounts:
        raise NotFound("this server runs for one person: accounts are off (PREPDECK_ACCOUNTS)")
    account: Account | None = getattr(request.state, "account", None)
    if account is None:
        raise SignInRequired()
    return account


async def get_admin(request: Request) -> Account:
    """The signed-in account if it is an admin; AdminRequired (403) for learners."""
    account = await get_account(request)
    if not account.is_admin:
        raise AdminRequired()
    return account


def can_add_banks(request: Request) -> bool:
    """With accounts on only admins add banks: a bank is shared by all."""
    if not base_settings(request).accounts:
        return True
    account: Account | None = getattr(request.state, "account", None)
    return account is not None and account.is_admin


async def may_add_banks(request: Request) -> None:
    """Dependency for the routes that add a bank: 403 for learners (see :func:`can_add_banks`)."""
    if not can_add_banks(request):
        await get_admin(request)  # raises SignInRequired or AdminRequired


class FastJSONResponse(JSONResponse):
    """:class:`JSONResponse` rendered by orjson (the same JSON, several times faster: every
    practice step answers with one)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def json_response(data: dict[str, Any], status_code: int = 200) -> JSONResponse:
    """``data`` as JSON, for a route declared with ``response_model=dict[str, Any]``.

    Returned as a response, FastAPI's validation pass over the dict is skipped: for a sync
    route that pass runs on the thread pool, one more thread hop per request, and for any
    route it is work the practice API's hot path does not need."""
    return FastJSONResponse(data, status_code=status_code)


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
