"""Checking an uploaded bank: one markdown page or a .zip of a folder, never trusted.

:func:`check_upload` unpacks the upload into a temporary folder (always removed again),
refusing zip bombs (entry count, total unpacked size, compression ratio), unsafe entries
(absolute paths, ``..``, symbolic links, encrypted or duplicated entries), then reads and lints
the pages with prepdeck's own reader (so a file that is not UTF-8 is a PD001 finding with its
line) and returns the findings with the offending lines. Nothing outside the temporary folder
is written; loading the items into a store is the caller's next step.
"""

from __future__ import annotations

import hashlib
import io
import re
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from prepdeck.diagnostics import Diagnostic, Severity
from prepdeck.errors import Location, PrepdeckError
from prepdeck.formats.files import MARKDOWN_SUFFIXES
from prepdeck.lint import lint_bank
from prepdeck.model import Item
from prepdeck.reader import read_bank

#: Bank names that uploads may not take (the bank shipped with prepdeck).
RESERVED_NAMES = frozenset({"bundled"})
#: At most this many findings carry an excerpt of the file.
MAX_EXCERPTS = 200
_CHUNK = 64 * 1024
_UNSAFE_NAME = re.compile(r"[^\w .,()+-]+")


class UploadError(PrepdeckError):
    """An upload was refused as a whole (unsafe, malformed or empty); nothing was loaded."""


class UploadTooLarge(UploadError):
    """The upload, or what it unpacks to, is over a size limit."""


@dataclass(frozen=True)
class UploadLimits:
    """Sizes in bytes. ``max_ratio`` bounds unpacked/packed size for large (> 1 MiB) content."""

    max_bytes: int = 5 * 1024 * 1024
    max_unpacked_bytes: int = 50 * 1024 * 1024
    max_entries: int = 1000
    max_ratio: float = 100.0

    @classmethod
    def for_upload_size(cls, max_bytes: int) -> UploadLimits:
        """Limits scaled to the upload size: unpacked content up to ten times the upload."""
        return cls(max_bytes=max_bytes, max_unpacked_bytes=10 * max_bytes)


@dataclass(frozen=True)
class Finding:
    """A lint finding with the lines around it: ``(line number, text, is the line found)``."""

    diagnostic: Diagnostic
    excerpt: tuple[tuple[int, str, bool], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.diagnostic.to_dict(),
            "excerpt": [{"line": n, "text": t, "at": at} for n, t, at in self.excerpt],
        }


@dataclass(frozen=True)
class CheckedUpload:
    """What an upload holds. ``ok``: no errors and at least one item, so it can be added."""

    bank_name: str
    source: str
    fingerprint: str
    files: tuple[str, ...]
    ignored: tuple[str, ...]
    items: tuple[Item, ...]
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(f.diagnostic.severity is Severity.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.topic for i in self.items))

    @property
    def ok(self) -> bool:
        return self.errors == 0 and bool(self.items)

    def to_dict(self) -> dict[str, Any]:
        return {
            "bank": self.bank_name,
            "source": self.source,
            "files": list(self.files),
            "ignored": list(self.ignored),
            "items": len(self.items),
            "topics": list(self.topics),
            "errors": self.errors,
            "warnings": self.warnings,
            "ok": self.ok,
            "findings": [f.to_dict() for f in self.findings],
        }


def _basename(filename: str) -> str:
    return re.split(r"[\\/]", filename or "")[-1].strip()


def bank_name_for(filename: str) -> str:
    """The bank name an upload gets: its file name without folder and suffix, made safe."""
    base = _basename(filename)
    lower = base.lower()
    suffix = next((s for s in (".zip", *MARKDOWN_SUFFIXES) if lower.endswith(s)), None)
    if suffix is None:
        raise UploadError(
            "upload a markdown page (.md, .markdown) or a folder packed as .zip",
            Location(base or "upload"),
        )
    name = _UNSAFE_NAME.sub("-", base[: -len(suffix)]).strip(" .-")[:100]
    if not name:
        raise UploadError("the file name gives no usable bank name; rename it", Location(base))
    if name.lower() in RESERVED_NAMES:
        raise UploadError(f"'{name}' is the name of prepdeck's own bank; rename the file")
    return name


def _entry_parts(info: zipfile.ZipInfo) -> list[str]:
    """The safe relative path of an entry, as parts; raises UploadError for unsafe ones."""
    raw = info.filename
    where = Location(raw)
    if info.flag_bits & 0x1:
        raise UploadError("encrypted zip entries are not supported", where)
    if stat.S_ISLNK(info.external_attr >> 16):
        raise UploadError("symbolic links are not allowed in the zip", where)
    path = raw.replace("\\", "/")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        raise UploadError("absolute paths are not allowed in the zip", where)
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise UploadError("'..' in a path is not allowed in the zip (path traversal)", where)
    if any("\x00" in p or len(p) > 255 for p in parts):
        raise UploadError("a zip entry has an invalid name", where)
    return parts


def _check_sizes(infos: list[zipfile.ZipInfo], packed: int, limits: UploadLimits) -> None:
    if len(infos) > limits.max_entries:
        raise UploadTooLarge(
            f"the zip has {len(infos)} entries, over the limit of {limits.max_entries}"
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked_bytes:
        raise UploadTooLarge(
            f"the zip unpacks to {total / 1e6:.1f} MB, over the "
            f"{limits.max_unpacked_bytes / 1e6:.0f} MB limit"
        )
    if total > 1024 * 1024 and total > limits.max_ratio * max(packed, 1):
        raise UploadTooLarge(
            f"the zip unpacks to {total / max(packed, 1):.0f} times its size "
            f"(limit {limits.max_ratio:.0f}); refused as a possible zip bomb"
        )


def _copy_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: int) -> int:
    """Unpack one entry, trusting no header: stop once it exceeds its size or ``budget``."""
    written = 0
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as src, open(target, "xb") as dst:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                if written > info.file_size or written > budget:
                    raise UploadTooLarge(
                        "unpacks to more than its header says or over the size limit; "
                        "refused as a possible zip bomb",
                        Location(info.filename),
                    )
                dst.write(chunk)
    except FileExistsError:
        raise UploadError("this path appears twice in the zip", Location(info.filename)) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise UploadError(f"cannot unpack: {exc}", Location(info.filename)) from None
    except OSError as exc:
        raise UploadError(
            f"cannot unpack: {exc.strerror or exc}", Location(info.filename)
        ) from None
    return written


def _unzip(data: bytes, root: Path, limits: UploadLimits) -> list[str]:
    """Unpack the markdown pages of a zip under ``root``; the names of entries left out."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        raise UploadError("not a valid .zip file") from None
    ignored: list[str] = []
    with archive:
        infos = archive.infolist()
        _check_sizes(infos, len(data), limits)
        budget = limits.max_unpacked_bytes
        safe_root = root.resolve()
        for info in infos:
            parts = _entry_parts(info)
            if info.is_dir() or not parts:
                continue
            hidden = any(p.startswith(".") for p in parts) or parts[0] == "__MACOSX"
            if hidden or not parts[-1].lower().endswith(MARKDOWN_SUFFIXES):
                ignored.append("/".join(parts))
                continue
            target = root.joinpath(*parts)
            if not target.resolve().is_relative_to(safe_root):  # belt and braces
                raise UploadError("entry points outside the folder", Location(info.filename))
            budget -= _copy_entry(archive, info, target, budget)
    return ignored


def _excerpt(lines: list[str], line: int) -> tuple[tuple[int, str, bool], ...]:
    first, last = max(line - 1, 1), min(line + 2, len(lines))
    return tuple((n, lines[n - 1][:300], n == line) for n in range(first, last + 1))


def _relocate(location: Location, root: str) -> Location:
    rel = location.file[len(root) :].lstrip("/\\") if location.file.startswith(root) else None
    return location if rel is None else replace(location, file=rel)


def check_upload(filename: str, data: bytes, limits: UploadLimits | None = None) -> CheckedUpload:
    """Unpack, read and lint an upload named ``filename``; paths in the result are relative.

    Raises :class:`UploadError` (or :class:`UploadTooLarge`) when the upload is refused as a
    whole; problems inside pages are findings, not exceptions.
    """
    limits = limits or UploadLimits()
    name = bank_name_for(filename)
    if len(data) > limits.max_bytes:
        raise UploadTooLarge(
            f"the upload is {len(data) / 1e6:.1f} MB, "
            f"over the {limits.max_bytes / 1e6:.1f} MB limit"
        )
    if not data:
        raise UploadError("the uploaded file is empty")
    with tempfile.TemporaryDirectory(prefix="prepdeck-upload-") as tmp:
        root = Path(tmp) / "bank"
        root.mkdir()
        ignored: list[str] = []
        if filename.lower().endswith(".zip"):
            ignored = _unzip(data, root, limits)
        else:
            (root / f"{name}.md").write_bytes(data)
        bank = read_bank([root], max_bytes=limits.max_bytes)
        if not bank.pages and not bank.errors:
            raise UploadError("no markdown pages (.md, .markdown) found in the upload")
        report = lint_bank(bank)
        prefix = str(root)
        texts: dict[str, list[str]] = {}
        findings = []
        for n, diagnostic in enumerate(report.diagnostics):
            excerpt: tuple[tuple[int, str, bool], ...] = ()
            path = diagnostic.location.file
            if n < MAX_EXCERPTS and path.startswith(prefix) and Path(path).is_file():
                if path not in texts:
                    raw = Path(path).read_bytes()[: limits.max_unpacked_bytes]
                    texts[path] = raw.decode("utf-8", errors="replace").splitlines()
                excerpt = _excerpt(texts[path], diagnostic.location.line)
            moved = replace(diagnostic, location=_relocate(diagnostic.location, prefix))
            findings.append(Finding(moved, excerpt))
        items = tuple(
            replace(
                i,
                location=_relocate(i.location, prefix),
                question_at=i.question_at and _relocate(i.question_at, prefix),
            )
            for i in bank.items
            if i.question.strip() and i.answer.strip()
        )
        files = tuple(_relocate(Location(p.path), prefix).file for p in bank.pages)
    return CheckedUpload(
        bank_name=name,
        source=f"upload:{_basename(filename)}",
        fingerprint=hashlib.sha256(data).hexdigest(),
        files=files,
        ignored=tuple(ignored),
        items=items,
        findings=tuple(findings),
    )
