"""Practice: one card at a time — type, check (graded), reveal, rate — then a summary.

Pages answer HTMX requests with the fragment that changes and plain form posts with the whole
page (or a redirect), so practice works without JavaScript too. ``/api/practice`` is the twin.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Header, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from prepdeck.model import Difficulty
from prepdeck.scheduling import Rating
from prepdeck.storage import QueueFilter
from prepdeck.store.context import Context
from prepdeck.web import services, sessions
from prepdeck.web.deps import (
    get_ctx,
    is_htmx,
    json_response,
    page,
    run_signed_in,
    signs_in_itself,
)
from prepdeck.web.sessions import MAX_ANSWER_CHARS

router = APIRouter()
#: The JSON twin, included before every page router: routes are matched in order, one by one,
#: and rating is the server's hot path (see the note above its first route).
api_router = APIRouter()
Ctx = Annotated[Context, Depends(get_ctx)]
Sid = Annotated[str, Path(min_length=1, max_length=32)]
ItemPk = Annotated[int, Form(ge=1)]
Answer = Annotated[str, Form(max_length=MAX_ANSWER_CHARS)]
RatingField = Annotated[int, Form(ge=1, le=4, description="1 Again, 2 Hard, 3 Good, 4 Easy")]
KEY_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"
IdempotencyKey = Annotated[
    str | None,
    Header(
        pattern=KEY_PATTERN,
        description="A key of your choice (8-64 letters, digits, - or _), new for each rating: "
        "a retry with the same key saves nothing twice and answers with the first review id.",
    ),
]


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


def _start(ctx: Context, body: StartRequest) -> sessions.CardStep | sessions.SummaryData:
    flt = QueueFilter(
        topics=tuple(t for t in body.topics if t),
        difficulties=tuple(str(d) for d in body.difficulties),
    )
    return sessions.start(ctx, flt, body.limit, body.cram)


def _step_page(
    request: Request,
    ctx: Context,
    sid: str,
    status_code: int = 200,
    step: sessions.CardStep | sessions.SummaryData | None = None,
    **extra: Any,
) -> HTMLResponse:
    step = step or sessions.current(ctx, sid)
    name = "_practice_step.html" if is_htmx(request) else "practice.html"
    return page(request, name, {"step": step, **extra}, status_code)


def _after_post(
    request: Request, ctx: Context, sid: str, step: sessions.CardStep | sessions.SummaryData
) -> Response:
    if is_htmx(request):
        return _step_page(request, ctx, sid, step=step)
    return RedirectResponse(f"/practice/{sid}", status_code=303)


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
    step = _start(ctx, body)
    return RedirectResponse(f"/practice/{step.sid}", status_code=303)


@router.get("/practice/{sid}", response_class=HTMLResponse, include_in_schema=False)
def step_page(request: Request, sid: Sid, ctx: Ctx) -> HTMLResponse:
    return _step_page(request, ctx, sid)


@router.post("/practice/{sid}/check", response_class=HTMLResponse, include_in_schema=False)
def check_form(
    request: Request, sid: Sid, ctx: Ctx, item_pk: ItemPk, answer: Answer = ""
) -> HTMLResponse:
    checked = sessions.check(ctx, sid, item_pk, answer)
    if is_htmx(request):
        return page(request, "_feedback.html", {"step": checked.step, "check": checked})
    return page(request, "practice.html", {"step": checked.step, "check": checked})


@router.get("/practice/{sid}/reveal", response_class=HTMLResponse, include_in_schema=False)
def reveal_page(
    request: Request, sid: Sid, ctx: Ctx, item_pk: Annotated[int, Query(ge=1)]
) -> HTMLResponse:
    shown = sessions.reveal(ctx, sid, item_pk)
    if is_htmx(request):
        return page(request, "_reveal.html", {"reveal": shown})
    return _step_page(request, ctx, sid, reveal=shown)


@router.get("/practice/{sid}/hint", response_class=HTMLResponse, include_in_schema=False)
def hint_page(
    request: Request, sid: Sid, ctx: Ctx, item_pk: Annotated[int, Query(ge=1)]
) -> HTMLResponse:
    shown = sessions.reveal(ctx, sid, item_pk)
    if is_htmx(request):
        return page(request, "_hints.html", {"hints": shown.item.hints})
    return _step_page(request, ctx, sid, hints=shown.item.hints)


@router.post("/practice/{sid}/rate", include_in_schema=False)
def rate_form(
    request: Request,
    sid: Sid,
    ctx: Ctx,
    item_pk: ItemPk,
    rating: RatingField,
    answer: Annotated[str | None, Form(max_length=MAX_ANSWER_CHARS)] = None,
    request_key: Annotated[str | None, Form(pattern=KEY_PATTERN)] = None,
) -> Response:
    rated = sessions.rate(ctx, sid, item_pk, Rating(rating), answer, request_key)
    return _after_post(request, ctx, sid, rated.after)


@router.post("/practice/{sid}/undo", include_in_schema=False)
def undo_form(request: Request, sid: Sid, ctx: Ctx) -> Response:
    _undone, step = sessions.undo(ctx, sid)
    return _after_post(request, ctx, sid, step)


@router.post("/practice/{sid}/finish", include_in_schema=False)
def finish_form(request: Request, sid: Sid, ctx: Ctx) -> Response:
    return _after_post(request, ctx, sid, sessions.finish(ctx, sid))


# JSON API ----------------------------------------------------------------------------------
# The API's routes are async and run their work in one thread-pool hop, the user's token
# looked up in it too (deps.signs_in_itself): the practice API is the server's hot path, and
# rating its busiest route, so it comes first (FastAPI tries routes in order, twice per
# request: once to pick the router, once inside it).
@api_router.post("/api/practice/{sid}/rate", tags=["practice"], response_model=dict[str, Any])
@signs_in_itself
async def rate_api(
    request: Request,
    sid: Sid,
    body: RateRequest,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Save a rating for the current card; its review id and the next card (or the summary).

    Send an ``Idempotency-Key`` header to retry safely: a repeat is answered with the first
    rating's ``review_id`` and ``replayed: true``, and nothing is saved twice."""
    rating = Rating(body.rating)
    rated = await run_signed_in(
        request,
        lambda ctx: sessions.rate(ctx, sid, body.item_pk, rating, body.answer, idempotency_key),
    )
    return json_response(rated.to_dict())


@api_router.post("/api/practice", tags=["practice"], response_model=dict[str, Any], status_code=201)
@signs_in_itself
async def start_api(request: Request, body: StartRequest) -> JSONResponse:
    """Start a session (due cards, then new ones, within today's limits); the first card.

    The session lives in the database: any server process continues it, a restart keeps it."""
    step = await run_signed_in(request, lambda ctx: _start(ctx, body))
    return json_response(step.to_dict(), status_code=201)


@api_router.get("/api/practice/{sid}", tags=["practice"], response_model=dict[str, Any])
@signs_in_itself
async def step_api(request: Request, sid: Sid) -> JSONResponse:
    """The current card with the interval each rating would give, or the summary when done."""
    step = await run_signed_in(request, lambda ctx: sessions.current(ctx, sid))
    return json_response(step.to_dict())


@api_router.post("/api/practice/{sid}/check", tags=["practice"], response_model=dict[str, Any])
@signs_in_itself
async def check_api(request: Request, sid: Sid, body: CheckRequest) -> JSONResponse:
    """Grade a typed answer: score, key points hit and missed, proposed rating."""
    checked = await run_signed_in(
        request, lambda ctx: sessions.check(ctx, sid, body.item_pk, body.answer)
    )
    return json_response(checked.to_dict())


@api_router.get("/api/practice/{sid}/reveal", tags=["practice"], response_model=dict[str, Any])
@signs_in_itself
async def reveal_api(
    request: Request, sid: Sid, item_pk: Annotated[int, Query(ge=1)]
) -> JSONResponse:
    """The reference answer, references, hints and key points of the current card."""
    revealed = await run_signed_in(request, lambda ctx: sessions.reveal(ctx, sid, item_pk))
    return json_response(revealed.to_dict())


@api_router.post("/api/practice/{sid}/undo", tags=["practice"], response_model=dict[str, Any])
@signs_in_itself
async def undo_api(request: Request, sid: Sid) -> JSONResponse:
    """Undo the session's last rating; that card is current again."""
    undone, step = await run_signed_in(request, lambda ctx: sessions.undo(ctx, sid))
    return json_response({"undone": undone, "current": step.to_dict()})


@api_router.post("/api/practice/{sid}/finish", tags=["practice"], response_model=dict[str, Any])
@signs_in_itself
async def finish_api(request: Request, sid: Sid) -> JSONResponse:
    """End the session now; its summary."""
    summary = await run_signed_in(request, lambda ctx: sessions.finish(ctx, sid))
    return json_response(summary.to_dict())
