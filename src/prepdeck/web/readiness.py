"""Readiness for the interview date: the home page's panel and its JSON twin ``/api/readiness``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from markupsafe import Markup

from prepdeck import charts
from prepdeck.readiness import NoInterviewDate, Readiness, ReadinessError, readiness_for
from prepdeck.scheduling import utcnow
from prepdeck.store.context import Context
from prepdeck.web.deps import get_ctx
from prepdeck.web.errors import WebError

router = APIRouter()
NO_DATE = (
    "No interview date yet. Set it in Settings to see your expected recall on the day and a "
    "plan to get there (or ask /api/readiness?date=YYYY-MM-DD; in the terminal, "
    "prepdeck status --date YYYY-MM-DD)."
)
Ctx = Annotated[Context, Depends(get_ctx)]


@dataclass(frozen=True)
class ReadinessPanel:
    """Readiness, or why there is none (``message``), and its plot as inline SVG."""

    readiness: Readiness | None
    message: str
    plot: Markup

    def to_dict(self) -> dict[str, Any]:
        if self.readiness is None:
            return {"interview_date": None, "message": self.message}
        return {**self.readiness.to_dict(), "message": self.message}


def plot(result: Readiness) -> Markup:
    points = result.plan.trajectory
    svg = charts.readiness_chart(
        [f"{p.day:%d %b}" for p in points],
        [
            ("following the plan", [p.following_plan for p in points]),
            ("if you stop now", [p.if_you_stop for p in points]),
        ],
        target=result.target,
        chart_id="chart-readiness",
        title=f"Expected recall until the interview on {result.interview_date:%d %b %Y}",
        label_every=max(len(points) // 6, 1),
    )
    # Safe to mark up: prepdeck.charts builds the markup itself and escapes every text.
    return Markup(svg)


def panel(
    ctx: Context,
    interview_date: date | None = None,
    target: float | None = None,
    now: datetime | None = None,
) -> ReadinessPanel:
    """Readiness for ``interview_date`` (default: the user's setting). A given date in the past
    or too far away, or a target out of range, raises WebError naming the field; a saved date
    that cannot be used gives a panel with only a message."""
    try:
        result = readiness_for(
            ctx.store,
            ctx.scheduler,
            ctx.user,
            interview_date=interview_date,
            target=target,
            now=now or utcnow(),
            date_field="date" if interview_date else "interview_date",
        )
    except NoInterviewDate:
        return ReadinessPanel(None, NO_DATE, Markup(""))
    except ReadinessError as exc:
        field = exc.location.file if exc.location else "readiness"
        if interview_date is None:
            # The saved date, e.g. an interview that has passed: the page says so, still works.
            return ReadinessPanel(
                None, f"Your {field.replace('_', ' ')}: {exc.message}.", Markup("")
            )
        raise WebError(f"{field}: {exc.message}") from None
    return ReadinessPanel(result, "", plot(result))


@router.get("/api/readiness", tags=["readiness"])
def readiness_api(
    ctx: Ctx,
    date: Annotated[
        date | None,
        Query(description="Interview date (YYYY-MM-DD); default: your interview_date setting."),
    ] = None,
    target: Annotated[
        float | None,
        Query(ge=0.5, le=0.99, description="Expected recall to reach; default: retention."),
    ] = None,
) -> dict[str, Any]:
    """Readiness for the interview date, as on the home page: expected recall per topic on
    the date (FSRS retrievability at the start of that day, never-seen items counting 0),
    overall, and the plan (new and review cards per day, projected recall day by day).
    Without a date set or given: ``interview_date`` null and a message saying how to set it."""
    return panel(ctx, date, target).to_dict()
