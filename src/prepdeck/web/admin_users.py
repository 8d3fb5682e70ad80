"""Admin: the accounts of this server. List them, invite by link, disable/enable, reset a
password. Admins only (403 for learners); every change is a CSRF-protected form or an API call.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from prepdeck.accounts import MAX_PASSWORD, Account, AccountError, Role
from prepdeck.scheduling import humanise
from prepdeck.web.deps import RowId, app_store, base_settings, get_admin, page
from prepdeck.web.errors import NotFound, invalid_input

router = APIRouter()
Admin = Annotated[Account, Depends(get_admin)]

NOTICES = {
    "disabled": "Account disabled: signed out everywhere; its API tokens are refused.",
    "enabled": "Account enabled; it can sign in again.",
    "password": "Password set; the account was signed out everywhere. Tell them the new one.",
}


def _target(request: Request, user_id: int) -> Account:
    account = app_store(request).account(user_id)
    if account is None:
        raise NotFound(f"there is no account with id {user_id}")
    return account


def set_disabled(request: Request, admin: Account, user_id: int, disabled: bool) -> Account:
    """Disable or enable an account; an admin cannot disable themselves (AccountError)."""
    account = _target(request, user_id)
    if disabled and account.id == admin.id:
        raise AccountError("user", "you cannot disable your own account")
    app_store(request).set_disabled(account.id, disabled)
    return account


def reset_password(request: Request, user_id: int, password: str) -> Account:
    account = _target(request, user_id)
    app_store(request).set_password(account.id, password)
    return account


def invite(request: Request, admin: Account, role: str) -> str:
    """A new single-use sign-up link (absolute URL) for an account of ``role``."""
    settings = base_settings(request)
    secret = app_store(request).create_invitation(role, settings.invitation_lifetime, admin.id)
    return f"{str(request.base_url).rstrip('/')}/invitations/{secret}"


def _account_dict(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "name": account.name,
        "role": account.role.value,
        "disabled": account.disabled,
        "has_password": account.has_password,
        "created_at": account.created_at.isoformat(),
    }


def _users_page(
    request: Request,
    admin: Account,
    *,
    notice: str = "",
    problems: dict[str, str] | None = None,
    invitation: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = {
        "me": admin,
        "accounts": app_store(request).accounts(),
        "notice": notice,
        "problems": problems or {},
        "invitation": invitation,
        "lifetime": humanise(base_settings(request).invitation_lifetime),
        "signup": base_settings(request).signup,
    }
    return page(request, "admin_users.html", context, status_code=status_code)


@router.get("/admin/users", response_class=HTMLResponse, include_in_schema=False)
def users_page(
    request: Request, admin: Admin, saved: Annotated[str, Query(max_length=20)] = ""
) -> HTMLResponse:
    return _users_page(request, admin, notice=NOTICES.get(saved, ""))


@router.post("/admin/users/{user_id}/disable", include_in_schema=False)
def disable_form(request: Request, admin: Admin, user_id: RowId) -> Response:
    try:
        set_disabled(request, admin, user_id, True)
    except AccountError as exc:
        return _users_page(request, admin, problems={exc.field: exc.reason}, status_code=422)
    return RedirectResponse("/admin/users?saved=disabled", status_code=303)


@router.post("/admin/users/{user_id}/enable", include_in_schema=False)
def enable_form(request: Request, admin: Admin, user_id: RowId) -> Response:
    set_disabled(request, admin, user_id, False)
    return RedirectResponse("/admin/users?saved=enabled", status_code=303)


@router.post("/admin/users/{user_id}/password", include_in_schema=False)
def password_form(
    request: Request,
    admin: Admin,
    user_id: RowId,
    password: Annotated[str, Form(max_length=MAX_PASSWORD + 1)] = "",
) -> Response:
    try:
        reset_password(request, user_id, password)
    except AccountError as exc:
        return _users_page(request, admin, problems={exc.field: exc.reason}, status_code=422)
    return RedirectResponse("/admin/users?saved=password", status_code=303)


@router.post("/admin/invitations", response_class=HTMLResponse, include_in_schema=False)
def invite_form(
    request: Request, admin: Admin, role: Annotated[str, Form(max_length=20)] = "learner"
) -> HTMLResponse:
    try:
        link = invite(request, admin, role)
    except AccountError as exc:
        return _users_page(request, admin, problems={exc.field: exc.reason}, status_code=422)
    return _users_page(request, admin, invitation=link, status_code=201)


# JSON twins ------------------------------------------------------------------------------
@router.get("/api/admin/users", tags=["admin"])
def users_api(request: Request, admin: Admin) -> list[dict[str, Any]]:
    """Every account: id, name, role, disabled, has_password, created_at (admins only)."""
    return [_account_dict(a) for a in app_store(request).accounts()]


class DisabledBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    disabled: bool


@router.put("/api/admin/users/{user_id}/disabled", tags=["admin"], response_model=None)
def disabled_api(
    request: Request, admin: Admin, user_id: RowId, body: DisabledBody
) -> dict[str, Any] | Response:
    """Disable (signed out everywhere, tokens refused) or enable an account."""
    try:
        set_disabled(request, admin, user_id, body.disabled)
    except AccountError as exc:
        return invalid_input(request, str(exc), {exc.field: exc.reason})
    return _account_dict(_target(request, user_id))


class PasswordBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(max_length=MAX_PASSWORD + 1)


@router.put("/api/admin/users/{user_id}/password", tags=["admin"], response_model=None)
def password_api(
    request: Request, admin: Admin, user_id: RowId, body: PasswordBody
) -> dict[str, Any] | Response:
    """Set a new password for an account; it is signed out everywhere."""
    try:
        account = reset_password(request, user_id, body.password)
    except AccountError as exc:
        return invalid_input(request, str(exc), {exc.field: exc.reason})
    return _account_dict(account)


class InvitationBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["admin", "learner"] = Role.LEARNER.value


@router.post("/api/admin/invitations", tags=["admin"], status_code=201)
def invite_api(request: Request, admin: Admin, body: InvitationBody) -> dict[str, str]:
    """A single-use sign-up link for a new account of ``role``; shown only in this answer."""
    return {"url": invite(request, admin, body.role), "role": body.role}
