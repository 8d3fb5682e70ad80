"""Mock interviews in the browser: start, one timed question at a time, then the report.

Nothing is kept in the app's memory: every request reads the mock from the store by its id
(scoped to the user, so another user's id is a 404), so any worker serves any step and a
mock survives a restart. The server's timestamps are the clock; ``mock.js`` only counts down
to the deadline the page was given. ``/api/mock`` is the JSON twin.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from prepdeck.mock import (
    PRESETS,
    MockConflict,
    MockError,
    MockInterviews,
    MockNotFound,
    MockRequest,
    QuestionStep,
)
from prepdeck.mock.html import report_body, report_document
from prepdeck.mock.interview import MAX_ANSWER_CHARS, MAX_MINUTES, MAX_QUESTIONS
from prepdeck.store.context import Context
from prepdeck.web.deps import MAX_ROW_ID, get_ctx, page
from prepdeck.web.errors import Conflict, NotFound
from prepdeck.web.security import BANK_CONTENT_POLICY

router = APIRouter()
Ctx = Annotated[Context, Depends(get_ctx)]
Answer = Annotated[str, Form(max_length=MAX_ANSWER_CHARS)]
MockId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="The mock's id.")]


class StartMock(BaseModel):
    """A length (``minutes`` and/or ``questions``; neither: 30 minutes), topics or a preset."""

    minutes: int | None = Field(default=None, ge=1, le=MAX_MINUTES)
    questions: int | None = Field(default=None, ge=1, le=MAX_QUESTIONS)
    topics: list[str] = Field(default_factory=list, max_length=50)
    preset: str | None = Field(default=None, max_length=50)
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)
    schedule: bool = Field(default=True, description="Each answer becomes a review.")


class AnswerMock(BaseModel):
    position: int = Field(ge=1, le=MAX_QUESTIONS)
    answer: str = Field(default="", max_length=MAX_ANSWER_CHARS)


def _service(ctx: Context) -> MockInterviews:
    return MockInterviews(ctx.store, ctx.scheduler, ctx.settings, ctx.user)


@contextmanager
def _web_errors() -> Iterator[None]:
    """The mock's errors as HTTP: not yours or missing 404, wrong state 409, bad input 400."""
    try:
        yield
    except MockNotFound as exc:
        raise NotFound(exc.message) from None
    except MockConflict as exc:
        raise Conflict(exc.message) from None


def _request(body: StartMock) -> MockRequest:
    return MockRequest(
        minutes=body.minutes,
        questions=body.questions,
        topics=tuple(t for t in body.topics if t),
        preset=body.preset or None,
        seed=body.seed,
        schedule=body.schedule,
    )


def _bank_page(request: Request, name: str, values: dict[str, Any]) -> HTMLResponse:
    # Bank text may hold mermaid diagrams, whose SVG needs inline styles (as on practice).
    response = page(request, name, values)
    response.headers["content-security-policy"] = BANK_CONTENT_POLICY
    return response


# pages -------------------------------------------------------------------------------------
def _start_values(ctx: Context, **extra: Any) -> dict[str, Any]:
    service = _service(ctx)
    return {
        "topics": service.topics(),
        "presets": list(PRESETS.values()),
        "history": service.history(),
        "problem": None,
        "chosen": {},
        **extra,
    }


@router.get("/mock", response_class=HTMLResponse, include_in_schema=False)
def start_page(request: Request, ctx: Ctx) -> HTMLResponse:
    return page(request, "mock_start.html", _start_values(ctx))


@router.post("/mock", include_in_schema=False)
def start_form(
    request: Request,
    ctx: Ctx,
    minutes: Annotated[int | None, Form(ge=1, le=MAX_MINUTES)] = None,
    questions: Annotated[int | None, Form(ge=1, le=MAX_QUESTIONS)] = None,
    preset: Annotated[str, Form(max_length=50)] = "",
    topic: Annotated[list[str] | None, Form(max_length=50)] = None,
    no_schedule: Annotated[bool, Form()] = False,
) -> Response:
    body = StartMock(
        minutes=minutes,
        questions=questions,
        topics=topic or [],
        preset=preset or None,
        schedule=not no_schedule,
    )
    try:
        mock = _service(ctx).start(_request(body))
    except MockError as exc:
        chosen = {"minutes": minutes, "questions": questions, "preset": preset, "topics": topic}
        values = _start_values(ctx, problem=exc.message, chosen=chosen)
        return page(request, "mock_start.html", values, status_code=400)
    return RedirectResponse(f"/mock/{mock.mock_id}", status_code=303)


@router.get("/mock/{mock_id}", include_in_schema=False)
def question_page(request: Request, mock_id: MockId, ctx: Ctx) -> Response:
    with _web_errors():
        step = _service(ctx).current(mock_id)
    if not isinstance(step, QuestionStep):
        return RedirectResponse(f"/mock/{mock_id}/report", status_code=303)
    return _bank_page(request, "mock_question.html", {"step": step})


@router.post("/mock/{mock_id}/answer", include_in_schema=False)
def answer_form(
    mock_id: MockId,
    ctx: Ctx,
    position: Annotated[int, Form(ge=1, le=MAX_QUESTIONS)],
    answer: Answer = "",
) -> Response:
    try:
        with _web_errors():
            _service(ctx).answer(mock_id, position, answer)
    except Conflict:
        pass  # a double click or a stale tab: show where the mock is now
    return RedirectResponse(f"/mock/{mock_id}", status_code=303)


@router.post("/mock/{mock_id}/finish", include_in_schema=False)
def finish_form(mock_id: MockId, ctx: Ctx) -> Response:
    with _web_errors():
        _service(ctx).finish(mock_id)
    return RedirectResponse(f"/mock/{mock_id}/report", status_code=303)


@router.get("/mock/{mock_id}/report", include_in_schema=False)
def report_page(request: Request, mock_id: MockId, ctx: Ctx) -> Response:
    service = _service(ctx)
    with _web_errors():
        if not service.get(mock_id).finished:
            return RedirectResponse(f"/mock/{mock_id}", status_code=303)
        report = service.report(mock_id)
    return _bank_page(request, "mock_report.html", {"report": report, "body": report_body(report)})


@router.get("/mock/{mock_id}/report.html", include_in_schema=False)
def report_download(mock_id: MockId, ctx: Ctx) -> Response:
    with _web_errors():
        report = _service(ctx).report(mock_id)
    name = f"prepdeck-mock-{mock_id}-{report.mock.started_at:%Y%m%d}.html"
    return HTMLResponse(
        report_document(report),
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


# JSON API ----------------------------------------------------------------------------------
@router.get("/api/mock", tags=["mock"])
def list_api(ctx: Ctx) -> dict[str, Any]:
    """Your mocks (newest first), the role presets and the topics a mock can draw from."""
    service = _service(ctx)
    return {
        "mocks": [m.to_dict() for m in service.history()],
        "presets": [
            {"name": p.name, "title": p.title, "topics": list(p.topics)} for p in PRESETS.values()
        ],
        "topics": service.topics(),
    }


@router.post("/api/mock", tags=["mock"], status_code=201)
def start_api(body: StartMock, ctx: Ctx) -> dict[str, Any]:
    """Draw and start a mock (its clock starts now); the first question with its deadline."""
    service = _service(ctx)
    mock = service.start(_request(body))
    with _web_errors():
        step = service.current(mock.mock_id)
    return _step_dict(service, step)


def _step_dict(service: MockInterviews, step: Any) -> dict[str, Any]:
    if isinstance(step, QuestionStep):
        return step.to_dict()
    return service.report(step.mock_id).to_dict()


@router.get("/api/mock/{mock_id}", tags=["mock"])
def step_api(mock_id: MockId, ctx: Ctx) -> dict[str, Any]:
    """The current question (its clock starts the first time it is read) or, once the mock is
    over, the report. No answer is shown before the end."""
    service = _service(ctx)
    with _web_errors():
        return _step_dict(service, service.current(mock_id))


@router.post("/api/mock/{mock_id}/answer", tags=["mock"])
def answer_api(mock_id: MockId, body: AnswerMock, ctx: Ctx) -> dict[str, Any]:
    """Save the answer to the current question (graded, not shown); the next step."""
    service = _service(ctx)
    with _web_errors():
        return _step_dict(service, service.answer(mock_id, body.position, body.answer))


@router.post("/api/mock/{mock_id}/finish", tags=["mock"])
def finish_api(mock_id: MockId, ctx: Ctx) -> dict[str, Any]:
    """End the mock now (unanswered questions score 0); the report."""
    service = _service(ctx)
    with _web_errors():
        return service.report(service.finish(mock_id).mock_id).to_dict()


@router.get("/api/mock/{mock_id}/report", tags=["mock"])
def report_api(mock_id: MockId, ctx: Ctx) -> dict[str, Any]:
    """The report of a finished mock: per question and topic, to read, the trend."""
    with _web_errors():
        return _service(ctx).report(mock_id).to_dict()
