"""Banks as CSV or JSON: export for spreadsheets and scripts, import into a markdown page.

CSV columns (a header row; ``question`` and ``answer`` are required, the rest optional):
``id, topic, question, answer, difficulty, tags, hints, key_points, companies``; ``tags`` and
``companies`` are separated by ``;``, ``hints`` and ``key_points`` by line breaks inside the
cell. ``references`` and ``card_*`` columns (written by an export) are ignored on import;
any other column is an error, so a misspelt header never drops data silently.

JSON: ``{"format": "prepdeck-bank", "version": 1, "title": ..., "items": [...]}`` or just
the list of items, each an object with the same keys (lists as JSON lists); ``.jsonl``
files hold one item object a line (what ``prepdeck bank show --format json`` prints).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from prepdeck.errors import Location
from prepdeck.formats.files import read_text
from prepdeck.interchange._json import Fields, parse_json
from prepdeck.interchange.bank_page import ImportedBank
from prepdeck.interchange.errors import InterchangeError
from prepdeck.interchange.items import make_item, title_of
from prepdeck.interchange.progress import ProgressCard
from prepdeck.model import Item

FORMAT = "prepdeck-bank"
VERSION = 1
COLUMNS = (
    "id",
    "topic",
    "question",
    "answer",
    "difficulty",
    "tags",
    "hints",
    "key_points",
    "companies",
)
REQUIRED = ("question", "answer")
EXPORT_ONLY = ("references",)
CARD_COLUMNS = (
    "card_phase",
    "card_due",
    "card_stability",
    "card_difficulty",
    "card_reps",
    "card_lapses",
    "card_suspended",
)
_JSON_IGNORED = ("references", "section", "style", "file", "line", "progress", "explicit_id")


def item_record(item: Item) -> dict[str, Any]:
    """An item's exported fields (lists as lists). The id is always written."""
    return {
        "id": item.id,
        "topic": item.topic,
        "question": item.question,
        "answer": item.answer,
        "difficulty": str(item.difficulty) if item.difficulty else "",
        "tags": list(item.tags),
        "hints": list(item.hints),
        "key_points": list(item.key_points),
        "companies": list(item.companies),
        "references": [r.to_dict() for r in item.references],
    }


def _card_cells(card: ProgressCard | None) -> dict[str, Any]:
    if card is None:
        return dict.fromkeys(CARD_COLUMNS, "")
    s = card.state
    return {
        "card_phase": s.phase.name.lower(),
        "card_due": s.due.isoformat() if s.due else "",
        "card_stability": "" if s.stability is None else round(s.stability, 4),
        "card_difficulty": "" if s.difficulty is None else round(s.difficulty, 4),
        "card_reps": s.reps,
        "card_lapses": s.lapses,
        "card_suspended": "yes" if card.suspended else "",
    }


def csv_text(items: Iterable[Item], progress: Mapping[str, ProgressCard] | None = None) -> str:
    """The items as CSV (with ``card_*`` columns when ``progress`` is given)."""
    stream = io.StringIO()
    columns = [*COLUMNS, *EXPORT_ONLY, *(CARD_COLUMNS if progress is not None else ())]
    writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for item in items:
        row = item_record(item)
        row["tags"] = "; ".join(item.tags)
        row["companies"] = "; ".join(item.companies)
        row["hints"] = "\n".join(item.hints)
        row["key_points"] = "\n".join(item.key_points)
        row["references"] = "\n".join(r.url for r in item.references)
        if progress is not None:
            row.update(_card_cells(progress.get(item.id)))
        writer.writerow(row)
    return stream.getvalue()


def json_text(
    items: Iterable[Item],
    title: str,
    progress: Mapping[str, ProgressCard] | None = None,
) -> str:
    """The items as a ``prepdeck-bank`` JSON document (each with ``progress`` if given)."""
    records = []
    for item in items:
        record = item_record(item)
        if progress is not None:
            card = progress.get(item.id)
            record["progress"] = (
                None if card is None else {"suspended": card.suspended, **card.state.to_dict()}
            )
        records.append(record)
    document = {"format": FORMAT, "version": VERSION, "title": title, "items": records}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _split(cell: str, sep: str) -> list[str]:
    return [part.strip() for part in cell.split(sep) if part.strip()]


def _delimiter(text: str) -> str:
    """The header's separator: the most frequent of ``,`` ``;`` and tab (spreadsheets in
    some locales write ``;``). Only the delimiter is guessed; quoting is always Excel's."""
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def read_csv(path: str | Path) -> ImportedBank:
    """Read a CSV bank. Raises :class:`InterchangeError` naming the file and line."""
    name = str(path)
    text = read_text(path).removeprefix("\ufeff")
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = [h.strip().lower() for h in next(rows)]
    except StopIteration:
        raise InterchangeError("empty file: expected a header row", Location(name)) from None
    except csv.Error as exc:
        raise InterchangeError(f"not valid CSV: {exc}", Location(name)) from None
    for column in header:
        if column not in (*COLUMNS, *EXPORT_ONLY, *CARD_COLUMNS):
            raise InterchangeError(
                f"unknown column '{column}' (known: {', '.join(COLUMNS)})", Location(name)
            )
    for column in REQUIRED:
        if column not in header:
            raise InterchangeError(
                f"missing column '{column}' (the header has: {', '.join(header)})",
                Location(name),
            )
    bank = ImportedBank(title_of(Path(name).stem))
    line = rows.line_num
    while True:
        start = line + 1
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InterchangeError(f"not valid CSV: {exc}", Location(name, start)) from None
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise InterchangeError(
                f"row has {len(row)} cells but the header has {len(header)} columns",
                Location(name, start),
            )
        cells = dict(zip(header, row, strict=False))
        bank.add(
            make_item(
                cells.get("question", ""),
                cells.get("answer", ""),
                Location(name, start),
                item_id=cells.get("id", ""),
                topic=cells.get("topic", ""),
                difficulty=cells.get("difficulty", ""),
                tags=_split(cells.get("tags", ""), ";"),
                companies=_split(cells.get("companies", ""), ";"),
                hints=_split(cells.get("hints", ""), "\n"),
                key_points=_split(cells.get("key_points", ""), "\n"),
            )
        )
    return bank


def _json_item(value: Any, n: int, name: str, where: str) -> Item:
    fields = Fields(value, where, name)
    fields.check_keys((*COLUMNS, *_JSON_IGNORED))
    try:
        return make_item(
            fields.get("question", str, required=True),
            fields.get("answer", str, required=True),
            Location(name, n),
            item_id=fields.get("id", str, default=""),
            topic=fields.get("topic", str, default=""),
            difficulty=fields.get("difficulty", str, default=""),
            tags=fields.strings("tags"),
            hints=fields.strings("hints"),
            key_points=fields.strings("key_points"),
            companies=fields.strings("companies"),
        )
    except InterchangeError as exc:
        if exc.location is not None and exc.location.line == n:
            raise InterchangeError(f"{where}: {exc.message}", Location(name)) from None
        raise


def read_json(path: str | Path) -> ImportedBank:
    """Read a JSON (or JSON Lines) bank. Raises :class:`InterchangeError` naming the file and
    the field (``items[3].question``) or the JSON line."""
    name = str(path)
    text = read_text(path).removeprefix("\ufeff")
    bank = ImportedBank(title_of(Path(name).stem))
    if name.lower().endswith(".jsonl"):
        for n, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                value = parse_json(line, name, n)
                bank.add(_json_item(value, n, name, f"line {n}"))
        return bank
    document = parse_json(text, name)
    if isinstance(document, dict):
        top = Fields(document, "document", name)
        if top.get("format", str, default=FORMAT) != FORMAT:
            top.fail(f"document.format: expected '{FORMAT}'")
        bank.title = top.get("title", str, default=bank.title).strip() or bank.title
        entries = top.get("items", list, required=True)
        prefix = "items"
    elif isinstance(document, list):
        entries, prefix = document, "items"
    else:
        raise InterchangeError(
            "expected a list of items or an object with an 'items' list", Location(name)
        )
    for n, value in enumerate(entries):
        bank.add(_json_item(value, n + 1, name, f"{prefix}[{n}]"))
    return bank


def read_tabular(path: str | Path) -> ImportedBank:
    """A CSV or JSON bank by its suffix (``.csv``, ``.tsv``, ``.json``, ``.jsonl``)."""
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".tsv"):
        return read_csv(path)
    if suffix in (".json", ".jsonl"):
        return read_json(path)
    raise InterchangeError(
        f"unknown file type '{suffix}': expected .apkg, .csv, .tsv, .json or .jsonl",
        Location(str(path)),
    )
