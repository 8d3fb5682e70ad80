"""The signed-in user's account: password change and API tokens (create, list, revoke).

A new token is shown once, on the page that created it (never in a URL or a redirect); the
database keeps only its hash. Changing the password ends every other sign-in of the account.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from prepdeck.accounts import MAX_PASSWORD, MAX_TOKEN_LABEL, Account, AccountError, ApiToken
from prepdeck.sign_in import TooManyAttempts
from prepdeck.web.auth import confirm_password, retry_later, start_session, too_many_attempts
from prepdeck.web.deps import RowId, app_store, get_account, page
from prepdeck.web.errors import NotFound, invalid_input

router = APIRouter()
Me = Annotated[Account, Depends(get_account)]
Password = Annotated[str, Form(max_length=MAX_PASSWORD + 1)]


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _token_dict(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "label": token.label,
        "created_at": _when(token.created_at),
        "last_used_at": _when(token.last_used_at),
    }


def _account_dict(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "name": account.name,
        "role": account.role.value,
        "created_at": _when(account.created_at),
    }


def change_password(request: Request, account: Account, current: str, new: str) -> None:
    """Check ``current`` (rate-limited like a sign-in), then set ``new``.

    Raises :class:`AccountError` naming ``current_password`` or ``password``; every session
    of the account ends (the caller starts a new one for this browser).
    """
    reason = "is not your current password"
    confirm_password(request, account, current, field="current_password", reason=reason)
    app_store(request).set_password(account.id, new)


def _account_page(
    request: Request,
    me: Account,
    *,
    problems: dict[str, str] | None = None,
    new_token: str | None = None,
    notice: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "account": me,
        "tokens": app_store(request).api_tokens(me.id),
        "problems": problems or {},
        "new_token": new_token,
        "notice": notice,
        "max_label": MAX_TOKEN_LABEL,
    }
    return page(request, "account.html", context, status_code=status_code)


NOTICES = {
    "password": "Password changed. Your other sign-ins were ended.",
    "revoked": "Token revoked; it no longer works.",
}


@router.get("/account", response_class=HTMLResponse, include_in_schema=False)
def account_page(
    request: Request, me: Me, saved: Annotated[str, Query(max_length=20)] = ""
) -> HTMLResponse:
    return _account_page(request, me, notice=NOTICES.get(saved, ""))


@router.post("/account/password", include_in_schema=False)
def password_form(
    request: Request,
    me: Me,
    current_password: Password = "",
    password: Password = "",
    confirm: Password = "",
) -> Response:
    try:
        if password != confirm:
            raise AccountError("confirm", "the two new passwords differ")
        change_password(request, me, current_password, password)
    except TooManyAttempts as exc:
        problems = {"current_password": str(exc)}
        return retry_later(_account_page(request, me, problems=problems, status_code=429), exc)
    except AccountError as exc:
        return _account_page(request, me, problems={exc.field: exc.reason}, status_code=422)
    response = RedirectResponse("/account?saved=password", status_code=303)
    start_session(request, response, me.id)
    return response


@router.post("/account/tokens", response_class=HTMLResponse, include_in_schema=False)
def token_form(
    request: Request, me: Me, label: Annotated[str, Form(max_length=1000)] = ""
) -> HTMLResponse:
    try:
        token = app_store(request).create_api_token(me.id, label)
    except AccountError as exc:
        return _account_page(request, me, problems={exc.field: exc.reason}, status_code=422)
    return _account_page(request, me, new_token=token, status_code=201)


@router.post("/account/tokens/{token_id}/revoke", include_in_schema=False)
def revoke_form(request: Request, me: Me, token_id: RowId) -> Response:
    if not app_store(request).revoke_api_token(me.id, token_id):
        raise NotFound("you have no live API token with that id")
    return RedirectResponse("/account?saved=revoked", status_code=303)


# JSON twins ------------------------------------------------------------------------------
@router.get("/api/account", tags=["accounts"])
def account_api(me: Me) -> dict[str, Any]:
    """The signed-in account: id, name, role, created_at."""
    return _account_dict(me)


class PasswordBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(max_length=MAX_PASSWORD + 1)
    new_password: str = Field(max_length=MAX_PASSWORD + 1)


@router.put("/api/account/password", tags=["accounts"], response_model=None)
def password_api(request: Request, me: Me, body: PasswordBody) -> dict[str, Any] | Response:
    """Change the password (every browser sign-in ends; API tokens keep working)."""
    try:
        change_password(request, me, body.current_password, body.new_password)
    except TooManyAttempts as exc:
        return too_many_attempts(request, exc)
    except AccountError as exc:
        return invalid_input(request, str(exc), {exc.field: exc.reason})
    return _account_dict(me)


@router.get("/api/tokens", tags=["accounts"])
def tokens_api(request: Request, me: Me) -> list[dict[str, Any]]:
    """Your live API tokens (never the tokens themselves): id, label, created, last used."""
    return [_token_dict(t) for t in app_store(request).api_tokens(me.id)]


class TokenBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(max_length=MAX_TOKEN_LABEL)


@router.post("/api/tokens", tags=["accounts"], status_code=201, response_model=None)
def create_token_api(request: Request, me: Me, body: TokenBody) -> dict[str, Any] | Response:
    """A new API token; ``token`` is in this answer only. Send it as a Bearer token."""
    store = app_store(request)
    try:
        secret = store.create_api_token(me.id, body.label)
    except AccountError as exc:
        return invalid_input(request, str(exc), {exc.field: exc.reason})
    newest = store.api_tokens(me.id)[0]
    return {**_token_dict(newest), "token": secret}


@router.delete("/api/tokens/{token_id}", tags=["accounts"], status_code=204)
def revoke_token_api(request: Request, me: Me, token_id: RowId) -> Response:
    """Revoke one of your tokens; 404 if you have no live token with that id."""
    if not app_store(request).revoke_api_token(me.id, token_id):
        raise NotFound("you have no live API token with that id")
    return Response(status_code=204)
