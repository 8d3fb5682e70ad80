"""Safe file access for banks: find pages, read them whole and once, write atomically.

Reading never changes a file. A page is read in one go and the file's size and mtime are
compared before and after, so a file being rewritten is reported instead of half-read.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from prepdeck.errors import BankReadError, Location

MARKDOWN_SUFFIXES = (".md", ".markdown")
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[BankReadError]]:
    """Markdown files under ``paths`` in a stable order, and an error per missing path.

    A directory is searched recursively for ``*.md`` and ``*.markdown``; hidden
    directories (``.git``) and ``site/`` build output are skipped. A file named
    explicitly is read whatever its suffix.
    """
    files: list[Path] = []
    errors: list[BankReadError] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found: list[Path] = []
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "site")
                found.extend(
                    Path(root) / n
                    for n in names
                    if n.lower().endswith(MARKDOWN_SUFFIXES) and not n.startswith(".")
                )
            candidates = sorted(found)
        elif path.exists():
            candidates = [path]
        else:
            errors.append(BankReadError("no such file or directory", Location(str(path), 1, 1)))
            continue
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                files.append(candidate)
    return files, errors


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def decode(data: bytes, name: str) -> str:
    """UTF-8 text of ``data``; a BOM is kept as U+FEFF so writing gives the same bytes."""
    nul = data.find(b"\x00")
    if nul != -1:
        line, col = _position(data, nul)
        raise BankReadError(
            "binary file (NUL byte): not a markdown page", Location(name, line, col)
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(data, exc.start)
        raise BankReadError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            Location(name, line, col),
        ) from None


def read_text(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The whole text of a page. Raises :class:`BankReadError` with the file and line."""
    name = str(path)
    try:
        before = os.stat(path)
        if before.st_size > max_bytes:
            raise BankReadError(
                f"file is {before.st_size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit",
                Location(name),
            )
        for _attempt in range(2):
            with open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
            after = os.stat(path)
            if (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns):
                break
            before = after
        else:
            raise BankReadError("file changed while it was being read; try again", Location(name))
    except IsADirectoryError:
        raise BankReadError("is a directory, not a file", Location(name)) from None
    except PermissionError:
        raise BankReadError("permission denied", Location(name)) from None
    except FileNotFoundError:
        raise BankReadError("no such file or directory", Location(name)) from None
    except OSError as exc:
        raise BankReadError(f"cannot read: {exc.strerror or exc}", Location(name)) from None
    if len(data) > max_bytes:
        raise BankReadError(f"file grew over the {max_bytes / 1e6:.0f} MB limit", Location(name))
    return decode(data, name)


def write_atomic(path: str | Path, text: str, expected: str | None = None) -> bool:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    Returns False (and leaves the file untouched) when the content is already ``text``.
    With ``expected``, raises :class:`BankReadError` if the file no longer holds it, so a
    change made by someone else since it was read is never overwritten.
    """
    target = Path(path)
    current = read_text(target)
    if current == text:
        return False
    if expected is not None and current != expected:
        raise BankReadError("file changed since it was read; not rewritten", Location(str(path)))
    mode = target.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
