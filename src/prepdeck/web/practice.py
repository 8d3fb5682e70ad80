"""Practice: one card at a time — type, check (graded), reveal, rate — then a summary.

Pages answer HTMX requests with the fragment that changes and plain form posts with the whole
page (or a redirect), so practice works without JavaScript too. ``/api/practice`` is the twin.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from prepdeck.model import Difficulty
from prepdeck.scheduling import Rating
from prepdeck.storage import QueueFilter
from prepdeck.store.context import Context
from prepdeck.web import services, sessions
from prepdeck.web.deps import get_ctx, get_sessions, is_htmx, page
from prepdeck.web.sessions import MAX_ANSWER_CHARS, SessionRegistry

router = APIRouter()
Ctx = Annotated[Context, Depends(get_ctx)]
Registry = Annotated[SessionRegistry, Depends(get_sessions)]
ItemPk = Annotated[int, Form(ge=1)]
Answer = Annotated[str, Form(max_length=MAX_ANSWER_CHARS)]
RatingField = Annotated[int, Form(ge=1, le=4, description="1 Again, 2 Hard, 3 Good, 4 Easy")]


class StartRequest(BaseModel):
    topics: list[str] = Field(default_factory=list, max_length=50)
    difficulties: list[Difficulty] = Field(default_factory=list, max_length=3)
    limit: int | None = Field(default=None, ge=1, le=1000)
    cram: bool = False


class CheckRequest(BaseModel):
    item_pk: int = Field(ge=1)
    answer: str = Field(max_length=MAX_ANSWER_CHARS)


class RateRequest(BaseModel):
    item_pk: int = Field(ge=1)
    rating: int = Field(ge=1, le=4, description="1 Again, 2 Hard, 3 Good, 4 Easy")
    answer: str | None = Field(default=None, max_length=MAX_ANSWER_CHARS)


def _start(ctx: Context, registry: SessionRegistry, body: StartRequest) -> sessions.LiveSession:
    flt = QueueFilter(
        topics=tuple(t for t in body.topics if t),
        difficulties=tuple(str(d) for d in body.difficulties),
    )
    return registry.start(ctx, flt, body.limit, body.cram)


def _step_page(
    request: Request, live: sessions.LiveSession, status_code: int = 200, **extra: Any
) -> HTMLResponse:
    step = sessions.current(live)
    name = "_practice_step.html" if is_htmx(request) else "practice.html"
    return page(request, name, {"step": step, **extra}, status_code)


def _after_post(request: Request, live: sessions.LiveSession) -> Response:
    if is_htmx(request):
        return _step_page(request, live)
    return RedirectResponse(f"/practice/{live.sid}", status_code=303)


# pages -------------------------------------------------------------------------------------
@router.get("/practice", response_class=HTMLResponse, include_in_schema=False)
def start_page(request: Request, ctx: Ctx) -> HTMLResponse:
    values = {
        "topics": services.topics(ctx),
        "difficulties": [str(d) for d in Difficulty],
    }
    return page(request, "practice_start.html", values)


@router.post("/practice", include_in_schema=False)
def start_form(
    ctx: Ctx,
    registry: Registry,
    topic: Annotated[str, Form(max_length=200)] = "",
    difficulty: Annotated[Difficulty | None, Form()] = None,
    limit: Annotated[int | None, Form(ge=1, le=1000)] = None,
    cram: Annotated[bool, Form()] = False,
) -> Response:
    body = StartRequest(
        topics=[topic] if topic else [],
        difficulties=[difficulty] if difficulty else [],
        limit=limit,
        cram=cram,
    )
    live = _start(ctx, registry, body)
    return RedirectResponse(f"/practice/{live.sid}", status_code=303)


@router.get("/practice/{sid}", response_class=HTMLResponse, include_in_schema=False)
async def step_page(request: Request, sid: str, registry: Registry) -> HTMLResponse:
    # The hot path: showing a card needs no store access, so it renders on the event loop
    # (no thread-pool hop); only the request that ends the session writes, in a thread.
    live = registry.get(sid)
    if sessions.ends_now(live):
        return await run_in_threadpool(_step_page, request, live)
    return _step_page(request, live)


@router.post("/practice/{sid}/check", response_class=HTMLResponse, include_in_schema=False)
def check_form(
    request: Request, sid: str, ctx: Ctx, registry: Registry, item_pk: ItemPk, answer: Answer = ""
) -> HTMLResponse:
    live = registry.get(sid)
    checked = sessions.check(ctx, live, item_pk, answer)
    if is_htmx(request):
        return page(request, "_feedback.html", {"step": checked.step, "check": checked})
    return page(request, "practice.html", {"step": checked.step, "check": checked})


@router.get("/practice/{sid}/reveal", response_class=HTMLResponse, include_in_schema=False)
def reveal_page(
    request: Request, sid: str, registry: Registry, item_pk: Annotated[int, Query(ge=1)]
) -> HTMLResponse:
    live = registry.get(sid)
    shown = sessions.reveal(live, item_pk)
    if is_htmx(request):
        return page(request, "_reveal.html", {"reveal": shown})
    return _step_page(request, live, reveal=shown)


@router.get("/practice/{sid}/hint", response_class=HTMLResponse, include_in_schema=False)
def hint_page(
    request: Request, sid: str, registry: Registry, item_pk: Annotated[int, Query(ge=1)]
) -> HTMLResponse:
    live = registry.get(sid)
    shown = sessions.reveal(live, item_pk)
    if is_htmx(request):
        return page(request, "_hints.html", {"hints": shown.item.hints})
    return _step_page(request, live, hints=shown.item.hints)


@router.post("/practice/{sid}/rate", include_in_schema=False)
def rate_form(
    request: Request,
    sid: str,
    registry: Registry,
    item_pk: ItemPk,
    rating: RatingField,
    answer: Annotated[str | None, Form(max_length=MAX_ANSWER_CHARS)] = None,
) -> Response:
    live = registry.get(sid)
    sessions.rate(live, item_pk, Rating(rating), answer)
    return _after_post(request, live)


@router.post("/practice/{sid}/undo", include_in_schema=False)
def undo_form(request: Request, sid: str, registry: Registry) -> Response:
    live = registry.get(sid)
    sessions.undo(live)
    return _after_post(request, live)


@router.post("/practice/{sid}/finish", include_in_schema=False)
def finish_form(request: Request, sid: str, registry: Registry) -> Response:
    live = registry.get(sid)
    sessions.finish(live)
    return _after_post(request, live)


# JSON API ----------------------------------------------------------------------------------
@router.post("/api/practice", tags=["practice"], status_code=201)
def start_api(body: StartRequest, ctx: Ctx, registry: Registry) -> dict[str, Any]:
    """Start a session (due cards, then new ones, within today's limits); the first card."""
    return sessions.current(_start(ctx, registry, body)).to_dict()


@router.get("/api/practice/{sid}", tags=["practice"])
def step_api(sid: str, registry: Registry) -> dict[str, Any]:
    """The current card with the interval each rating would give, or the summary when done."""
    return sessions.current(registry.get(sid)).to_dict()


@router.post("/api/practice/{sid}/check", tags=["practice"])
def check_api(sid: str, body: CheckRequest, ctx: Ctx, registry: Registry) -> dict[str, Any]:
    """Grade a typed answer: score, key points hit and missed, proposed rating."""
    return sessions.check(ctx, registry.get(sid), body.item_pk, body.answer).to_dict()


@router.get("/api/practice/{sid}/reveal", tags=["practice"])
def reveal_api(
    sid: str, registry: Registry, item_pk: Annotated[int, Query(ge=1)]
) -> dict[str, Any]:
    """The reference answer, references, hints and key points of the current card."""
    return sessions.reveal(registry.get(sid), item_pk).to_dict()


@router.post("/api/practice/{sid}/rate", tags=["practice"])
def rate_api(sid: str, body: RateRequest, registry: Registry) -> dict[str, Any]:
    """Save a rating for the current card; the next card (or the summary)."""
    live = registry.get(sid)
    return sessions.rate(live, body.item_pk, Rating(body.rating), body.answer).to_dict()


@router.post("/api/practice/{sid}/undo", tags=["practice"])
def undo_api(sid: str, registry: Registry) -> dict[str, Any]:
    """Undo the session's last rating; that card is current again."""
    undone, step = sessions.undo(registry.get(sid))
    return {"undone": undone, "current": step.to_dict()}


@router.post("/api/practice/{sid}/finish", tags=["practice"])
def finish_api(sid: str, registry: Registry) -> dict[str, Any]:
    """End the session now; its summary."""
    return sessions.finish(registry.get(sid)).to_dict()
