"""Browse: the topics of the banks, and each topic's items rendered like the book."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from prepdeck.store.context import Context
from prepdeck.web import services
from prepdeck.web.deps import get_ctx, page

router = APIRouter()
Ctx = Annotated[Context, Depends(get_ctx)]


@router.get("/browse", response_class=HTMLResponse, include_in_schema=False)
def browse_page(request: Request, ctx: Ctx) -> HTMLResponse:
    return page(request, "browse.html", {"topics": services.topics(ctx)})


@router.get("/browse/{topic:path}", response_class=HTMLResponse, include_in_schema=False)
def topic_page(request: Request, topic: str, ctx: Ctx) -> HTMLResponse:
    entries = services.browse_topic(ctx, topic)
    return page(request, "browse_topic.html", {"topic": topic, "entries": entries})


@router.get("/api/topics", tags=["browse"])
def topics_api(ctx: Ctx) -> list[dict[str, Any]]:
    """Every topic with its item, new and due counts."""
    return [t.to_dict() for t in services.topics(ctx)]


@router.get("/api/topics/{topic:path}", tags=["browse"])
def topic_api(topic: str, ctx: Ctx) -> list[dict[str, Any]]:
    """The items of one topic with their card state (new / due / recall probability)."""
    return [e.to_dict() for e in services.browse_topic(ctx, topic)]
