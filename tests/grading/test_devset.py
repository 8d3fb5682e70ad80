"""The grading dev set is well formed: part v1, 360 answers to 60 bundled-bank items, part
v2, 240 answers to 40 others, and part v3, short answers each with its own short reference;
grades in 0-5."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

import prepdeck
from prepdeck.grading.devset import PARTS, read_devset
from prepdeck.grading.pairs import read_pairs

DATA = Path(__file__).parents[1] / "data" / "grading"
DEVSET = DATA / "devset" / "devset.jsonl"


@pytest.mark.parametrize(
    ("part", "answers", "item_count", "writers"),
    [("v1", 360, 60, {1, 2, 3}), ("v2", 240, 40, {4})],
)
def test_devset_is_well_formed(part: str, answers: int, item_count: int, writers: set[int]) -> None:
    rows = [r for r in read_devset(DEVSET) if r.part == part]
    assert len(rows) == answers
    items = {i.id: i for i in prepdeck.read_bank().items}
    unknown = {r.item_id for r in rows} - set(items)
    assert not unknown, f"item ids not in the bundled bank: {sorted(unknown)}"
    per_item = Counter(r.item_id for r in rows)
    assert len(per_item) == item_count and set(per_item.values()) == {6}
    assert all(r.answer_id.startswith(r.item_id + "#") for r in rows)
    assert all(r.answer.strip() for r in rows)
    assert {r.writer for r in rows} == writers
    assert all(0 <= r.intended <= 5 and 0 <= r.label <= 5 for r in rows)
    # Every item has authored key points: the set is graded with and without them.
    assert all(items[i].key_points for i in per_item)
    # Constants are chosen on it: it must share no item with the robustness pairs.
    assert not set(per_item) & {p.item_id for p in read_pairs(DATA / "pairs.jsonl")}


def test_the_parts_share_no_item() -> None:
    rows = read_devset(DEVSET)
    assert {"v1", "v2"} <= {r.part for r in rows} <= set(PARTS)
    v1 = {r.item_id for r in rows if r.part == "v1"}
    assert not v1 & {r.item_id for r in rows if r.part == "v2"}


def test_read_devset_refuses_a_grade_out_of_range(tmp_path: Path) -> None:
    line = json.loads(DEVSET.read_text("utf-8").splitlines()[0])
    bad = tmp_path / "devset.jsonl"
    bad.write_text(json.dumps({**line, "grade_b": 6}) + "\n", "utf-8")
    with pytest.raises(ValueError, match=r"devset\.jsonl:1: grade 6"):
        read_devset(bad)
    bad.write_text(json.dumps({**line, "grade_a": 2.5}) + "\n", "utf-8")
    with pytest.raises(ValueError, match=r"grade 2\.5"):
        read_devset(bad)
    bad.write_text((json.dumps(line) + "\n") * 2, "utf-8")
    with pytest.raises(ValueError, match="repeats"):
        read_devset(bad)


def test_read_devset_refuses_an_unknown_part(tmp_path: Path) -> None:
    line = json.loads(DEVSET.read_text("utf-8").splitlines()[0])
    bad = tmp_path / "devset.jsonl"
    bad.write_text(json.dumps({**line, "part": "v9"}) + "\n", "utf-8")
    with pytest.raises(ValueError, match=r"devset\.jsonl:1: part 'v9'"):
        read_devset(bad)


def test_v3_lines_if_any_are_well_formed() -> None:
    """Part v3's lines: bank items, short references (10-25 words), no item of the pairs."""
    rows = [r for r in read_devset(DEVSET) if r.part == "v3"]
    items = {i.id: i for i in prepdeck.read_bank().items}
    unknown = {r.item_id for r in rows} - set(items)
    assert not unknown, f"item ids not in the bundled bank: {sorted(unknown)}"
    assert all(r.answer_id.startswith(r.item_id + "#") for r in rows)
    assert all(r.answer.strip() for r in rows)
    assert all(0 <= r.intended <= 5 and 0 <= r.label <= 5 for r in rows)
    for r in rows:
        assert r.reference is not None
        assert 10 <= len(r.reference.split()) <= 25, (r.answer_id, r.reference)
    # Constants are chosen on it: it must share no item with the robustness pairs.
    assert not {r.item_id for r in rows} & {p.item_id for p in read_pairs(DATA / "pairs.jsonl")}


def test_only_v3_lines_carry_a_reference() -> None:
    for r in read_devset(DEVSET):
        assert (r.reference is not None) == (r.part == "v3"), r.answer_id


def _v3_line() -> dict[str, object]:
    line = json.loads(DEVSET.read_text("utf-8").splitlines()[0])
    return {
        **line,
        "answer_id": line["item_id"] + "#7",
        "part": "v3",
        "reference": "Gini falls by 0.125 and the information gain is about 0.31 bits.",
    }


def test_read_devset_reads_a_v3_line_with_its_reference(tmp_path: Path) -> None:
    v1 = json.loads(DEVSET.read_text("utf-8").splitlines()[0])
    path = tmp_path / "devset.jsonl"
    path.write_text(json.dumps(v1) + "\n" + json.dumps(_v3_line()) + "\n", "utf-8")
    first, second = read_devset(path)
    assert first.part == "v1" and first.reference is None
    assert second.part == "v3" and second.answer_id == v1["item_id"] + "#7"
    assert second.reference == _v3_line()["reference"]


@pytest.mark.parametrize("reference", [None, "", "   ", 3])
def test_read_devset_refuses_a_v3_line_without_a_reference(
    tmp_path: Path, reference: object
) -> None:
    v1 = json.loads(DEVSET.read_text("utf-8").splitlines()[0])
    bad = tmp_path / "devset.jsonl"
    line = {**_v3_line(), "reference": reference}
    bad.write_text(json.dumps(v1) + "\n" + json.dumps(line) + "\n", "utf-8")
    with pytest.raises(ValueError, match=r"devset\.jsonl:2: a part v3 line needs a non-empty"):
        read_devset(bad)
    del line["reference"]
    bad.write_text(json.dumps(v1) + "\n\n" + json.dumps(line) + "\n", "utf-8")
    with pytest.raises(ValueError, match=r"devset\.jsonl:3: a part v3 line needs a non-empty"):
        read_devset(bad)


@pytest.mark.parametrize("part", ["v1", "v2"])
def test_read_devset_refuses_a_reference_on_v1_and_v2(tmp_path: Path, part: str) -> None:
    line = json.loads(DEVSET.read_text("utf-8").splitlines()[0])
    bad = tmp_path / "devset.jsonl"
    for reference in ("A short reference of its own.", None):
        bad.write_text(json.dumps({**line, "part": part, "reference": reference}) + "\n", "utf-8")
        with pytest.raises(ValueError, match=rf"devset\.jsonl:1: a part {part} line has no"):
            read_devset(bad)
