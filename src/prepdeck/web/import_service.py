"""Import: check an uploaded bank (lint report with the lines), then add it to the store.

The check keeps the upload in the store under a random token for a while (a few per user), so
"Add to my banks" needs no second upload and any server process can take it; the add step
checks the same bytes again and adds them in one store transaction, refused while the report
has errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from prepdeck.storage import SyncResult
from prepdeck.store.context import Context
from prepdeck.upload import CheckedUpload, UploadLimits, check_upload
from prepdeck.web.errors import Conflict, NotFound

#: How long a checked upload waits for "Add to my banks".
PENDING_TTL = timedelta(minutes=30)


@dataclass(frozen=True)
class ImportReport:
    """A checked upload; ``token`` names it for the add step. ``replaces`` if the bank exists."""

    token: str
    upload: CheckedUpload
    replaces: bool
    unchanged: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "replaces_existing_bank": self.replaces,
            "same_as_loaded": self.unchanged,
            **self.upload.to_dict(),
        }


@dataclass(frozen=True)
class ImportResult:
    bank: str
    result: SyncResult
    topics: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        r = self.result
        return {
            "bank": self.bank,
            "added": r.added,
            "updated": r.updated,
            "unchanged": r.unchanged,
            "retired": r.retired,
            "skipped_duplicates": list(r.skipped_duplicates),
            "topics": list(self.topics),
        }


def _check(ctx: Context, filename: str, data: bytes) -> CheckedUpload:
    return check_upload(filename, data, UploadLimits.for_upload_size(ctx.settings.upload_max_bytes))


def check(ctx: Context, filename: str, data: bytes) -> ImportReport:
    """Lint an upload (``.md``/``.markdown`` or ``.zip``). Raises UploadError when refused."""
    upload = _check(ctx, filename, data)
    loaded = ctx.store.bank_fingerprint(upload.bank_name)
    token = ctx.store.put_pending_import(ctx.user, filename, data) if upload.ok else ""
    return ImportReport(token, upload, loaded is not None, loaded == upload.fingerprint)


def add(ctx: Context, token: str) -> ImportResult:
    """Load a checked upload into the store as bank ``upload.bank_name`` (one transaction).

    The upload stays pending until the bank is in, so a failed add can be retried.
    """
    pending = ctx.store.pending_import(ctx.user, token, PENDING_TTL)
    if pending is None:
        raise NotFound("this upload has expired or was already added; upload it again")
    upload = _check(ctx, *pending)
    if not upload.ok:
        raise Conflict("this upload has errors; fix them and upload it again")
    result = ctx.store.sync_bank(
        upload.bank_name, upload.source, upload.items, fingerprint=upload.fingerprint
    )
    ctx.store.drop_pending_import(ctx.user, token)
    return ImportResult(upload.bank_name, result, upload.topics)
