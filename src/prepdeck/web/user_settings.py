"""Settings: desired retention, daily limits, interview date and theme, stored per user."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from prepdeck.settings import MAX_NEW_PER_DAY, MAX_REVIEWS_PER_DAY, THEMES, UserSettingsError
from prepdeck.store.context import Context
from prepdeck.web import settings_service
from prepdeck.web.deps import get_ctx, page
from prepdeck.web.errors import invalid_input

router = APIRouter()
Ctx = Annotated[Context, Depends(get_ctx)]
Text = Annotated[str, Form(max_length=40)]


class SettingsBody(BaseModel):
    """Fields left out keep their value; ``interview_date: null`` clears the date."""

    model_config = ConfigDict(extra="forbid")

    desired_retention: float | None = Field(default=None, ge=0.7, le=0.99)
    new_per_day: int | None = Field(default=None, ge=0, le=MAX_NEW_PER_DAY)
    reviews_per_day: int | None = Field(default=None, ge=0, le=MAX_REVIEWS_PER_DAY)
    interview_date: date | None = None
    schedule_toward_date: bool | None = None
    theme: Literal["system", "light", "dark"] | None = None


@router.get("/settings", response_class=HTMLResponse, include_in_schema=False)
def settings_page(
    request: Request, ctx: Ctx, saved: Annotated[bool, Query()] = False
) -> HTMLResponse:
    values = settings_service.current_settings(ctx).to_dict()
    return page(
        request,
        "settings.html",
        {"values": values, "problems": {}, "saved": saved, "themes": THEMES},
    )


@router.post("/settings", include_in_schema=False)
def settings_form(
    request: Request,
    ctx: Ctx,
    desired_retention: Text = "",
    new_per_day: Text = "",
    reviews_per_day: Text = "",
    interview_date: Text = "",
    schedule_toward_date: Text = "false",
    theme: Text = "system",
) -> Response:
    values = {
        "desired_retention": desired_retention,
        "new_per_day": new_per_day,
        "reviews_per_day": reviews_per_day,
        "interview_date": interview_date,
        "schedule_toward_date": schedule_toward_date,
        "theme": theme,
    }
    try:
        settings_service.update_settings(ctx, values)
    except UserSettingsError as exc:
        context = {"values": values, "problems": exc.problems, "saved": False, "themes": THEMES}
        return page(request, "settings.html", context, status_code=422)
    return RedirectResponse("/settings?saved=true", status_code=303)


@router.get("/api/settings", tags=["settings"])
def settings_api(ctx: Ctx) -> dict[str, Any]:
    """The settings in effect: retention, daily limits, interview date, theme."""
    return settings_service.current_settings(ctx).to_dict()


@router.put("/api/settings", tags=["settings"], response_model=None)
def update_settings_api(
    request: Request, body: SettingsBody, ctx: Ctx
) -> dict[str, Any] | Response:
    """Change some settings (left-out fields keep their value); the settings now in effect."""
    try:
        return settings_service.update_settings(ctx, body.model_dump(exclude_unset=True)).to_dict()
    except UserSettingsError as exc:
        return invalid_input(request, exc.message, exc.problems)
