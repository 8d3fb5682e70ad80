"""Anki packages: opened by the real ``anki`` library, re-exported without duplicates,
read back into a bank, and malformed packages refused with the file named."""

from __future__ import annotations

import importlib.util
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import prepdeck
from prepdeck.interchange.anki_export import export_apkg, note_fields, note_guid
from prepdeck.interchange.anki_import import read_apkg
from prepdeck.interchange.bank_page import write_bank_page
from prepdeck.interchange.errors import InterchangeError
from prepdeck.interchange.progress import ProgressCard
from prepdeck.render import render_markdown
from prepdeck.scheduling import CardPhase, CardState
from tests.interchange.conftest import small_items

anki_collection = pytest.importorskip("anki.collection")
Collection = anki_collection.Collection
ImportAnkiPackageRequest = anki_collection.ImportAnkiPackageRequest
ImportAnkiPackageOptions = anki_collection.ImportAnkiPackageOptions

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Any]:
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    yield col
    col.close()


def _import(col: Any, package: Path) -> Any:
    options = ImportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=False, merge_notetypes=True
    )
    request = ImportAnkiPackageRequest(package_path=str(package), options=options)
    return col.import_anki_package(request).log


def _cards(col: Any) -> dict[str, Any]:
    """Anki's cards by the prepdeck id kept in their note's Id field."""
    return {col.get_card(cid).note()["Id"]: col.get_card(cid) for cid in col.find_cards("")}


def _schedule() -> dict[str, ProgressCard]:
    review = CardState(
        CardPhase.REVIEW, None, 12.5, 4.2, NOW + timedelta(days=5), NOW - timedelta(days=7), 6, 1
    )
    learning = CardState(CardPhase.LEARNING, 1, 0.4, 6.0, NOW + timedelta(minutes=10), NOW, 1, 0)
    relearning = CardState(
        CardPhase.RELEARNING, 0, 3.0, 7.5, NOW + timedelta(minutes=10), NOW, 9, 3
    )
    return {
        "stats-1": ProgressCard("b", "stats-1", review),
        "stats-2": ProgressCard("b", "stats-2", learning),
        "stats-3": ProgressCard("b", "stats-3", relearning),
        "stats-4": ProgressCard("b", "stats-4", review, suspended=True),
    }


def test_anki_opens_the_package_with_notes_fields_and_scheduling(
    tmp_path: Path, collection: Any
) -> None:
    items = small_items()
    package = tmp_path / "bank.apkg"
    summary = export_apkg(
        items, package, deck="Interview", cards=_schedule(), desired_retention=0.9
    )
    assert (summary.notes, summary.decks, summary.scheduled) == (5, 2, 4)

    log = _import(collection, package)
    assert len(log.new) == 5
    cards = _cards(collection)
    assert sorted(cards) == [i.id for i in items]
    for item in items:
        note = cards[item.id].note()
        assert note.guid == note_guid(item.id)
        assert note["Question"] == render_markdown(item.question, scope=f"{item.id}-q")
        assert "<em>effect" in note["Answer"] and "\\(x^" in note["Answer"]
        assert note["Topic"] == item.topic and note["Answer source"] == item.answer
        assert f"topic::{item.topic.replace(' ', '_')}" in note.tags
        assert f"difficulty::{item.difficulty}" in note.tags and "hypothesis-testing" in note.tags
        assert collection.decks.name(cards[item.id].did) == f"Interview::{item.topic}"

    new = cards["stats-0"]
    assert (new.type, new.queue, new.reps) == (0, 0, 0)

    review = cards["stats-1"]
    assert (review.type, review.queue, review.ivl, review.reps, review.lapses) == (2, 2, 12, 6, 1)
    assert abs(review.due - collection.sched.today - 5) <= 1
    assert review.memory_state is not None
    assert review.memory_state.stability == pytest.approx(12.5, abs=1e-3)
    assert review.memory_state.difficulty == pytest.approx(4.2, abs=1e-3)
    assert review.desired_retention == pytest.approx(0.9)
    assert review.last_review_time == int((NOW - timedelta(days=7)).timestamp())

    learning = cards["stats-2"]
    assert (learning.type, learning.queue, learning.left) == (1, 1, 1)
    assert learning.due == int((NOW + timedelta(minutes=10)).timestamp())

    relearning = cards["stats-3"]
    assert (relearning.type, relearning.queue, relearning.lapses) == (3, 1, 3)
    assert relearning.memory_state.stability == pytest.approx(3.0, abs=1e-3)

    assert cards["stats-4"].queue == -1  # suspended, keeps its review type
    assert cards["stats-4"].type == 2


def test_re_export_updates_the_notes_instead_of_duplicating(
    tmp_path: Path, collection: Any
) -> None:
    items = small_items()
    first = tmp_path / "first.apkg"
    export_apkg(items, first, timestamp=NOW.timestamp() - 3600)
    _import(collection, first)
    assert collection.note_count() == 5

    edited = [
        replace(i, answer=i.answer + "\n\nEdited.") if i.id == "stats-2" else i for i in items
    ]
    second = tmp_path / "second.apkg"
    export_apkg(edited, second, timestamp=NOW.timestamp())
    log = _import(collection, second)
    assert collection.note_count() == 5
    assert len(log.new) == 0 and len(log.duplicate) == 0
    assert "Edited." in _cards(collection)["stats-2"].note()["Answer"]
    assert len(_import(collection, second).new) == 0
    assert collection.note_count() == 5


def _notes(package: Path) -> dict[str, list[str]]:
    with zipfile.ZipFile(package) as archive:
        db = package.with_suffix(".sqlite")
        db.write_bytes(archive.read("collection.anki2"))
    with sqlite3.connect(db) as conn:
        return {
            guid: flds.split("\x1f") for guid, flds in conn.execute("SELECT guid, flds FROM notes")
        }


def test_round_trip_apkg_to_bank_to_apkg(tmp_path: Path, bank_dir: Path) -> None:
    items = prepdeck.read_bank(bank_dir).items
    assert items[0].references  # read from the answer's links
    first = tmp_path / "first.apkg"
    export_apkg(items, first)
    imported = read_apkg(first)
    assert imported.warnings == []
    page = tmp_path / "bank" / "imported.md"
    assert write_bank_page(imported, page) == 5
    report = prepdeck.lint(page, spellcheck=False)
    assert report.errors == [] and len(report.bank) == 5
    back = report.bank.items
    assert [(i.id, i.topic, i.question, i.answer, i.tags, i.difficulty) for i in back] == [
        (i.id, i.topic, i.question, i.answer, i.tags, i.difficulty) for i in items
    ]
    second = tmp_path / "second.apkg"
    export_apkg(back, second)
    assert _notes(second) == _notes(first)


def _anki_made_package(tmp_path: Path, legacy: bool) -> Path:
    """A package exported by Anki itself: Basic notes with HTML, a cloze note, an image."""
    (tmp_path / "maker").mkdir()
    col = Collection(str(tmp_path / "maker" / "collection.anki2"))
    try:
        deck = col.decks.id("Interviews::Probability")
        basic = col.models.by_name("Basic")
        notes = [
            (
                "What is <b>Bayes' rule</b>?",
                'P(A|B) = P(B|A) P(A) / P(B)<br><div>=== "Answer"</div>',
            ),
            (
                "Hostile <script>alert(1)</script><img src=x onerror=alert(1)>question",
                '<a href="javascript:alert(1)">click</a> and <a href="https://example.com">a link</a>',
            ),
            ("Code?", "<pre>x = 1 &lt; 2\nprint(x)</pre>"),
        ]
        for front, back in notes:
            note = col.new_note(basic)
            note["Front"], note["Back"] = front, back
            note.tags = ["difficulty::hard", "bayes"]
            col.add_note(note, deck)
        cloze = col.new_note(col.models.by_name("Cloze"))
        cloze["Text"] = "{{c1::Paris}} is the capital of France"
        col.add_note(cloze, deck)
        out = tmp_path / ("legacy.apkg" if legacy else "modern.apkg")
        col.export_anki_package(
            out_path=str(out),
            options=anki_collection.ExportAnkiPackageOptions(
                with_scheduling=False, with_media=False, legacy=legacy
            ),
            limit=None,
        )
    finally:
        col.close()
    return out


def test_import_of_a_package_made_by_anki(tmp_path: Path) -> None:
    package = _anki_made_package(tmp_path, legacy=True)
    imported = read_apkg(package)
    assert imported.title == "Interviews"
    assert any("1 note(s): cloze" in w for w in imported.warnings)
    assert any("image" in w for w in imported.warnings)
    bayes, hostile, code = imported.items
    assert bayes.question == "What is **Bayes' rule**?"
    assert bayes.answer == 'P(A|B) = P(B|A) P(A) / P(B)\n\n&#61;== "Answer"'
    assert (bayes.topic, bayes.tags, str(bayes.difficulty)) == ("Probability", ("bayes",), "hard")
    assert hostile.question == "Hostile question"  # script dropped with its text, img too
    assert hostile.answer == "click and [a link](https://example.com)"
    assert code.answer == "```\nx = 1 < 2\nprint(x)\n```"
    page = tmp_path / "anki.md"
    write_bank_page(imported, page)
    report = prepdeck.lint(page, spellcheck=False)
    assert report.errors == [] and [i.question for i in report.bank.items] == [
        i.question for i in imported.items
    ]


def test_compressed_anki_package_needs_zstandard_or_says_how_to_export(tmp_path: Path) -> None:
    package = _anki_made_package(tmp_path, legacy=False)
    with zipfile.ZipFile(package) as archive:
        assert "collection.anki21b" in archive.namelist()
    if importlib.util.find_spec("zstandard") is None:
        with pytest.raises(InterchangeError, match="Support older Anki versions") as caught:
            read_apkg(package)
        assert str(caught.value).startswith(str(package))
    else:
        assert len(read_apkg(package).items) == 3


def _valid_package(tmp_path: Path) -> Path:
    package = tmp_path / "valid.apkg"
    export_apkg(small_items(), package)
    return package


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("truncated", "not a readable zip file"),
        ("no collection", "no collection.anki2, collection.anki21 or collection.anki21b inside"),
        ("not sqlite", "not a readable Anki collection"),
        ("not a zip", "not a readable zip file"),
    ],
)
def test_malformed_packages_are_refused_naming_the_file(
    tmp_path: Path, damage: str, message: str
) -> None:
    good = _valid_package(tmp_path).read_bytes()
    bad = tmp_path / "bad.apkg"
    if damage == "truncated":
        bad.write_bytes(good[: len(good) // 2])
    elif damage == "no collection":
        with zipfile.ZipFile(bad, "w") as archive:
            archive.writestr("media", "{}")
    elif damage == "not sqlite":
        with zipfile.ZipFile(bad, "w") as archive:
            archive.writestr("collection.anki2", b"this is not a database" * 100)
    else:
        bad.write_text("hello", "utf-8")
    with pytest.raises(InterchangeError, match=message) as caught:
        read_apkg(bad)
    assert str(caught.value).startswith(str(bad))


def test_export_is_atomic_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.apkg"
    target.write_bytes(b"old")
    broken = [replace(small_items()[0], tags=("ok",))]
    export_apkg(broken, target)
    assert zipfile.is_zipfile(target)
    assert [p.name for p in tmp_path.iterdir()] == ["out.apkg"]
    assert note_fields(broken[0])[4] == "stats-0"
