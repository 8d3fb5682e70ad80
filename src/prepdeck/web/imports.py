"""Import: upload a markdown bank or a .zip of a folder, read the lint report, then add it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from prepdeck.store.context import Context
from prepdeck.upload import UploadError, UploadTooLarge
from prepdeck.web import import_service
from prepdeck.web.deps import get_ctx, may_add_banks, page
from prepdeck.web.errors import problem

router = APIRouter()
Ctx = Annotated[Context, Depends(get_ctx)]
Token = Annotated[str, Path(min_length=10, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Upload = Annotated[
    UploadFile | None, File(description="A .md/.markdown page or a .zip of a folder of pages.")
]


def _read(ctx: Context, file: UploadFile | None) -> tuple[str, bytes]:
    if file is None or not file.filename:
        raise UploadError("choose a file to upload")
    limit = ctx.settings.upload_max_bytes
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge(f"the upload is over the {limit / 1e6:.1f} MB limit")
    return file.filename, data


def _status(exc: UploadError) -> int:
    return 413 if isinstance(exc, UploadTooLarge) else 400


def _values(ctx: Context, **extra: Any) -> dict[str, Any]:
    return {"max_mb": ctx.settings.upload_max_bytes / 1e6, "report": None, "error": None, **extra}


@router.get("/import", response_class=HTMLResponse, include_in_schema=False)
def import_page(request: Request, ctx: Ctx) -> HTMLResponse:
    return page(request, "import.html", _values(ctx))


@router.post("/import", response_class=HTMLResponse, include_in_schema=False)
def import_form(request: Request, ctx: Ctx, file: Upload = None) -> HTMLResponse:
    try:
        report = import_service.check(ctx, *_read(ctx, file))
    except UploadError as exc:
        return page(request, "import.html", _values(ctx, error=str(exc)), _status(exc))
    return page(request, "import.html", _values(ctx, report=report))


@router.post(
    "/import/{token}/add",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(may_add_banks)],
)
def add_form(request: Request, token: Token, ctx: Ctx) -> HTMLResponse:
    done = import_service.add(ctx, token)
    return page(request, "import_added.html", {"done": done})


@router.post("/api/import", tags=["import"], response_model=None)
def import_api(request: Request, ctx: Ctx, file: Upload = None) -> Any:
    """Check an upload: the lint report with the offending lines, and a ``token`` for the add
    step when it has no errors. Nothing is stored yet."""
    try:
        return import_service.check(ctx, *_read(ctx, file)).to_dict()
    except UploadError as exc:
        title = "Upload too large" if isinstance(exc, UploadTooLarge) else "Upload refused"
        response: Response = problem(request, _status(exc), title, str(exc))
        return response


@router.post("/api/import/{token}/add", tags=["import"], dependencies=[Depends(may_add_banks)])
def add_api(token: Token, ctx: Ctx) -> dict[str, Any]:
    """Add a checked upload to your banks (one transaction): counts added/updated/retired."""
    return import_service.add(ctx, token).to_dict()
