"""Exchange: banks out as Anki ``.apkg``, CSV or JSON (with or without your schedule), your
progress out and in as JSON, and ``.apkg``/CSV/JSON files in as a markdown bank.

A bank to import is turned into one markdown page (:mod:`prepdeck.interchange.files`) and
handed to the Import flow (:mod:`prepdeck.web.import_service`): the page's lint report here,
the page kept in the store under a token, and ``/import/{token}/add`` adds it. With accounts
on, only admins import banks (a bank is everyone's); exports and progress are each user's own.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from prepdeck.errors import Location, PrepdeckError
from prepdeck.interchange import progress as progress_json
from prepdeck.interchange.errors import InterchangeError
from prepdeck.interchange.files import (
    EXPORT_FORMATS,
    IMPORT_SUFFIXES,
    AnkiOptions,
    ConvertedPage,
    ExportedFile,
    convert_upload,
    export_bank_file,
    read_progress_upload,
    upload_name,
)
from prepdeck.interchange.progress import ProgressImportResult, cards_by_item
from prepdeck.scheduling import utcnow
from prepdeck.storage import QueueFilter
from prepdeck.store.context import Context
from prepdeck.upload import UploadError
from prepdeck.web import import_service
from prepdeck.web.deps import can_add_banks, get_ctx, may_add_banks, page
from prepdeck.web.errors import NotFound, WebError
from prepdeck.web.import_service import ImportReport

router = APIRouter()
Ctx = Annotated[Context, Depends(get_ctx)]
Format = Literal["apkg", "csv", "json"]
BankName = Annotated[str, Query(min_length=1, max_length=1000, description="A bank's name.")]
FormatQuery = Annotated[Format, Query(description="apkg (Anki package), csv or json.")]
WithProgress = Annotated[
    bool, Query(description="Include your scheduling state (due dates, FSRS memory state).")
]
Upload = Annotated[UploadFile | None, File(description="The file to import.")]
Strict = Annotated[
    bool, Form(description="Refuse the whole file if an item is not on this server.")
]
#: More items than any bank holds; a bound so one export cannot read without end.
MAX_ITEMS = 200_000


class TooLarge(WebError):
    """An upload, or the page made from it, is over the upload limit (413)."""

    status = 413
    title = "Upload too large"


# service ----------------------------------------------------------------------------------
def _bank_exists(ctx: Context, bank: str) -> None:
    """NotFound unless ``ctx.user`` may see ``bank`` (learners: published banks, bundled)."""
    if bank not in {b.name for b in ctx.store.bank_listings(ctx.user)}:
        raise NotFound(f"no bank named {bank!r}: see /api/exchange for the banks you can export")


def export_bank(ctx: Context, bank: str, output_format: str, with_progress: bool) -> ExportedFile:
    """Bank ``bank`` as a file, with ``ctx.user``'s schedule when ``with_progress``."""
    _bank_exists(ctx, bank)
    views = ctx.store.all_cards(ctx.user, QueueFilter(banks=(bank,)), MAX_ITEMS)
    items = [v.item for v in views]
    cards = None
    if with_progress:
        mine = ctx.store.export_progress(ctx.user).cards
        cards = cards_by_item(mine, (i.id for i in items), (bank,))
    options = AnkiOptions.of(ctx.settings, ctx.scheduler.parameters)
    return export_bank_file(items, output_format, bank=bank, cards=cards, options=options)


def _download(exported: ExportedFile) -> Response:
    return Response(
        exported.data,
        media_type=exported.media_type,
        headers={
            "content-disposition": f'attachment; filename="{exported.filename}"',
            "cache-control": "no-store",
        },
    )


def _progress_download(ctx: Context) -> Response:
    text = progress_json.dumps(ctx.store.export_progress(ctx.user))
    stamp = utcnow().strftime("%Y%m%d")
    return _download(
        ExportedFile(f"prepdeck-progress-{stamp}.json", "application/json", text.encode())
    )


def _read(ctx: Context, file: UploadFile | None, what: str) -> tuple[str, bytes]:
    if file is None or not file.filename:
        raise UploadError(f"choose {what} to upload")
    limit = ctx.settings.upload_max_bytes
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(
            f"the upload is over the {limit / 1e6:.1f} MB limit",
            Location(upload_name(file.filename)),
        )
    return file.filename, data


def import_progress(
    ctx: Context, filename: str, data: bytes, *, strict: bool
) -> ProgressImportResult:
    """Merge an uploaded progress file into ``ctx.user``'s cards and log (one transaction).

    Raises :class:`InterchangeError` naming the file: malformed, or with ``strict`` an item
    that is not on this server (then nothing changes).
    """
    progress = read_progress_upload(filename, data)
    try:
        return ctx.store.import_progress(ctx.user, progress, strict=strict)
    except InterchangeError as exc:
        raise InterchangeError(exc.message, Location(upload_name(filename))) from None


def convert_bank(ctx: Context, filename: str, data: bytes) -> tuple[ConvertedPage, ImportReport]:
    """Turn an uploaded bank into a markdown page and check it as Import does: the page and
    Import's report (its token adds the page with ``/import/{token}/add``)."""
    converted = convert_upload(filename, data)
    limit = ctx.settings.upload_max_bytes
    encoded = converted.text.encode()
    if len(encoded) > limit:
        raise TooLarge(
            f"the markdown page made from it is {len(encoded) / 1e6:.1f} MB, over the "
            f"{limit / 1e6:.1f} MB upload limit; split the file",
            Location(converted.source),
        )
    return converted, import_service.check(ctx, converted.filename, encoded)


def result_dict(result: ProgressImportResult) -> dict[str, Any]:
    return {
        "cards_added": result.cards_added,
        "cards_updated": result.cards_updated,
        "cards_unchanged": result.cards_unchanged,
        "cards_kept_newer_here": result.conflicts,
        "reviews_added": result.reviews_added,
        "reviews_already_here": result.reviews_present,
        "skipped_unknown_items": list(result.unknown),
        "parameters_set": result.parameters_set,
        "changed": result.changed,
    }


def overview(request: Request, ctx: Context) -> dict[str, Any]:
    return {
        "banks": [
            {"name": b.name, "items": b.items, "topics": b.topics}
            for b in ctx.store.bank_listings(ctx.user)
        ],
        "formats": list(EXPORT_FORMATS),
        "may_import_banks": can_add_banks(request),
        "import_suffixes": list(IMPORT_SUFFIXES),
        "upload_max_bytes": ctx.settings.upload_max_bytes,
    }


# pages ------------------------------------------------------------------------------------
def _page(request: Request, ctx: Context, status_code: int = 200, **extra: Any) -> HTMLResponse:
    values = {
        **overview(request, ctx),
        "max_mb": ctx.settings.upload_max_bytes / 1e6,
        "bank_error": None,
        "progress_error": None,
        "converted": None,
        "report": None,
        "imported": None,
        **extra,
    }
    return page(request, "exchange.html", values, status_code=status_code)


def _status(exc: PrepdeckError) -> int:
    return exc.status if isinstance(exc, WebError) else 400


@router.get("/exchange", response_class=HTMLResponse, include_in_schema=False)
def exchange_page(request: Request, ctx: Ctx) -> HTMLResponse:
    return _page(request, ctx)


@router.get("/export/bank", include_in_schema=False)
def export_bank_download(
    ctx: Ctx, bank: BankName, format: FormatQuery = "apkg", progress: WithProgress = False
) -> Response:
    return _download(export_bank(ctx, bank, format, progress))


@router.get("/export/progress", include_in_schema=False)
def export_progress_download(ctx: Ctx) -> Response:
    return _progress_download(ctx)


@router.post("/exchange/progress", response_class=HTMLResponse, include_in_schema=False)
def import_progress_form(
    request: Request, ctx: Ctx, file: Upload = None, strict: Strict = False
) -> HTMLResponse:
    try:
        result = import_progress(ctx, *_read(ctx, file, "a progress file"), strict=strict)
    except PrepdeckError as exc:
        return _page(request, ctx, _status(exc), progress_error=str(exc))
    return _page(request, ctx, imported=result_dict(result))


@router.post(
    "/exchange/bank",
    response_class=HTMLResponse,
    include_in_schema=False,
    dependencies=[Depends(may_add_banks)],
)
def import_bank_form(request: Request, ctx: Ctx, file: Upload = None) -> HTMLResponse:
    try:
        converted, report = convert_bank(ctx, *_read(ctx, file, "a file"))
    except PrepdeckError as exc:
        return _page(request, ctx, _status(exc), bank_error=str(exc))
    return _page(request, ctx, converted=converted, report=report)


# JSON twins -------------------------------------------------------------------------------
@router.get("/api/exchange", tags=["exchange"])
def exchange_api(request: Request, ctx: Ctx) -> dict[str, Any]:
    """The banks you can export, the formats, and whether you may import banks."""
    return overview(request, ctx)


@router.get(
    "/api/export/bank",
    tags=["exchange"],
    response_class=Response,
    responses={200: {"content": {m: {} for m in ("application/x-apkg", "text/csv")}}},
)
def export_bank_api(
    ctx: Ctx, bank: BankName, format: FormatQuery = "apkg", progress: WithProgress = False
) -> Response:
    """Download a bank as an Anki package, CSV or JSON (an attachment), with your scheduling
    state when ``progress`` is true. 404 for a bank you cannot see."""
    return _download(export_bank(ctx, bank, format, progress))


@router.get("/api/export/progress", tags=["exchange"], response_class=Response)
def export_progress_api(ctx: Ctx) -> Response:
    """Download your progress (cards, review log, parameters, settings) as JSON."""
    return _progress_download(ctx)


@router.post("/api/exchange/progress", tags=["exchange"])
def import_progress_api(ctx: Ctx, file: Upload = None, strict: Strict = False) -> dict[str, Any]:
    """Merge a progress file into your cards and review log (one transaction): what was
    added, already here or skipped. A malformed file is a 400 naming it; nothing changes."""
    return result_dict(import_progress(ctx, *_read(ctx, file, "a progress file"), strict=strict))


@router.post("/api/exchange/bank", tags=["exchange"], dependencies=[Depends(may_add_banks)])
def import_bank_api(ctx: Ctx, file: Upload = None) -> dict[str, Any]:
    """Turn an .apkg, CSV or JSON file into a markdown page and check it as ``/api/import``
    does: the report and a ``token``; add it with ``POST /api/import/{token}/add``."""
    converted, report = convert_bank(ctx, *_read(ctx, file, "a file"))
    return {
        "converted_from": converted.source,
        "page": converted.filename,
        "conversion_warnings": list(converted.warnings),
        **report.to_dict(),
    }
