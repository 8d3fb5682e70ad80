"""Writing an export or an imported bank: whole or not at all, never over a file by accident."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from prepdeck.errors import Location
from prepdeck.interchange.errors import InterchangeError


def refuse_existing(path: Path, force: bool) -> None:
    """Raise unless ``path`` is free (or ``force``): checked before any work is done."""
    if path.exists() and not force:
        raise InterchangeError("file exists; pass --force to replace it", Location(str(path)))
    if path.is_dir():
        raise InterchangeError("is a directory, not a file", Location(str(path)))


def write_atomically(path: Path, produce: Callable[[Path], None]) -> None:
    """Let ``produce`` write a temporary file beside ``path``, then rename it into place.

    A failure (or an interrupt) leaves ``path`` as it was and removes the temporary file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        produce(Path(tmp))
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomically(path: Path, text: str) -> None:
    def produce(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8", newline="")

    write_atomically(path, produce)
