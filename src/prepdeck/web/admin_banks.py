"""Admin: shared banks and how the group is doing (issue 9, point 2). Admins only.

Banks come in through Import (an upload) or from a path on the server; an admin publishes
them, and learners then see them in every queue with their own progress. The group's progress
is aggregated per bank and topic, weakest first; typed answers appear only for learners who
chose to share them (``/account/data``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from prepdeck.accounts import Account
from prepdeck.scheduling import Scheduler, utcnow
from prepdeck.shared_banks import (
    BankError,
    BankListing,
    TopicProgress,
    group_progress,
    load_bank_path,
)
from prepdeck.web.deps import app_store, base_settings, get_admin, page
from prepdeck.web.errors import NotFound

router = APIRouter()
Admin = Annotated[Account, Depends(get_admin)]
MAX_NAME = 1000
MAX_PATH = 4096

NOTICES = {
    "published": "Bank published: learners see it now.",
    "withdrawn": "Bank withdrawn: learners no longer see it; their progress on it is kept.",
    "loaded": "Bank loaded from the server and published.",
}


def set_published(request: Request, admin: Account, bank: str, published: bool) -> BankListing:
    """Publish or withdraw ``bank``; NotFound when no bank has that name."""
    try:
        return app_store(request).set_bank_published(bank, published, by=admin.id)
    except BankError as exc:
        if "no bank named" in exc.reason:
            raise NotFound(str(exc)) from None
        raise


def load_and_publish(request: Request, admin: Account, path: str) -> BankListing:
    """Load the bank at ``path`` on the server and publish it (BankError naming ``path``)."""
    if not path.strip():
        raise BankError("path", "give the path of a page or folder on the server")
    store = app_store(request)
    name, _ = load_bank_path(store, Path(path.strip()))
    return store.set_bank_published(name, True, by=admin.id)


def progress(request: Request) -> list[TopicProgress]:
    scheduler = Scheduler(base_settings(request))
    return group_progress(app_store(request).group_snapshot(), scheduler, utcnow())


def _banks_page(
    request: Request,
    admin: Account,
    *,
    notice: str = "",
    problems: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    store = app_store(request)
    context = {
        "me": admin,
        "banks": store.bank_listings(),
        "topics": progress(request),
        "answers": store.shared_answers(),
        "notice": notice,
        "problems": problems or {},
    }
    return page(request, "admin_banks.html", context, status_code=status_code)


@router.get("/admin/banks", response_class=HTMLResponse, include_in_schema=False)
def banks_page(
    request: Request, admin: Admin, saved: Annotated[str, Query(max_length=20)] = ""
) -> HTMLResponse:
    return _banks_page(request, admin, notice=NOTICES.get(saved, ""))


@router.post("/admin/banks/publish", include_in_schema=False)
def publish_form(
    request: Request,
    admin: Admin,
    bank: Annotated[str, Form(max_length=MAX_NAME)] = "",
    published: Annotated[bool, Form()] = True,
) -> Response:
    try:
        set_published(request, admin, bank, published)
    except BankError as exc:
        return _banks_page(request, admin, problems={exc.field: exc.reason}, status_code=422)
    saved = "published" if published else "withdrawn"
    return RedirectResponse(f"/admin/banks?saved={saved}", status_code=303)


@router.post("/admin/banks/load", include_in_schema=False)
def load_form(
    request: Request, admin: Admin, path: Annotated[str, Form(max_length=MAX_PATH)] = ""
) -> Response:
    try:
        load_and_publish(request, admin, path)
    except BankError as exc:
        return _banks_page(request, admin, problems={exc.field: exc.reason}, status_code=422)
    return RedirectResponse("/admin/banks?saved=loaded", status_code=303)


# JSON twins ------------------------------------------------------------------------------
class PublishRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bank: str = Field(min_length=1, max_length=MAX_NAME)
    published: bool = True


class LoadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str = Field(min_length=1, max_length=MAX_PATH)


@router.get("/api/admin/banks", tags=["admin"])
def banks_api(request: Request, admin: Admin) -> dict[str, Any]:
    """Every loaded bank, published or not (admins only)."""
    return {"banks": [b.to_dict() for b in app_store(request).bank_listings()]}


@router.post("/api/admin/banks/publish", tags=["admin"])
def publish_api(request: Request, admin: Admin, body: PublishRequest) -> dict[str, Any]:
    """Publish (``published`` true) or withdraw a bank; 404 when no bank has that name."""
    return set_published(request, admin, body.bank, body.published).to_dict()


@router.post("/api/admin/banks/load", tags=["admin"])
def load_api(request: Request, admin: Admin, body: LoadRequest) -> dict[str, Any]:
    """Load the bank at a path on the server and publish it; 400 naming ``path`` if refused."""
    return load_and_publish(request, admin, body.path).to_dict()


@router.get("/api/admin/progress", tags=["admin"])
def progress_api(request: Request, admin: Admin) -> dict[str, Any]:
    """The group per bank and topic, weakest first (no names, no answers)."""
    return {"topics": [t.to_dict() for t in progress(request)]}


@router.get("/api/admin/answers", tags=["admin"])
def answers_api(request: Request, admin: Admin) -> dict[str, Any]:
    """Typed answers of the learners who share them with admins, newest first."""
    return {"answers": [a.to_dict() for a in app_store(request).shared_answers()]}
