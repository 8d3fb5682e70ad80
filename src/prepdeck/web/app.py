"""The web application: ``create_app(settings)`` wires the store, templates, routes and security."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from anyio import to_thread
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

import prepdeck
from prepdeck.scheduling import humanise, utcnow
from prepdeck.settings import Settings
from prepdeck.store.context import Context, open_store_context
from prepdeck.web import (
    account,
    admin_banks,
    admin_users,
    auth,
    browse,
    choice,
    data_rights,
    docs,
    errors,
    exchange,
    health,
    home,
    imports,
    leeches,
    mock,
    practice,
    readiness,
    search,
    stats,
    user_settings,
)
from prepdeck.web.deps import authenticate
from prepdeck.web.logging import RequestLogMiddleware
from prepdeck.web.markup import markdown_html
from prepdeck.web.security import CSRF_FIELD, CSRF_HEADER, SecurityMiddleware, csrf_protect
from prepdeck.web.upload_limit import UploadLimitMiddleware

HERE = Path(__file__).parent


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "–"
    delta = moment - utcnow()
    if delta.total_seconds() <= 0:
        return "due now"
    return f"in {humanise(delta)}"


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.auto_reload = False  # packaged templates do not change: no stat() per render
    env.filters["markdown"] = markdown_html
    env.filters["percent"] = _percent
    env.filters["when"] = _when
    env.globals.update(version=prepdeck.__version__, csrf_field=CSRF_FIELD, csrf_header=CSRF_HEADER)
    return templates


def create_app(settings: Settings, *, context: Context | None = None) -> FastAPI:
    """The prepdeck web app on the store named by ``settings`` (opened and migrated now).

    Pass ``context`` to serve an already open store (it is then not closed on shutdown).
    """
    ctx = context or open_store_context(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # sync routes and the sign-in lookup run on this pool: a few threads, see the setting
        to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
        yield
        if context is None:
            ctx.close()

    app = FastAPI(
        title="prepdeck",
        version=prepdeck.__version__,
        description="Practise interview questions with spaced repetition. "
        "Every page has a JSON twin under /api.",
        lifespan=lifespan,
        # authenticate first: CSRF exempts requests it found carrying an API token
        dependencies=[Depends(authenticate), Depends(csrf_protect)],
        # /docs is our own page (web/docs.py): Swagger UI shipped in the package, CSP-safe.
        docs_url=None,
        redoc_url=None,
    )
    app.state.ctx = ctx
    app.state.settings = settings
    app.state.inline_api = settings.inline_api == "true"
    app.state.templates = make_templates()
    app.add_middleware(UploadLimitMiddleware, max_bytes=ctx.settings.upload_max_bytes)
    app.add_middleware(SecurityMiddleware, secure_cookies=settings.secure_cookies)
    app.add_middleware(RequestLogMiddleware)  # outermost: times and logs every request
    errors.install(app)
    auth.install(app)
    app.include_router(practice.api_router)  # first: the hot path (see practice.py)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (home, practice, mock, browse, search, stats, imports, user_settings, docs):
        app.include_router(module.router)
    for module in (choice, leeches, exchange):
        app.include_router(module.router)
    app.include_router(readiness.router)
    app.include_router(health.router)
    for module in (auth, account, admin_users, admin_banks, data_rights):
        app.include_router(module.router)
    return app
