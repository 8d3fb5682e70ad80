"""Search: questions, answers and tags, results as you type, filtered by topic and difficulty."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from prepdeck.model import Difficulty
from prepdeck.store.context import Context
from prepdeck.web import services
from prepdeck.web.deps import get_ctx, is_htmx, page

router = APIRouter()
Ctx = Annotated[Context, Depends(get_ctx)]
Q = Annotated[str, Query(max_length=200, description="Words to find (prefixes match).")]
Topic = Annotated[str, Query(max_length=200, description="Only this topic.")]
# "" is what the form's "Any" choice sends: it means no filter, not a bad value.
Level = Annotated[
    Literal["", "easy", "medium", "hard"], Query(description="Only this difficulty (empty: any).")
]


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(
    request: Request, ctx: Ctx, q: Q = "", topic: Topic = "", difficulty: Level = ""
) -> HTMLResponse:
    level = difficulty
    results = services.search_cards(ctx, q, topic, level) if q or topic or level else []
    values = {"q": q, "topic": topic, "difficulty": level, "results": results}
    if is_htmx(request):
        return page(request, "_search_results.html", values)
    values["topics"] = services.topics(ctx)
    values["difficulties"] = [str(d) for d in Difficulty]
    return page(request, "search.html", values)


@router.get("/api/search", tags=["search"])
def search_api(
    ctx: Ctx, q: Q = "", topic: Topic = "", difficulty: Level = ""
) -> list[dict[str, Any]]:
    """Items matching every word of ``q`` (best first, at most 50)."""
    level = difficulty
    return [r.to_dict() for r in services.search_cards(ctx, q, topic, level)]
