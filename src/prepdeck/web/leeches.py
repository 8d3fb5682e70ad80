"""Leeches: cards lapsed ``leech_threshold`` times or more, and suspended cards; suspend or
bring them back. Editing happens in the user's editor (``prepdeck leeches --edit ID``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from prepdeck.leeches import Leech, is_leech, leeches
from prepdeck.store import StoreError
from prepdeck.store.context import Context
from prepdeck.web.deps import MAX_ROW_ID, get_ctx, page
from prepdeck.web.errors import NotFound

router = APIRouter()
Ctx = Annotated[Context, Depends(get_ctx)]
ItemPk = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
Threshold = Annotated[
    int | None,
    Query(ge=1, le=1000, description="Lapses that make a leech (default: leech_threshold)"),
]


def _listing(ctx: Context, threshold: int | None) -> tuple[int, list[Leech]]:
    limit = threshold or ctx.settings.leech_threshold
    return limit, leeches(ctx.store, ctx.user, limit)


def _set(ctx: Context, item_pk: int, suspended: bool) -> Leech:
    try:
        card = ctx.store.set_suspended(ctx.user, item_pk, suspended)
    except StoreError:
        raise NotFound(f"item_pk: no active item {item_pk}") from None
    return Leech(card, is_leech(card.view.state, ctx.settings.leech_threshold))


@router.get("/leeches", response_class=HTMLResponse, include_in_schema=False)
def leeches_page(
    request: Request,
    ctx: Ctx,
    threshold: Threshold = None,
    done: Annotated[str | None, Query(max_length=20, pattern=r"^(suspended|unsuspended)$")] = None,
    item: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    limit, found = _listing(ctx, threshold)
    notice = f"{item} is {done}." if done and item else None
    values = {"threshold": limit, "leeches": found, "notice": notice, "custom": threshold}
    return page(request, "leeches.html", values)


def _back(leech: Leech, done: str, threshold: int | None) -> Response:
    query = f"done={done}&item={leech.card.view.item.id}"
    if threshold:
        query += f"&threshold={threshold}"
    return RedirectResponse(f"/leeches?{query}", status_code=303)


@router.post("/leeches/{item_pk}/suspend", include_in_schema=False)
def suspend_form(ctx: Ctx, item_pk: ItemPk, threshold: Threshold = None) -> Response:
    return _back(_set(ctx, item_pk, True), "suspended", threshold)


@router.post("/leeches/{item_pk}/unsuspend", include_in_schema=False)
def unsuspend_form(ctx: Ctx, item_pk: ItemPk, threshold: Threshold = None) -> Response:
    return _back(_set(ctx, item_pk, False), "unsuspended", threshold)


@router.get("/api/leeches", tags=["leeches"])
def leeches_api(ctx: Ctx, threshold: Threshold = None) -> dict[str, Any]:
    """Cards with at least ``threshold`` lapses (most first), then other suspended cards, each
    with its file and line (edit it with ``prepdeck leeches --edit ID``)."""
    limit, found = _listing(ctx, threshold)
    return {"threshold": limit, "leeches": [x.to_dict() for x in found]}


@router.post("/api/leeches/{item_pk}/suspend", tags=["leeches"])
def suspend_api(ctx: Ctx, item_pk: ItemPk) -> dict[str, Any]:
    """Suspend the card: it leaves every queue until unsuspended; its history is kept."""
    return _set(ctx, item_pk, True).to_dict()


@router.post("/api/leeches/{item_pk}/unsuspend", tags=["leeches"])
def unsuspend_api(ctx: Ctx, item_pk: ItemPk) -> dict[str, Any]:
    """Bring a suspended card back into the queue, with the state it had."""
    return _set(ctx, item_pk, False).to_dict()
