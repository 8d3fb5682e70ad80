"""Anki packages (``.apkg``) read into items: the notes of Basic-like note types.

A package is a zip holding a SQLite collection: ``collection.anki2`` (Anki 2.0, genanki),
``collection.anki21`` (Anki 2.1, and newer Anki with "Support older Anki versions"), or a
zstd-compressed ``collection.anki21b`` (Anki 2.1.50+ by default). The last is read when a
zstd decompressor (the ``zstandard`` module) is installed; otherwise the error says how
to export the package again. The package is only read: nothing is executed, media is not
extracted, the collection is opened read-only from a private temporary copy.

Per note: the question and answer are the fields named Question/Answer or Front/Back (else
the first two fields), converted from HTML by :mod:`~prepdeck.interchange.html_markdown`;
the topic is a "Topic" field, else the note's deck (its last ``::`` part); the id is an "Id"
field when it is a valid prepdeck id (notes exported by prepdeck carry one); tags carry over,
``difficulty::...`` becomes the difficulty. Cloze notes and notes with an empty side are
skipped with a warning.
"""

from __future__ import annotations

import html
import importlib
import json
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from prepdeck.errors import Location
from prepdeck.ids import EXPLICIT_ID
from prepdeck.interchange.bank_page import ImportedBank
from prepdeck.interchange.errors import InterchangeError
from prepdeck.interchange.html_markdown import html_to_markdown
from prepdeck.interchange.items import make_item, title_of
from prepdeck.render import render_markdown

#: Larger collections are refused before they are unpacked (a zip bomb stops here).
MAX_COLLECTION_BYTES = 1 << 30
_LEGACY = ("collection.anki21", "collection.anki2")
_COMPRESSED = "collection.anki21b"
_QUESTION = ("question", "front")
_ANSWER = ("answer", "back")


def _zstd_decompress(data: bytes, name: str) -> bytes:
    try:
        zstandard: Any = importlib.import_module("zstandard")
    except ImportError:
        raise InterchangeError(
            "this package was exported by Anki 2.1.50 or newer in its compressed format "
            "(collection.anki21b), which needs the 'zstandard' module; export it again in "
            "Anki with 'Support older Anki versions' ticked, or pip install zstandard",
            Location(name),
        ) from None
    try:
        return bytes(
            zstandard.ZstdDecompressor().decompress(data, max_output_size=MAX_COLLECTION_BYTES)
        )
    except zstandard.ZstdError as exc:
        raise InterchangeError(f"damaged collection.anki21b: {exc}", Location(name)) from None


@contextmanager
def _collection(path: Path) -> Iterator[sqlite3.Connection]:
    """The package's collection, unpacked to a temporary file and opened read-only."""
    name = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InterchangeError("no such file", Location(name)) from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise InterchangeError(
            f"not an Anki package: not a readable zip file ({exc})", Location(name)
        ) from None
    with archive, tempfile.TemporaryDirectory(prefix="prepdeck-apkg-") as tmp:
        names = set(archive.namelist())
        member = next((n for n in (_COMPRESSED, *_LEGACY) if n in names), None)
        if member is None:
            raise InterchangeError(
                "not an Anki package: no collection.anki2, collection.anki21 or "
                "collection.anki21b inside",
                Location(name),
            )
        if archive.getinfo(member).file_size > MAX_COLLECTION_BYTES:
            raise InterchangeError(
                f"{member} is over {MAX_COLLECTION_BYTES >> 20} MB", Location(name)
            )
        db = Path(tmp) / "collection.sqlite"
        try:
            # Streamed to disk: a collection can be far larger than what memory should hold.
            with archive.open(member) as source, open(db, "wb") as target:
                shutil.copyfileobj(source, target, 1 << 20)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise InterchangeError(
                f"damaged package: {member} cannot be read ({exc})", Location(name)
            ) from None
        if member == _COMPRESSED:
            db.write_bytes(_zstd_decompress(db.read_bytes(), name))
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            conn.execute("PRAGMA query_only = ON")
            yield conn
        except sqlite3.DatabaseError as exc:
            raise InterchangeError(
                f"damaged package: {member} is not a readable Anki collection ({exc})",
                Location(name),
            ) from None
        finally:
            conn.close()


def _json_column(conn: sqlite3.Connection, column: str, name: str) -> dict[str, Any]:
    row = conn.execute(f"SELECT {column} FROM col").fetchone()  # column is ours, not input
    try:
        value = json.loads(row[0]) if row and row[0] else {}
    except (json.JSONDecodeError, TypeError):
        value = None
    if not isinstance(value, dict) or not value:
        raise InterchangeError(
            f"this Anki collection keeps no {column} in the col table (a newer schema?); "
            "export it again in Anki with 'Support older Anki versions' ticked",
            Location(name),
        )
    return value


def _pick(names: list[str], wanted: tuple[str, ...], fallback: int) -> int:
    for n, field in enumerate(names):
        if field.strip().casefold() in wanted:
            return n
    return fallback


def _text(html: str, counter: Counter[str]) -> str:
    converted = html_to_markdown(html)
    counter["media"] += converted.dropped_media
    return converted.markdown


def _source(shown: str, source: str | None, scope: str) -> str | None:
    """The markdown a prepdeck export kept beside ``shown``, if ``shown`` is still its
    rendering (a note edited in Anki is converted from its HTML instead)."""
    if not source:
        return None
    markdown = html.unescape(source)
    return markdown if render_markdown(markdown, scope=scope) == shown else None


def read_apkg(path: str | Path) -> ImportedBank:
    """Read the notes of an Anki package. Raises :class:`InterchangeError` naming the file
    for a damaged zip, a package without a collection or a collection that is not one."""
    path = Path(path)
    name = str(path)
    with _collection(path) as conn:
        models = _json_column(conn, "models", name)
        decks = _json_column(conn, "decks", name)
        deck_of = dict(conn.execute("SELECT nid, did FROM cards ORDER BY ord DESC, id DESC"))
        notes = conn.execute("SELECT id, mid, tags, flds FROM notes ORDER BY id").fetchall()
    deck_names = {int(k): str(v.get("name", "")) for k, v in decks.items() if isinstance(v, dict)}
    top_decks = Counter(deck_names.get(did, "").split("::")[0] for did in deck_of.values())
    top_decks.pop("Default", None)
    top_decks.pop("", None)
    title = top_decks.most_common(1)[0][0] if top_decks else title_of(path.stem)
    bank = ImportedBank(title)
    skipped: Counter[str] = Counter()
    for number, (nid, mid, tags, flds) in enumerate(notes, start=1):
        where = Location(name, number)
        model = models.get(str(mid))
        if not isinstance(model, dict):
            skipped["no note type"] += 1
            continue
        if model.get("type") == 1:
            skipped["cloze"] += 1
            continue
        fields = sorted(model.get("flds", []), key=lambda f: int(f.get("ord", 0)))
        field_names = [str(f.get("name", "")) for f in fields]
        values = str(flds).split("\x1f")
        if len(values) < 2:
            skipped["one field only"] += 1
            continue
        by_name = {n.strip().casefold(): v for n, v in zip(field_names, values, strict=False)}
        raw_id = html_to_markdown(by_name.get("id", "")).markdown.replace("\\", "").strip()
        shown_q = values[_pick(field_names, _QUESTION, 0)]
        shown_a = values[_pick(field_names, _ANSWER, 1)]
        question = _source(shown_q, by_name.get("question source"), f"{raw_id}-q")
        answer = _source(shown_a, by_name.get("answer source"), f"{raw_id}-a")
        question = question if question is not None else _text(shown_q, skipped)
        answer = answer if answer is not None else _text(shown_a, skipped)
        if not question.strip() or not answer.strip():
            skipped["an empty side"] += 1
            continue
        topic = html_to_markdown(by_name.get("topic", "")).markdown.replace("\\", "")
        if not topic.strip():
            deck = deck_names.get(deck_of.get(nid, -1), "")
            topic = deck.split("::")[-1] if deck and deck != "Default" else ""
        difficulty = ""
        plain_tags: list[str] = []
        for tag in str(tags).split():
            lower = tag.casefold()
            if lower.startswith("difficulty::"):
                difficulty = lower.split("::", 1)[1]
            elif not lower.startswith("topic::"):
                plain_tags.append(tag.replace("_", " "))
        if difficulty not in ("easy", "medium", "hard"):
            difficulty = ""
        bank.add(
            make_item(
                question,
                answer,
                where,
                item_id=raw_id if EXPLICIT_ID.match(raw_id) else "",
                topic=topic,
                difficulty=difficulty,
                tags=plain_tags,
            )
        )
    media = skipped.pop("media", 0)
    for reason, count in sorted(skipped.items()):
        bank.warnings.append(f"{name}: skipped {count} note(s): {reason}")
    if media:
        bank.warnings.append(f"{name}: {media} image(s)/sound(s) not imported (text only)")
    return bank
