"""Home: what is due today, new cards left, the streak, coverage per topic and readiness for
the interview date (its JSON twin is ``/api/readiness``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from prepdeck.store.context import Context
from prepdeck.web import readiness, services
from prepdeck.web.deps import get_ctx, page

router = APIRouter()
Ctx = Annotated[Context, Depends(get_ctx)]


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home_page(request: Request, ctx: Ctx) -> HTMLResponse:
    return page(request, "home.html", {"home": services.home(ctx), "ready": readiness.panel(ctx)})


@router.get("/api/home", tags=["home"])
def home_api(ctx: Ctx) -> dict[str, Any]:
    """Due today, new cards left today, reviews today, streak and readiness per topic."""
    return services.home(ctx).to_dict()
