"""Multiple choice: each GET draws the next due or new card with its options; nothing is kept.

The options form sends back the item, the option keys it showed, the choice and when it was
shown; the server judges it again (``/choice/check``), then the rating form saves the review
(``/choice/rate``) and the page moves on. ``/api/choice`` is the JSON twin.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from prepdeck.choice_practice import keys_from
from prepdeck.choices import DEFAULT_OPTIONS, MAX_OPTIONS, MIN_OPTIONS
from prepdeck.scheduling import Rating, humanise, utcnow
from prepdeck.store import StoreError
from prepdeck.store.context import Context
from prepdeck.web import services
from prepdeck.web.choice_service import (
    ChoiceCard,
    check,
    duration_since,
    next_card,
    rate,
    recorded_dict,
)
from prepdeck.web.deps import MAX_ROW_ID, get_ctx, page
from prepdeck.web.errors import Conflict

router = APIRouter()
Ctx = Annotated[Context, Depends(get_ctx)]
Count = Annotated[
    int, Query(ge=MIN_OPTIONS, le=MAX_OPTIONS, description="Options per card (the answer included)")
]
TopicQuery = Annotated[str, Query(max_length=200, description="Only this topic (empty: all)")]
KEY_PATTERN = r"^[0-9a-f]{12}$"
KEYS_FIELD = Annotated[str, Form(max_length=200, pattern=r"^[0-9a-f,]+$")]
ChosenField = Annotated[str, Form(pattern=KEY_PATTERN)]


def _query(topic: str, n: int, **extra: Any) -> str:
    values = {"topic": topic, "n": n, **extra}
    return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def _saved_notice(ctx: Context, last: int | None, saved: int | None) -> str | None:
    if last is None or saved is None or not 1 <= saved <= 4:
        return None
    try:
        view = ctx.store.card(ctx.user, last)
    except StoreError:
        return None
    notice = f"Saved {Rating(saved).label} for {view.item.id}"
    if view.state.due is not None:
        notice += f" — next review in {humanise(view.state.due - utcnow())}"
    return notice + "."


# pages -------------------------------------------------------------------------------------
@router.get("/choice", response_class=HTMLResponse, include_in_schema=False)
def choice_page(
    request: Request,
    ctx: Ctx,
    topic: TopicQuery = "",
    n: Count = DEFAULT_OPTIONS,
    last: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
    saved: Annotated[int | None, Query(ge=1, le=4)] = None,
    stale: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    card = next_card(ctx, topic, n, skip=last)
    values = {
        "card": card,
        "topic": topic,
        "n": n,
        "counts": range(MIN_OPTIONS, MAX_OPTIONS + 1),
        "topics": services.topics(ctx),
        "notice": _saved_notice(ctx, last, saved),
        "stale": stale,
    }
    return page(request, "choice.html", values)


@router.post("/choice/check", response_class=HTMLResponse, include_in_schema=False)
def check_form(
    request: Request,
    ctx: Ctx,
    item_pk: Annotated[int, Form(ge=1, le=MAX_ROW_ID)],
    options: KEYS_FIELD,
    chosen: ChosenField,
    shown_at: Annotated[int | None, Form(ge=0, le=2**53)] = None,
    topic: Annotated[str, Form(max_length=200)] = "",
    n: Annotated[int, Form(ge=MIN_OPTIONS, le=MAX_OPTIONS)] = DEFAULT_OPTIONS,
) -> HTMLResponse:
    checked = check(ctx, item_pk, keys_from(options), chosen, duration_since(shown_at))
    values = {"checked": checked, "topic": topic, "n": n}
    return page(request, "choice_result.html", values)


@router.post("/choice/rate", include_in_schema=False)
def rate_form(
    ctx: Ctx,
    item_pk: Annotated[int, Form(ge=1, le=MAX_ROW_ID)],
    options: KEYS_FIELD,
    chosen: ChosenField,
    version: Annotated[int, Form(ge=0, le=MAX_ROW_ID)],
    rating: Annotated[int, Form(ge=1, le=4, description="1 Again, 2 Hard, 3 Good, 4 Easy")],
    duration_ms: Annotated[int | None, Form(ge=0, le=3_600_000)] = None,
    topic: Annotated[str, Form(max_length=200)] = "",
    n: Annotated[int, Form(ge=MIN_OPTIONS, le=MAX_OPTIONS)] = DEFAULT_OPTIONS,
) -> Response:
    try:
        rate(
            ctx,
            item_pk,
            keys_from(options),
            chosen,
            version=version,
            duration_ms=duration_ms,
            rating=Rating(rating),
        )
    except Conflict:
        # Sent twice (a reload, another tab): nothing was saved; carry on with the next card.
        return RedirectResponse(f"/choice?{_query(topic, n, stale='true')}", status_code=303)
    query = _query(topic, n, last=item_pk, saved=rating)
    return RedirectResponse(f"/choice?{query}", status_code=303)


# JSON API ----------------------------------------------------------------------------------
class CheckBody(BaseModel):
    item_pk: int = Field(ge=1, le=MAX_ROW_ID)
    options: list[str] = Field(
        min_length=MIN_OPTIONS, max_length=MAX_OPTIONS, description="The option keys, as shown"
    )
    chosen: str = Field(pattern=KEY_PATTERN, description="The key of the chosen option")
    shown_at: int | None = Field(
        default=None, ge=0, le=2**53, description="When the card was shown (epoch ms, from GET)"
    )
    duration_ms: int | None = Field(
        default=None, ge=0, le=3_600_000, description="Time to answer; wins over shown_at"
    )

    def duration(self) -> int | None:
        return self.duration_ms if self.duration_ms is not None else duration_since(self.shown_at)


class RateBody(CheckBody):
    version: int = Field(ge=0, le=MAX_ROW_ID, description="The card's version, as shown (from GET)")
    rating: int | None = Field(
        default=None, ge=1, le=4, description="1 Again .. 4 Easy; default: the proposed rating"
    )


def _done(topic: str) -> dict[str, Any]:
    where = f" in {topic}" if topic else ""
    return {"done": True, "message": f"Nothing due and no new card left today{where}."}


@router.get("/api/choice", tags=["choice"])
def choice_api(
    ctx: Ctx,
    topic: TopicQuery = "",
    n: Count = DEFAULT_OPTIONS,
    skip: Annotated[
        int | None, Query(ge=1, le=MAX_ROW_ID, description="Pass over this item if others wait")
    ] = None,
) -> dict[str, Any]:
    """The next due or new card with its options (keys and short answers; which is right is
    not told), or ``done``. Send ``shown_at`` and ``version`` back with the choice."""
    card: ChoiceCard | None = next_card(ctx, topic, n, skip=skip)
    return card.to_dict(ctx.settings.leech_threshold) if card else _done(topic)


@router.post("/api/choice/check", tags=["choice"])
def check_api(body: CheckBody, ctx: Ctx) -> dict[str, Any]:
    """Judge a choice (nothing saved): right or wrong, the right key, the proposed rating
    (Again if wrong; Easy if fast, Hard if slow, else Good), the answer, the intervals."""
    return check(ctx, body.item_pk, body.options, body.chosen, body.duration()).to_dict()


@router.post("/api/choice/rate", tags=["choice"])
def rate_api(body: RateBody, ctx: Ctx) -> dict[str, Any]:
    """Judge the choice again and save the review (grade 1.0 or 0.0, with the proposed rating);
    409 when the card was rated since it was shown (nothing saved)."""
    rating = Rating(body.rating) if body.rating else None
    checked, saved = rate(
        ctx,
        body.item_pk,
        body.options,
        body.chosen,
        version=body.version,
        duration_ms=body.duration(),
        rating=rating,
    )
    return recorded_dict(checked, saved)
