"""Stats: reviews per day, retention over time, the due forecast and mastery per topic."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from prepdeck.store.context import Context
from prepdeck.web import stats_service
from prepdeck.web.deps import get_ctx, page

router = APIRouter()
Ctx = Annotated[Context, Depends(get_ctx)]


@router.get("/stats", response_class=HTMLResponse, include_in_schema=False)
def stats_page(request: Request, ctx: Ctx) -> HTMLResponse:
    data = stats_service.stats(ctx)
    return page(request, "stats.html", {"stats": data, "plots": stats_service.plots(data)})


@router.get("/api/stats", tags=["stats"])
def stats_api(ctx: Ctx) -> dict[str, Any]:
    """Reviews per day (60 days), retention per week (26 weeks), cards due per day (30 days)
    and mastery per topic (learned share and mean recall probability, 0..1)."""
    return stats_service.stats(ctx).to_dict()
