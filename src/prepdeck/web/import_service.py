"""Import: check an uploaded bank (lint report with the lines), then add it to the store.

The check keeps the parsed upload under a random token for a while (bounded, in memory), so
"Add to my banks" needs no second upload; adding is one store transaction, refused while
the report has errors.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from prepdeck.storage import SyncResult
from prepdeck.store.context import Context
from prepdeck.upload import CheckedUpload, UploadLimits, check_upload
from prepdeck.web.errors import Conflict, NotFound

MAX_PENDING = 8
PENDING_TTL_S = 30 * 60


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


class PendingImports:
    """Checked uploads waiting for "Add to my banks", by token (oldest dropped when full)."""

    def __init__(self, limit: int = MAX_PENDING, ttl_s: float = PENDING_TTL_S) -> None:
        self.limit, self.ttl_s = limit, ttl_s
        self._pending: OrderedDict[str, tuple[float, CheckedUpload]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, upload: CheckedUpload) -> str:
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._pending[token] = (time.monotonic(), upload)
            while len(self._pending) > self.limit:
                self._pending.popitem(last=False)
        return token

    def take(self, token: str) -> CheckedUpload:
        """Remove and return a pending upload. Raises NotFound when unknown or expired."""
        with self._lock:
            entry = self._pending.pop(token, None)
        if entry is None or time.monotonic() - entry[0] > self.ttl_s:
            raise NotFound("this upload has expired or was already added; upload it again")
        return entry[1]

    def put_back(self, token: str, upload: CheckedUpload) -> None:
        with self._lock:
            self._pending[token] = (time.monotonic(), upload)


def check(ctx: Context, pending: PendingImports, filename: str, data: bytes) -> ImportReport:
    """Lint an upload (``.md``/``.markdown`` or ``.zip``). Raises UploadError when refused."""
    upload = check_upload(
        filename, data, UploadLimits.for_upload_size(ctx.settings.upload_max_bytes)
    )
    loaded = ctx.store.bank_fingerprint(upload.bank_name)
    token = pending.put(upload) if upload.ok else ""
    return ImportReport(token, upload, loaded is not None, loaded == upload.fingerprint)


def add(ctx: Context, pending: PendingImports, token: str) -> ImportResult:
    """Load a checked upload into the store as bank ``upload.bank_name`` (one transaction)."""
    upload = pending.take(token)
    if not upload.ok:
        raise Conflict("this upload has errors; fix them and upload it again")
    try:
        result = ctx.store.sync_bank(
            upload.bank_name, upload.source, upload.items, fingerprint=upload.fingerprint
        )
    except BaseException:
        pending.put_back(token, upload)  # a failed add can be retried
        raise
    return ImportResult(upload.bank_name, result, upload.topics)
