"""CSV and JSON banks: round trips, and malformed files refused with file, line/row or field."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import prepdeck
from prepdeck.bundled import bundled_bank
from prepdeck.interchange import tabular
from prepdeck.interchange.bank_page import ImportedBank, write_bank_page
from prepdeck.interchange.errors import InterchangeError
from prepdeck.interchange.progress import ProgressCard
from prepdeck.model import Item
from prepdeck.scheduling import CardPhase, CardState
from tests.store.conftest import T0


def _fields(items: list[Item]) -> list[tuple[object, ...]]:
    return [
        (i.id, i.topic, i.question, i.answer, i.difficulty, i.tags, i.hints, i.key_points)
        for i in items
    ]


@pytest.fixture
def rich_items(bank_dir: Path) -> list[Item]:
    """The small bank read from its page, plus hints, key points and companies."""
    items = prepdeck.read_bank(bank_dir).items
    return [
        Item(
            **{
                **i.__dict__,
                "hints": ("Think, of it",),
                "key_points": ("A; b", "C, d"),
                "companies": ("Acme Inc.", "Initech"),
            }
        )
        for i in items
    ]


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_round_trip_through_a_markdown_page(
    tmp_path: Path, rich_items: list[Item], suffix: str
) -> None:
    exported = tmp_path / f"bank.{suffix}"
    text = (
        tabular.csv_text(rich_items) if suffix == "csv" else tabular.json_text(rich_items, "Bank")
    )
    exported.write_text(text, "utf-8")
    imported = tabular.read_tabular(exported)
    assert imported.warnings == []
    assert _fields(imported.items) == _fields(rich_items)
    page = tmp_path / "out" / "bank.md"
    write_bank_page(imported, page)
    report = prepdeck.lint(page, spellcheck=False)
    assert report.errors == []
    assert _fields(report.bank.items) == _fields(rich_items)
    assert [i.companies for i in report.bank.items] == [i.companies for i in rich_items]
    again = (
        tabular.csv_text(report.bank.items)
        if suffix == "csv"
        else tabular.json_text(report.bank.items, "Bank")
    )
    assert again == text


def test_progress_columns_are_written_and_ignored_on_import(
    tmp_path: Path, rich_items: list[Item]
) -> None:
    state = CardState(CardPhase.REVIEW, None, 4.5, 5.0, T0, T0, 3, 1)
    cards = {rich_items[0].id: ProgressCard("b", rich_items[0].id, state, suspended=True)}
    text = tabular.csv_text(rich_items, cards)
    header, first, second = list(csv.reader(io.StringIO(text)))[:3]
    assert header[-7:] == [*tabular.CARD_COLUMNS]
    assert first[-7:] == ["review", T0.isoformat(), "4.5", "5.0", "3", "1", "yes"]
    assert second[-7:] == [""] * 7
    path = tmp_path / "with-progress.csv"
    path.write_text(text, "utf-8")
    assert _fields(tabular.read_csv(path).items) == _fields(rich_items)
    document = json.loads(tabular.json_text(rich_items, "B", cards))
    assert document["items"][0]["progress"]["stability"] == 4.5
    assert document["items"][1]["progress"] is None


def test_jsonl_as_printed_by_bank_show(tmp_path: Path, rich_items: list[Item]) -> None:
    path = tmp_path / "bank.jsonl"
    path.write_text("\n".join(json.dumps(i.to_dict()) for i in rich_items) + "\n", "utf-8")
    assert _fields(tabular.read_json(path).items) == _fields(rich_items)


def test_semicolon_csv_with_a_bom_and_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text(
        '\ufeffQuestion;Answer;Tags\nWhat is a p-value?;The probability ...;"stats; tests"\n'
        "What is a p value?;Again;x\n\n",
        "utf-8",
    )
    bank = tabular.read_csv(path)
    assert [(i.question, i.tags) for i in bank.items] == [
        ("What is a p-value?", ("stats", "tests"))
    ]
    assert bank.warnings == [f"{path}:3: skipped: the same question as line/row 2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "question,topic\nWhat?,Stats\n",
            r"bad.csv:1:1: missing column 'answer' \(the header has: question, topic\)",
        ),
        ("question,answer,notes\nQ,A,n\n", r"bad.csv:1:1: unknown column 'notes'"),
        ('question,answer\nQ1,A1\n"Q2\nstill Q2",\n', r"bad.csv:3:1: the answer is empty"),
        (
            "question,answer,difficulty\nQ,A,extreme\n",
            r"bad.csv:2:1: difficulty 'extreme' must be easy",
        ),
        ("id,question,answer\nBad Id,Q,A\n", r"bad.csv:2:1: id 'Bad Id' must be lowercase"),
        ("question,answer\nQ,A,extra\n", r"bad.csv:2:1: row has 3 cells but the header has 2"),
        ("", r"bad.csv:1:1: empty file"),
    ],
)
def test_malformed_csv_names_the_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, "utf-8")
    with pytest.raises(InterchangeError, match=message):
        tabular.read_csv(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"items": 3}', r"bad.json:1:1: document.items: expected a list, got an integer"),
        ('"just a string"', "expected a list of items or an object with an 'items' list"),
        ('[{"answer": "A"}]', r"items\[0\]: missing field 'question'"),
        (
            '[{"question": "Q", "answer": "A"}, {"question": "Q2", "answer": "A", "tags": "x"}]',
            r"items\[1\].tags: expected a list, got a string",
        ),
        (
            '[{"question": "Q", "answer": "A", "colour": "red"}]',
            r"items\[0\]: unknown field 'colour'",
        ),
        ('[{"question": "Q", "answer": "  "}]', r"items\[0\]: the answer is empty"),
        (
            '{"format": "prepdeck-progress", "items": []}',
            r"document.format: expected 'prepdeck-bank'",
        ),
        ('[\n {"question": "Q",\n  "answer": }\n]', r"bad.json:3:13: not valid JSON"),
    ],
)
def test_json_of_the_wrong_shape_names_the_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, "utf-8")
    with pytest.raises(InterchangeError, match=message) as caught:
        tabular.read_json(path)
    assert str(caught.value).startswith(str(path))


def test_a_comma_inside_a_company_or_tag_reads_back_as_one_value(tmp_path: Path) -> None:
    # The canonical writer quotes "Acme, Inc." in the metadata's flow list; before, it read
    # back as two companies and the import was refused.
    path = tmp_path / "companies.csv"
    path.write_text(
        "question,answer,companies,tags\n"
        'Q one?,A,Initech,plain\nQ two?,A,"Acme, Inc.; [Brackets]","a, b; key: value"\n',
        "utf-8",
    )
    bank = tabular.read_csv(path)
    assert bank.items[1].companies == ("Acme, Inc.", "[Brackets]")
    target = tmp_path / "companies.md"
    assert write_bank_page(bank, target) == 2
    back = prepdeck.read_bank([target]).items
    assert [i.companies for i in back] == [("Initech",), ("Acme, Inc.", "[Brackets]")]
    assert [i.tags for i in back] == [("plain",), ("a, b", "key: value")]
    assert '"Acme, Inc."' in target.read_text("utf-8")


def test_a_value_the_page_cannot_hold_is_an_error_naming_the_row(tmp_path: Path) -> None:
    # The page is read back field by field before it is written: a value that would come
    # back different (here a tag with spaces around it, which the reader strips) is refused.
    item = Item(
        id="q-two",
        topic="T",
        question="Q two?",
        answer="A",
        location=prepdeck.Location("source.csv", 3),
        tags=(" padded ",),
        explicit_id=True,
    )
    bank = ImportedBank("T", items=[item])
    target = tmp_path / "padded.md"
    with pytest.raises(prepdeck.FormatError, match=r"source.csv:3:1: the tags would not read back"):
        write_bank_page(bank, target)
    assert not target.exists()


def test_the_bundled_bank_survives_csv_and_json(tmp_path: Path) -> None:
    # Real answers: commas, quotes, line breaks, code and math inside cells.
    items = bundled_bank().items
    for name, text in (
        ("b.csv", tabular.csv_text(items)),
        ("b.json", tabular.json_text(items, "B")),
    ):
        path = tmp_path / name
        path.write_text(text, "utf-8")
        back = tabular.read_tabular(path)
        assert back.warnings == [] and _fields(back.items) == _fields(items), name
