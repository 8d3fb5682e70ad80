"""Settings: what a user sets for themselves (retention, daily limits, interview date, theme).

Values are validated by :func:`prepdeck.settings.with_user_settings` (the same function that
lays them over the configured settings when the store is opened), saved per user in the store
and applied to the running app at once: the next practice session uses them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from prepdeck.settings import (
    USER_SETTINGS,
    UserSettingsError,
    user_settings_dict,
    with_user_settings,
)
from prepdeck.store.context import Context
from prepdeck.toward_date import pull_toward_date


@dataclass(frozen=True)
class SettingsData:
    """The user's settings in effect. ``desired_retention`` is in (0.7, 0.99)."""

    desired_retention: float
    new_per_day: int
    reviews_per_day: int
    interview_date: date | None
    schedule_toward_date: bool
    theme: str

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["interview_date"] = self.interview_date.isoformat() if self.interview_date else None
        return data


def current_settings(ctx: Context) -> SettingsData:
    """The values practice uses now: configured defaults with the user's own laid over them."""
    return SettingsData(**{name: getattr(ctx.settings, name) for name in USER_SETTINGS})


def update_settings(
    ctx: Context, values: Mapping[str, Any], today: date | None = None
) -> SettingsData:
    """Validate ``values`` (any subset of the user settings), save them, apply them now.

    Raises :class:`~prepdeck.settings.UserSettingsError` listing every bad field; nothing is
    saved then. An interview date that is changed must not lie in the past.
    """
    today = today or date.today()
    problems: dict[str, str] = {}
    try:
        merged = with_user_settings(ctx.settings, values)
    except UserSettingsError as exc:
        problems.update(exc.problems)
        merged = ctx.settings
    chosen = merged.interview_date
    if (
        "interview_date" not in problems
        and chosen is not None
        and chosen != ctx.settings.interview_date
        and chosen < today
    ):
        problems["interview_date"] = (
            "is in the past; choose today or a later day, or leave it empty"
        )
    if problems:
        raise UserSettingsError(problems)
    stored = ctx.store.user_settings(ctx.user)  # keeps other keys (grading bands) as they are
    ctx.store.set_user_settings(ctx.user, {**stored, **user_settings_dict(merged)})
    ctx.settings = merged
    ctx.refresh_scheduler()
    # Cards scheduled past the interview before the option (or this date) was set.
    pull_toward_date(ctx.store, ctx.scheduler, ctx.user)
    return current_settings(ctx)
