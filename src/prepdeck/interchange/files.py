"""Interchange with files held in memory: what a server sends and receives.

A bank as a download (``.apkg``, CSV or JSON, with or without the user's schedule), an
uploaded ``.apkg``/CSV/JSON file turned into one checked markdown page, and an uploaded
progress file read and checked. Errors name the uploaded file (its base name, never a path on
the server) and the row, line or field, before anything is written anywhere.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from prepdeck.errors import Location, PrepdeckError
from prepdeck.formats.files import MARKDOWN_SUFFIXES
from prepdeck.interchange import tabular
from prepdeck.interchange.bank_page import ImportedBank, page_text
from prepdeck.interchange.errors import InterchangeError
from prepdeck.interchange.items import title_of
from prepdeck.interchange.progress import ProgressCard, UserProgress, loads
from prepdeck.model import Item
from prepdeck.settings import Settings

EXPORT_FORMATS = ("apkg", "csv", "json")
#: Anki registers ``application/x-apkg`` for packages; CSV is RFC 4180's ``text/csv``.
MEDIA_TYPES = {
    "apkg": "application/x-apkg",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
IMPORT_SUFFIXES = (".apkg", ".csv", ".tsv", ".json", ".jsonl")
BUNDLED_DECK = "prepdeck"
_UNSAFE = re.compile(r"[^\w .,()+-]+")
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class ExportedFile:
    """A file to send: its suggested name (ASCII), media type and bytes."""

    filename: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class AnkiOptions:
    """What Anki needs besides the cards to continue a prepdeck schedule."""

    desired_retention: float | None = None
    decay: float | None = None
    learning_steps: int = 2
    relearning_steps: int = 1

    @classmethod
    def of(cls, settings: Settings, parameters: Sequence[float]) -> AnkiOptions:
        """The options for a user's ``settings`` and FSRS ``parameters`` (decay is the 21st)."""
        return cls(
            desired_retention=settings.desired_retention,
            decay=parameters[20] if len(parameters) > 20 else None,
            learning_steps=len(settings.learning_steps),
            relearning_steps=len(settings.relearning_steps),
        )


@dataclass(frozen=True)
class ConvertedPage:
    """An uploaded foreign bank as a markdown page named ``filename`` (``<stem>.md``)."""

    source: str
    filename: str
    text: str
    items: int
    warnings: tuple[str, ...]


def deck_name(bank: str) -> str:
    """The Anki deck (and title) for a bank name, as ``prepdeck bank export`` names it: the
    bundled bank is ``prepdeck``, a page or folder its title-cased file name."""
    if bank == "bundled":
        return BUNDLED_DECK
    path = Path(bank.rstrip("/\\") or "bank")
    stem = path.stem if path.suffix.lower() in MARKDOWN_SUFFIXES else path.name
    return title_of(stem)


def _slug(name: str) -> str:
    return _SLUG.sub("-", name.lower()).strip("-")[:80] or "bank"


def export_bank_file(
    items: Sequence[Item],
    output_format: str,
    *,
    bank: str,
    cards: Mapping[str, ProgressCard] | None = None,
    options: AnkiOptions | None = None,
) -> ExportedFile:
    """``items`` of bank ``bank`` as an ``apkg``, ``csv`` or ``json`` file; with ``cards``
    (item id to the user's card) the user's schedule goes with them.

    Raises :class:`InterchangeError` naming the bank when there is no item to export, or
    the format when it is not one of :data:`EXPORT_FORMATS`.
    """
    if output_format not in EXPORT_FORMATS:
        raise InterchangeError(
            f"format '{output_format}' must be one of {', '.join(EXPORT_FORMATS)}",
            Location("format"),
        )
    items = [i for i in items if i.question.strip() and i.answer.strip()]
    if not items:
        raise InterchangeError("no question with an answer to export", Location(bank))
    deck = deck_name(bank)
    filename = f"{_slug(deck)}.{output_format}"
    media_type = MEDIA_TYPES[output_format]
    if output_format == "csv":
        return ExportedFile(filename, media_type, tabular.csv_text(items, cards).encode())
    if output_format == "json":
        return ExportedFile(filename, media_type, tabular.json_text(items, deck, cards).encode())
    from prepdeck.interchange.anki_export import export_apkg  # genanki only when needed

    opts = options or AnkiOptions()
    with tempfile.TemporaryDirectory(prefix="prepdeck-export-") as tmp:
        target = Path(tmp) / filename
        export_apkg(
            items,
            target,
            deck=deck,
            cards=cards,
            desired_retention=opts.desired_retention if cards is not None else None,
            decay=opts.decay if cards is not None else None,
            learning_steps=opts.learning_steps,
            relearning_steps=opts.relearning_steps,
        )
        return ExportedFile(filename, media_type, target.read_bytes())


def upload_name(filename: str) -> str:
    """An uploaded file's base name, made safe to show and to use as a file name."""
    base = re.split(r"[\\/]", filename or "")[-1].strip()
    return _UNSAFE.sub("-", base).strip(" .-")[:120]


def _relocated(exc: PrepdeckError, tmp: str, name: str) -> PrepdeckError:
    """``exc`` naming the upload ``name`` instead of its temporary copy ``tmp``."""
    if exc.location is not None and exc.location.file.startswith(tmp):
        exc.location = replace(exc.location, file=name)
    exc.message = exc.message.replace(tmp, name)
    exc.args = (exc.message,)
    return exc


def read_bank_upload(filename: str, data: bytes) -> ImportedBank:
    """The items of an uploaded ``.apkg``, CSV or JSON file (by its suffix).

    Raises :class:`InterchangeError` naming the upload (and row, line or field) when it is
    malformed or of another type; locations in the result name the upload, not a server path.
    """
    name = upload_name(filename)
    suffix = Path(name).suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        raise InterchangeError(
            f"upload an Anki package (.apkg), CSV (.csv, .tsv) or JSON (.json, .jsonl) file, "
            f"not '{suffix or 'no suffix'}'",
            Location(name or "upload"),
        )
    if not data:
        raise InterchangeError("the uploaded file is empty", Location(name))
    with tempfile.TemporaryDirectory(prefix="prepdeck-bank-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            if suffix == ".apkg":
                from prepdeck.interchange.anki_import import read_apkg

                bank = read_apkg(path)
            else:
                bank = tabular.read_tabular(path)
        except PrepdeckError as exc:
            raise _relocated(exc, str(path), name) from None
    here = str(path)
    bank.items = [
        replace(i, location=replace(i.location, file=name)) if i.location.file == here else i
        for i in bank.items
    ]
    bank.warnings = [w.replace(here, name) for w in bank.warnings]
    return bank


def convert_upload(filename: str, data: bytes) -> ConvertedPage:
    """An uploaded ``.apkg``/CSV/JSON bank as one markdown page in the book's convention,
    checked to read back item for item and lint without errors (see
    :func:`~prepdeck.interchange.bank_page.page_text`). Raises :class:`PrepdeckError` naming
    the upload and the row when it cannot be converted."""
    bank = read_bank_upload(filename, data)
    name = upload_name(filename)
    page = f"{Path(name).stem.strip(' .-') or 'imported'}.md"
    text = page_text(bank, page)
    return ConvertedPage(name, page, text, len(bank.items), tuple(bank.warnings))


def read_progress_upload(filename: str, data: bytes) -> UserProgress:
    """An uploaded progress file (see :func:`prepdeck.interchange.progress.loads`).

    Raises :class:`InterchangeError` naming the upload: not UTF-8, not JSON, a field of the
    wrong type (``reviews[3].rating``), or settings a user may not have.
    """
    name = upload_name(filename) or "progress.json"
    if not data:
        raise InterchangeError("the uploaded file is empty", Location(name))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InterchangeError(
            f"not UTF-8 text (byte {exc.start}); upload the file prepdeck wrote", Location(name)
        ) from None
    return loads(text, name)
