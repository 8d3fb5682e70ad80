"""Signing in and out, signing up and accepting an invitation (accounts on).

A sign-in is a server-side session: the browser holds a random cookie value (HttpOnly,
SameSite=Lax, Secure over https) and the database only its SHA-256, so sessions survive
restarts, work on every worker and end the moment they are deleted. Every form here carries
the CSRF token like any other; signing in also replaces the CSRF cookie.
"""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from prepdeck.accounts import MAX_PASSWORD, Account, AccountError, Invitation, Role
from prepdeck.scheduling import utcnow
from prepdeck.sign_in import SignInLimits, SignInRefused, TooManyAttempts, sign_in
from prepdeck.web.deps import (
    SESSION_COOKIE,
    AdminRequired,
    SignInRequired,
    app_store,
    base_settings,
    page,
)
from prepdeck.web.errors import problem, wants_json
from prepdeck.web.security import CSRF_COOKIE, secure_cookie

router = APIRouter()
Name = Annotated[str, Form(max_length=100)]
Password = Annotated[str, Form(max_length=MAX_PASSWORD + 1)]


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def safe_next(target: str | None) -> str:
    """A same-site path to go to after signing in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def start_session(request: Request, response: Response, user: int) -> None:
    """Sign ``user`` in on this browser: a new session cookie and a new CSRF cookie."""
    settings = base_settings(request)
    store = app_store(request)
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        store.end_auth_session(old)
    secret = store.create_auth_session(user, settings.session_lifetime)
    secure = secure_cookie(settings.secure_cookies, request.url.scheme)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(settings.session_lifetime.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    # A CSRF token planted before sign-in (say, by a sibling subdomain) stops working.
    response.set_cookie(
        CSRF_COOKIE,
        secrets.token_urlsafe(32),
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure,
    )


def end_session_cookie(request: Request, response: Response) -> None:
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        app_store(request).end_auth_session(secret)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def _limits(request: Request) -> SignInLimits:
    settings = base_settings(request)
    return SignInLimits(
        settings.sign_in_failures_per_account,
        settings.sign_in_failures_per_address,
        settings.sign_in_window,
    )


def check_sign_in(request: Request, name: str, password: str) -> Account:
    """:func:`prepdeck.sign_in.sign_in` with this request's store, address and limits."""
    store = app_store(request)
    return sign_in(store, name, password, _address(request), utcnow(), _limits(request))


def confirm_password(
    request: Request, account: Account, password: str, *, field: str, reason: str
) -> None:
    """Check that ``password`` is ``account``'s, rate-limited like a sign-in.

    Raises :class:`TooManyAttempts` while signing in is paused, and :class:`AccountError`
    (``field``, ``reason``) when the password is wrong.
    """
    try:
        check_sign_in(request, account.name, password)
    except TooManyAttempts:
        raise
    except SignInRefused:
        raise AccountError(field, reason) from None


def retry_later(response: Response, exc: TooManyAttempts) -> Response:
    """``response`` with ``Retry-After``: the seconds until signing in works again."""
    response.headers["retry-after"] = str(exc.retry_after)
    return response


def too_many_attempts(request: Request, exc: TooManyAttempts) -> Response:
    """The 429 problem for a password check while signing in is paused."""
    return retry_later(problem(request, 429, "Too many attempts", str(exc)), exc)


def _refused_status(exc: SignInRefused) -> tuple[int, dict[str, str]]:
    if isinstance(exc, TooManyAttempts):
        return 429, {"retry-after": str(exc.retry_after)}
    return 401, {}


# sign in / out ---------------------------------------------------------------------------
@router.get("/sign-in", response_class=HTMLResponse, include_in_schema=False)
def sign_in_page(
    request: Request, target: Annotated[str, Query(alias="next", max_length=2000)] = "/"
) -> HTMLResponse:
    return _sign_in_form(request, name="", target=target)


def _sign_in_form(
    request: Request, name: str, target: str, error: str = "", status_code: int = 200
) -> HTMLResponse:
    settings = base_settings(request)
    context = {
        "name": name,
        "next": safe_next(target),
        "error": error,
        "signup": settings.signup,
        "accounts": settings.accounts,
    }
    return page(request, "sign_in.html", context, status_code=status_code)


@router.post("/sign-in", include_in_schema=False)
def sign_in_form(
    request: Request,
    name: Name = "",
    password: Password = "",
    target: Annotated[str, Form(alias="next", max_length=2000)] = "/",
) -> Response:
    if not base_settings(request).accounts:
        return RedirectResponse("/", status_code=303)
    try:
        account = check_sign_in(request, name, password)
    except SignInRefused as exc:
        status, headers = _refused_status(exc)
        refused = _sign_in_form(request, name, target, str(exc), status)
        refused.headers.update(headers)
        return refused
    response = RedirectResponse(safe_next(target), status_code=303)
    start_session(request, response, account.id)
    return response


class SignInBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=100)
    password: str = Field(max_length=MAX_PASSWORD + 1)


@router.post("/api/sign-in", tags=["accounts"], response_model=None)
def sign_in_api(request: Request, body: SignInBody) -> dict[str, str] | Response:
    """Sign in this browser (sets the session cookie). Scripts use an API token instead."""
    if not base_settings(request).accounts:
        return problem(request, 404, "Not found", "accounts are off on this server")
    try:
        account = check_sign_in(request, body.name, body.password)
    except SignInRefused as exc:
        status, headers = _refused_status(exc)
        response = problem(request, status, "Sign-in refused", str(exc))
        response.headers.update(headers)
        return response
    response = JSONResponse({"name": account.name, "role": account.role.value})
    start_session(request, response, account.id)
    return response


@router.post("/sign-out", include_in_schema=False)
def sign_out(request: Request) -> Response:
    response = RedirectResponse("/sign-in", status_code=303)
    end_session_cookie(request, response)
    return response


# sign up / invitations -------------------------------------------------------------------
def _account_form(
    request: Request,
    action: str,
    name: str = "",
    problems: dict[str, str] | None = None,
    status_code: int = 200,
    role: Role = Role.LEARNER,
) -> HTMLResponse:
    context = {"action": action, "name": name, "problems": problems or {}, "role": role}
    return page(request, "sign_up.html", context, status_code=status_code)


def _signup_closed(request: Request) -> Response:
    return problem(
        request,
        403,
        "Sign-up is off",
        "This server creates accounts by invitation only; ask an admin for a link.",
    )


@router.get("/sign-up", response_class=HTMLResponse, include_in_schema=False)
def sign_up_page(request: Request) -> Response:
    settings = base_settings(request)
    if not settings.accounts or not settings.signup:
        return _signup_closed(request)
    return _account_form(request, "/sign-up")


def _confirmed(password: str, confirm: str) -> None:
    if password != confirm:
        raise AccountError("confirm", "the two passwords differ")


@router.post("/sign-up", include_in_schema=False)
def sign_up_form(
    request: Request, name: Name = "", password: Password = "", confirm: Password = ""
) -> Response:
    settings = base_settings(request)
    if not settings.accounts or not settings.signup:
        return _signup_closed(request)
    try:
        _confirmed(password, confirm)
        user = app_store(request).create_account(name, password, Role.LEARNER)
    except AccountError as exc:
        return _account_form(request, "/sign-up", name, {exc.field: exc.reason}, 422)
    response = RedirectResponse("/", status_code=303)
    start_session(request, response, user)
    return response


def _invitation_gone(request: Request) -> Response:
    return problem(
        request,
        404,
        "Invitation not valid",
        "This invitation link is used up, has expired or is unknown; ask an admin for a new one.",
    )


def _invitation(request: Request, secret: str) -> Invitation | None:
    """The live invitation ``secret`` names; None if unknown, used up or expired, or accounts
    are off."""
    if not base_settings(request).accounts:
        return None
    return app_store(request).invitation(secret)


@router.get("/invitations/{secret}", response_class=HTMLResponse, include_in_schema=False)
def invitation_page(request: Request, secret: str) -> Response:
    invitation = _invitation(request, secret)
    if invitation is None:
        return _invitation_gone(request)
    return _account_form(request, f"/invitations/{quote(secret)}", role=invitation.role)


@router.post("/invitations/{secret}", include_in_schema=False)
def accept_invitation(
    request: Request, secret: str, name: Name = "", password: Password = "", confirm: Password = ""
) -> Response:
    invitation = _invitation(request, secret)
    if invitation is None:
        return _invitation_gone(request)
    action = f"/invitations/{quote(secret)}"
    try:
        _confirmed(password, confirm)
        user = app_store(request).accept_invitation(secret, name, password)
    except AccountError as exc:
        if exc.field == "invitation":
            return _invitation_gone(request)
        problems = {exc.field: exc.reason}
        return _account_form(request, action, name, problems, 422, invitation.role)
    response = RedirectResponse("/", status_code=303)
    start_session(request, response, user)
    return response


# errors ----------------------------------------------------------------------------------
def install(app: FastAPI) -> None:
    """Answer a request without a user: pages go to /sign-in, the API gets 401 (and 403)."""

    @app.exception_handler(SignInRequired)
    async def _sign_in_required(request: Request, exc: SignInRequired) -> Response:
        if wants_json(request):
            response = problem(request, 401, "Sign-in required", exc.detail)
            response.headers["www-authenticate"] = 'Bearer realm="prepdeck"'
            return response
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        location = f"/sign-in?next={quote(target, safe='')}"
        if request.headers.get("hx-request") == "true":  # htmx: load the page, not a fragment
            return Response(status_code=401, headers={"hx-redirect": location})
        return RedirectResponse(location, status_code=303)

    @app.exception_handler(AdminRequired)
    async def _admin_required(request: Request, exc: AdminRequired) -> Response:
        return problem(request, 403, "Forbidden", "only an admin can open this page")
