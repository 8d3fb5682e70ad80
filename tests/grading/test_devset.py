"""The grading dev set is well formed: part v1, 360 answers to 60 bundled-bank items, and
part v2, 240 answers to 40 others, grades in 0-5."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

import prepdeck
from prepdeck.grading.devset import read_devset
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
    assert {r.part for r in rows} == {"v1", "v2"}
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
