"""Read banks from files: one page, or every page under some paths."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from prepdeck.banks import bundled_bank_path
from prepdeck.diagnostics import Diagnostic
from prepdeck.errors import BankReadError, Location
from prepdeck.formats.files import DEFAULT_MAX_BYTES, discover, read_text
from prepdeck.formats.markdown import parse_page
from prepdeck.model import Bank, Page

#: Called after each file with (files done, files in all, path).
Progress = Callable[[int, int, str], None]


def read_page(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Page:
    """Read one markdown page. Raises :class:`~prepdeck.errors.BankReadError`."""
    return parse_page(read_text(path, max_bytes), str(path))


def _as_diagnostic(error: BankReadError) -> Diagnostic:
    return Diagnostic(error.location or Location("?"), "PD001", error.message)


def read_bank(
    paths: Iterable[str | Path] | str | Path | None = None,
    *,
    progress: Progress | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Bank:
    """Read every page under ``paths`` (the bundled bank when None).

    Never raises for a bad file: a file that cannot be read becomes a PD001 entry in
    ``bank.errors`` and the rest of the bank still loads.
    """
    if paths is None:
        paths = [bundled_bank_path()]
    elif isinstance(paths, str | Path):
        paths = [paths]
    files, missing = discover(paths)
    bank = Bank(errors=[_as_diagnostic(e) for e in missing])
    for done, path in enumerate(files, start=1):
        try:
            bank.pages.append(read_page(path, max_bytes))
        except BankReadError as exc:
            bank.errors.append(_as_diagnostic(exc))
        if progress is not None:
            progress(done, len(files), str(path))
    return bank
