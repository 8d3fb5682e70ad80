"""bench/devset_sheets.py: blind grading sheets for dev-set part v3 and the merge of two
gradings, on tiny files."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

import prepdeck
from prepdeck.grading.devset import read_devset

ROOT = Path(__file__).parents[2]
DEVSET = ROOT / "tests" / "data" / "grading" / "devset" / "devset.jsonl"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "devset_sheets", ROOT / "bench" / "devset_sheets.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


sheets = _load()


def _answers(tmp_path: Path) -> tuple[Path, list[dict[str, object]]]:
    items = prepdeck.read_bank().items[:2]
    rows: list[dict[str, object]] = []
    for item in items:
        for k in range(1, 4):
            rows.append(
                {
                    "answer_id": f"{item.id}#{k}",
                    "item_id": item.id,
                    "writer": 5,
                    "reference": f"A short reference for {item.id}, ten words or a few more.",
                    "answer": f"answer {k} to {item.id}\n\nwith a second paragraph",
                    "intended": k + 0.5,
                    "intended_why": f"WRITERSREASON{k}",
                }
            )
    path = tmp_path / "v3_answers.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path, rows


def _sheet(tmp_path: Path, answers: Path, seed: int, name: str) -> tuple[str, dict[str, str]]:
    out = tmp_path / f"{name}.md"
    sheets.main(
        ["sheet", "--part", "v3", "--seed", str(seed), "--out", str(out), "--answers", str(answers)]
    )
    key = json.loads((tmp_path / f"{name}.md.key.json").read_text("utf-8"))
    return out.read_text("utf-8"), key


def test_sheet_shows_questions_references_and_answers_under_codes_only(tmp_path: Path) -> None:
    answers, rows = _answers(tmp_path)
    text, key = _sheet(tmp_path, answers, 1, "a")
    assert sorted(key.values()) == sorted(str(r["answer_id"]) for r in rows)
    assert all(re.fullmatch(r"[A-Z]{4}", code) for code in key)
    for code in key:
        assert text.count(f"### {code}\n") == 1
    questions = {i.id: i.question for i in prepdeck.read_bank().items}
    for r in rows:
        assert text.count(questions[str(r["item_id"])]) == 1
        assert f"**Reference.** {r['reference']}" in text
        assert f"> answer {str(r['answer_id'])[-1]} to {r['item_id']}\n>\n> with a second" in text
        assert str(r["answer_id"]) not in text
    assert "WRITERSREASON" not in text and "intended" not in text.lower()
    # Each answer sits under its item's reference.
    for code, aid in key.items():
        item = aid.split("#")[0]
        before = text[: text.index(f"### {code}")]
        assert before.rindex("**Reference.**") == before.rindex(
            f"**Reference.** A short reference for {item}"
        )


def test_sheet_follows_its_seed(tmp_path: Path) -> None:
    answers, _ = _answers(tmp_path)
    a1 = _sheet(tmp_path, answers, 1, "a1")
    a2 = _sheet(tmp_path, answers, 1, "a2")
    b = _sheet(tmp_path, answers, 2, "b")
    assert a1 == a2
    assert a1[1] != b[1]


def test_sheet_refuses_to_overwrite_a_key(tmp_path: Path) -> None:
    answers, _ = _answers(tmp_path)
    _sheet(tmp_path, answers, 1, "a")
    with pytest.raises(SystemExit, match=r"a\.md\.key\.json: exists"):
        _sheet(tmp_path, answers, 2, "a")
    out = str(tmp_path / "a.md")
    sheets.main(["sheet", "--seed", "2", "--out", out, "--answers", str(answers), "--force"])


def test_sheet_refuses_a_bad_answers_file(tmp_path: Path) -> None:
    answers, rows = _answers(tmp_path)
    bad = dict(rows[2])
    del bad["reference"]
    lines = answers.read_text("utf-8").splitlines()
    lines[2] = json.dumps(bad)
    answers.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(SystemExit, match=r"v3_answers\.jsonl:3: missing reference"):
        _sheet(tmp_path, answers, 1, "a")
    lines[2] = json.dumps({**rows[2], "reference": " "})
    answers.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(SystemExit, match=r"v3_answers\.jsonl:3: reference must be"):
        _sheet(tmp_path, answers, 1, "a")
    lines[2] = json.dumps({**rows[2], "item_id": "no-such-item", "answer_id": "no-such-item#1"})
    answers.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(SystemExit, match=r"v3_answers\.jsonl:3: item_id 'no-such-item'"):
        _sheet(tmp_path, answers, 1, "a")


def _grades(path: Path, key: dict[str, str], grade: int) -> Path:
    lines = [{"code": c, "grade": grade, "why": f"why {grade} {aid}"} for c, aid in key.items()]
    path.write_text("".join(json.dumps(x) + "\n" for x in reversed(lines)), "utf-8")
    return path


def _merge(tmp_path: Path, answers: Path, devset: Path, ga: Path, gb: Path) -> None:
    sheets.main(
        [
            "merge",
            "--answers",
            str(answers),
            "--grades-a",
            str(ga),
            "--key-a",
            str(tmp_path / "a.md.key.json"),
            "--grades-b",
            str(gb),
            "--key-b",
            str(tmp_path / "b.md.key.json"),
            "--devset",
            str(devset),
        ]
    )


def test_merge_appends_v3_in_the_answers_order_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers, rows = _answers(tmp_path)
    _, key_a = _sheet(tmp_path, answers, 1, "a")
    _, key_b = _sheet(tmp_path, answers, 2, "b")
    devset = tmp_path / "devset.jsonl"
    head = DEVSET.read_text("utf-8").splitlines()[:3]
    devset.write_text("\n".join(head) + "\n", "utf-8")
    ga, gb = _grades(tmp_path / "a.jsonl", key_a, 3), _grades(tmp_path / "b.jsonl", key_b, 4)
    _merge(tmp_path, answers, devset, ga, gb)
    assert "appended 6 part-v3 answers" in capsys.readouterr().out
    lines = devset.read_text("utf-8").splitlines()
    assert lines[:3] == head
    new = [json.loads(x) for x in lines[3:]]
    assert [list(d) for d in new] == [
        [
            "answer_id",
            "item_id",
            "writer",
            "part",
            "reference",
            "answer",
            "grade_a",
            "grade_b",
            "intended",
            "why_a",
            "why_b",
            "intended_why",
        ]
    ] * 6
    assert [d["answer_id"] for d in new] == [r["answer_id"] for r in rows]
    for d, r in zip(new, rows, strict=True):
        assert d["part"] == "v3" and d["grade_a"] == 3 and d["grade_b"] == 4
        assert d["why_a"] == f"why 3 {r['answer_id']}" and d["why_b"] == f"why 4 {r['answer_id']}"
        assert (d["reference"], d["answer"], d["intended"], d["intended_why"], d["writer"]) == (
            r["reference"],
            r["answer"],
            r["intended"],
            r["intended_why"],
            r["writer"],
        )
    v3 = [r for r in read_devset(devset) if r.part == "v3"]
    assert len(v3) == 6 and all(r.reference and r.label == 3.5 for r in v3)
    before = devset.read_text("utf-8")
    with pytest.raises(SystemExit, match="already has part v3 lines"):
        _merge(tmp_path, answers, devset, ga, gb)
    assert devset.read_text("utf-8") == before


def test_merge_refuses_incomplete_or_doubled_grades(tmp_path: Path) -> None:
    answers, _ = _answers(tmp_path)
    _, key_a = _sheet(tmp_path, answers, 1, "a")
    _, key_b = _sheet(tmp_path, answers, 2, "b")
    devset = tmp_path / "devset.jsonl"
    devset.write_text(DEVSET.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    before = devset.read_text("utf-8")
    gb = _grades(tmp_path / "b.jsonl", key_b, 4)
    ga = _grades(tmp_path / "a.jsonl", key_a, 3)
    good = ga.read_text("utf-8").splitlines()

    def refused(lines: list[str], pattern: str) -> None:
        ga.write_text("\n".join(lines) + "\n", "utf-8")
        with pytest.raises(SystemExit, match=pattern):
            _merge(tmp_path, answers, devset, ga, gb)
        assert devset.read_text("utf-8") == before

    first = json.loads(good[0])
    refused(good[1:], rf"a\.jsonl: 1 of 6 answers not graded: {first['code']}")
    refused(
        [*good, good[0]], rf"a\.jsonl:7: code '{first['code']}' graded twice \(first on line 1\)"
    )
    third = json.loads(good[2])
    refused(
        [*good[:2], json.dumps({**third, "grade": 6}), *good[3:]], r"a\.jsonl:3: grade 6 is not"
    )
    refused([json.dumps({**first, "grade": 2.5}), *good[1:]], r"a\.jsonl:1: grade 2\.5 is not")
    refused(
        [json.dumps({**first, "code": "ZZZZ" if first["code"] != "ZZZZ" else "YYYY"}), *good[1:]],
        r"a\.jsonl:1: code '[A-Z]{4}' is not on",
    )
    refused([json.dumps({**first, "why": ""}), *good[1:]], r"a\.jsonl:1: why must be")
    ga.write_text("\n".join(good) + "\n", "utf-8")
    with pytest.raises(SystemExit, match=r"a\.jsonl: given as both"):
        _merge(tmp_path, answers, devset, ga, ga)
    key_file = tmp_path / "a.md.key.json"
    key_file.write_text(json.dumps(dict(list(key_a.items())[1:])), "utf-8")
    with pytest.raises(SystemExit, match=r"a\.md\.key\.json: answers of .* not on this sheet"):
        _merge(tmp_path, answers, devset, ga, gb)
    assert devset.read_text("utf-8") == before
