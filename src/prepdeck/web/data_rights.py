"""A learner's own data (issue 9, point 5): export it all as JSON, choose whether admins may
read their typed answers, delete the account.

The export is everything stored about the account: progress (cards, the review log with typed
answers, parameters, settings, as ``prepdeck progress import`` reads it), mock interviews with
their answers, practice sessions and API tokens (labels and dates; a token itself is never
stored). Deleting asks for the password and removes only what is the user's own; shared banks
stay.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from prepdeck.accounts import MAX_PASSWORD, Account, AccountError
from prepdeck.mock.records import MockRecord
from prepdeck.scheduling import utcnow
from prepdeck.sign_in import TooManyAttempts
from prepdeck.web.auth import confirm_password, end_session_cookie, retry_later, too_many_attempts
from prepdeck.web.deps import app_store, get_account, page
from prepdeck.web.errors import invalid_input

router = APIRouter()
Me = Annotated[Account, Depends(get_account)]
Password = Annotated[str, Form(max_length=MAX_PASSWORD + 1)]
EXPORT_FORMAT = "prepdeck-account"
#: Mocks in an export; more than anyone takes (the list is newest first).
MAX_MOCKS = 10_000


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _mock_dict(record: MockRecord) -> dict[str, Any]:
    return {
        "id": record.mock_id,
        "started_at": record.started_at.isoformat(),
        "finished_at": _iso(record.finished_at),
        "total_s": record.total_s,
        "preset": record.preset,
        "topics": list(record.topics),
        "schedule": record.schedule,
        "score": record.score,
        "summary": record.summary,
        "questions": [
            {
                "position": q.position,
                "item": q.item.id,
                "topic": q.item.topic,
                "question": q.item.question,
                "limit_s": q.limit_s,
                "shown_at": _iso(q.shown_at),
                "answered_at": _iso(q.answered_at),
                "answer": q.answer,
                "score": q.score,
                "grade": q.grade,
            }
            for q in record.questions
        ],
    }


def export_data(request: Request, account: Account) -> dict[str, Any]:
    """Everything stored about ``account`` as one JSON-ready dict (see the module docstring)."""
    store = app_store(request)
    records = store.account_records(account.id)
    listings = store.mocks(account.id, MAX_MOCKS)
    return {
        "format": EXPORT_FORMAT,
        "exported_at": utcnow().isoformat(),
        "account": {
            "id": account.id,
            "name": account.name,
            "role": account.role.value,
            "email": account.email,
            "created_at": account.created_at.isoformat(),
            "share_answers": records["share_answers"],
        },
        "progress": store.export_progress(account.id).to_dict(),
        "mocks": [_mock_dict(store.mock(account.id, m.mock_id)) for m in listings],
        "practice_sessions": records["sessions"],
        "api_tokens": records["api_tokens"],
    }


def delete_account(request: Request, account: Account, password: str) -> None:
    """Check the password (rate-limited like a sign-in), then delete the account.

    Raises :class:`AccountError` naming ``password`` (or ``account`` for the last admin),
    :class:`TooManyAttempts` when signing in is paused; nothing is deleted then.
    """
    reason = "is not your password; nothing was deleted"
    confirm_password(request, account, password, field="password", reason=reason)
    app_store(request).delete_account(account.id)


def _data_page(
    request: Request,
    me: Account,
    *,
    problems: dict[str, str] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "account": me,
        "share_answers": app_store(request).shares_answers(me.id),
        "problems": problems or {},
        "notice": notice,
    }
    return page(request, "account_data.html", context, status_code=status_code)


@router.get("/account/data", response_class=HTMLResponse, include_in_schema=False)
def data_page(request: Request, me: Me) -> HTMLResponse:
    return _data_page(request, me)


@router.get("/account/export", include_in_schema=False)
def export_download(request: Request, me: Me) -> JSONResponse:
    stamp = utcnow().strftime("%Y%m%d")
    return JSONResponse(
        export_data(request, me),
        headers={
            "content-disposition": f'attachment; filename="prepdeck-{me.name}-{stamp}.json"',
            "cache-control": "no-store",
        },
    )


@router.post("/account/share", response_class=HTMLResponse, include_in_schema=False)
def share_form(
    request: Request, me: Me, share_answers: Annotated[bool, Form()] = False
) -> HTMLResponse:
    app_store(request).set_share_answers(me.id, share_answers)
    notice = (
        "Admins can now read your typed answers."
        if share_answers
        else "Your typed answers are private again."
    )
    return _data_page(request, me, notice=notice)


@router.post("/account/delete", include_in_schema=False)
def delete_form(request: Request, me: Me, password: Password = "") -> Response:
    try:
        delete_account(request, me, password)
    except TooManyAttempts as exc:
        problems = {"password": str(exc)}
        return retry_later(_data_page(request, me, problems=problems, status_code=429), exc)
    except AccountError as exc:
        return _data_page(request, me, problems={exc.field: exc.reason}, status_code=422)
    response = RedirectResponse("/sign-in?deleted=1", status_code=303)
    end_session_cookie(request, response)
    return response


# JSON twins ------------------------------------------------------------------------------
class ShareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    share_answers: bool


class DeleteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=1, max_length=MAX_PASSWORD + 1)


@router.get("/api/account/export", tags=["accounts"])
def export_api(request: Request, me: Me) -> dict[str, Any]:
    """All of your data: account, progress (cards, review log), mocks, sessions, token labels."""
    return export_data(request, me)


@router.post("/api/account/share", tags=["accounts"])
def share_api(request: Request, me: Me, body: ShareRequest) -> dict[str, Any]:
    """Let admins read your typed answers (``share_answers`` true), or stop them."""
    app_store(request).set_share_answers(me.id, body.share_answers)
    return {"share_answers": body.share_answers}


@router.post("/api/account/delete", tags=["accounts"], response_model=None)
def delete_api(request: Request, me: Me, body: DeleteRequest) -> Any:
    """Delete your account and your own data after checking your password (422 naming
    ``password`` when wrong, 429 while sign-ins are paused). Shared banks stay."""
    try:
        delete_account(request, me, body.password)
    except TooManyAttempts as exc:
        return too_many_attempts(request, exc)
    except AccountError as exc:
        return invalid_input(request, str(exc), {exc.field: exc.reason})
    return {"deleted": me.name}
