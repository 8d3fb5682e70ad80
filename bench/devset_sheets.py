"""Blind grading sheets for dev-set part v3, and the merge of two gradings into the dev set.

Usage:
    python bench/devset_sheets.py sheet --part v3 --seed N --out FILE.md [--answers PATH]
    python bench/devset_sheets.py merge [--answers PATH] --grades-a A.jsonl --key-a A.md.key.json
        --grades-b B.jsonl --key-b B.md.key.json [--devset PATH]

The answers file (default tests/data/grading/devset/v3_answers.jsonl) holds one JSON object a
line: ``answer_id`` (``<item_id>#<k>``), ``item_id`` (a bundled-bank item), ``writer`` (an
integer), ``reference`` (the short reference the answer is graded against), ``answer``,
``intended`` (the writer's intended quality, 0-5) and ``intended_why``; ``part``, if there,
must be the part asked for.

``sheet`` writes a markdown grading sheet: the items in a random order, each with the bank
item's question and its short reference, then its answers in a random order, each under a
random four-letter code; the order and the codes follow ``--seed``, so two graders get two
seeds. The sheet never shows an answer's id, its intended quality, the writer's reasons or
any grade. Beside it, ``FILE.md.key.json`` maps each code to its ``answer_id``: the graders
must not see it.

``merge`` reads each grader's grades, one JSON object a line ``{"code": "ABCD", "grade": 0-5
integer, "why": "one line"}``, checks with that grader's key that every answer is graded
exactly once, and appends one line per answer to the dev set (``answer_id``, ``item_id``,
``writer``, ``part``, ``reference``, ``answer``, ``grade_a``, ``grade_b``, ``intended``,
``why_a``, ``why_b``, ``intended_why``) in the answers file's order. It refuses if the dev set
already has a line of that part, and writes nothing unless the result reads back with
``prepdeck.grading.devset.read_devset``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

import prepdeck
from prepdeck.grading.devset import read_devset

ROOT = Path(__file__).resolve().parents[1]
DEVSET_DIR = ROOT / "tests" / "data" / "grading" / "devset"
DEVSET = DEVSET_DIR / "devset.jsonl"
SHEET_PARTS = ("v3",)  # the parts whose answers carry their own reference
ANSWER_FIELDS = ("answer_id", "item_id", "writer", "reference", "answer", "intended")
CODE_LETTERS = 4
SCALE = (
    "5 correct and complete for what the question asks; 4 one notable gap; 3 right core but "
    "thin; 2 partly right; 1 mostly wrong, or vague with a grain of truth; 0 wrong or off target."
)


class SheetError(Exception):
    """A bad input file; the message names the file (and line)."""


def default_answers(part: str) -> Path:
    return DEVSET_DIR / f"{part}_answers.jsonl"


def _json_lines(path: Path) -> list[tuple[int, Any]]:
    if not path.exists():
        raise SheetError(f"{path}: no such file")
    out = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append((n, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise SheetError(f"{path}:{n}: not JSON ({exc.msg})") from None
    return out


def _text(d: Mapping[str, Any], field: str) -> bool:
    return isinstance(d.get(field), str) and bool(d[field].strip())


def read_answers(path: Path, part: str) -> list[dict[str, Any]]:
    """The answers to grade, in file order, checked (errors name path:line)."""
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for n, d in _json_lines(path):
        where = f"{path}:{n}"
        if not isinstance(d, dict):
            raise SheetError(f"{where}: not a JSON object")
        missing = [f for f in (*ANSWER_FIELDS, "intended_why") if f not in d]
        if missing:
            raise SheetError(f"{where}: missing {', '.join(missing)}")
        for field in ("answer_id", "item_id", "reference", "answer"):
            if not _text(d, field):
                raise SheetError(f"{where}: {field} must be a non-empty string")
        if not isinstance(d["intended_why"], str):
            raise SheetError(f"{where}: intended_why must be a string")
        if not d["answer_id"].startswith(d["item_id"] + "#"):
            raise SheetError(f"{where}: answer_id {d['answer_id']!r} is not <item_id>#<k>")
        if isinstance(d["writer"], bool) or not isinstance(d["writer"], int):
            raise SheetError(f"{where}: writer {d['writer']!r} is not an integer")
        intended = d["intended"]
        if isinstance(intended, bool) or not isinstance(intended, int | float):
            raise SheetError(f"{where}: intended {intended!r} is not a number in 0-5")
        if not 0 <= intended <= 5:
            raise SheetError(f"{where}: intended {intended!r} is not a number in 0-5")
        if d.get("part", part) != part:
            raise SheetError(f"{where}: part {d['part']!r}, not {part!r}")
        if d["answer_id"] in seen:
            raise SheetError(
                f"{where}: answer_id {d['answer_id']!r} repeats (line {seen[d['answer_id']]})"
            )
        seen[d["answer_id"]] = n
        out.append({**d, "_line": n})
    if not out:
        raise SheetError(f"{path}: no answers")
    return out


def make_sheet(
    answers: Sequence[Mapping[str, Any]],
    questions: Mapping[str, str],
    seed: int,
    part: str,
    source: Path,
) -> tuple[str, dict[str, str]]:
    """The sheet's markdown and its key (code -> answer_id), both following ``seed``."""
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for a in answers:
        if a["item_id"] not in questions:
            raise SheetError(
                f"{source}:{a['_line']}: item_id {a['item_id']!r} is not in the bundled bank"
            )
        groups.setdefault((a["item_id"], a["reference"]), []).append(a)
    rng = random.Random(seed)
    order = list(groups)
    rng.shuffle(order)
    key: dict[str, str] = {}
    out = [
        f"# Grading sheet: dev-set part {part}",
        "",
        f"{len(order)} items, {len(answers)} answers. Grade every answer with an integer 0-5: "
        "how well it answers the question, judged against the short reference given with it.",
        "",
        f"Scale: {SCALE}",
        "",
        "Write one JSON object a line, one line per answer, in any order: "
        '`{"code": "ABCD", "grade": 3, "why": "one-line reason"}`.',
    ]
    for k, group in enumerate(order, 1):
        item_id, reference = group
        members = list(groups[group])
        rng.shuffle(members)
        out += [
            "",
            "---",
            "",
            f"## Item {k} of {len(order)}",
            "",
            "**Question.**",
            "",
            questions[item_id].strip(),
            "",
            f"**Reference.** {reference.strip()}",
        ]
        for a in members:
            code = ""
            while not code or code in key:
                code = "".join(rng.choice(string.ascii_uppercase) for _ in range(CODE_LETTERS))
            key[code] = a["answer_id"]
            quoted = [f"> {line}".rstrip() for line in a["answer"].strip().splitlines()]
            out += ["", f"### {code}", "", *quoted]
    return "\n".join(out) + "\n", key


def key_path(sheet: Path) -> Path:
    return sheet.with_name(sheet.name + ".key.json")


def read_key(path: Path, answer_ids: Sequence[str], answers: Path) -> dict[str, str]:
    """A sheet's key, code -> answer_id, covering each answer of ``answers`` exactly once."""
    if not path.exists():
        raise SheetError(f"{path}: no such file")
    try:
        key = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise SheetError(f"{path}: not JSON ({exc.msg})") from None
    if not isinstance(key, dict) or not all(isinstance(v, str) for v in key.values()):
        raise SheetError(f"{path}: not a JSON object of code -> answer_id")
    wanted = set(answer_ids)
    stray = sorted(set(key.values()) - wanted)
    if stray:
        raise SheetError(f"{path}: answer ids not in {answers}: {', '.join(stray)}")
    if len(set(key.values())) != len(key):
        raise SheetError(f"{path}: an answer has more than one code")
    absent = sorted(wanted - set(key.values()))
    if absent:
        raise SheetError(f"{path}: answers of {answers} not on this sheet: {', '.join(absent)}")
    return key


def read_grades(path: Path, key: Mapping[str, str]) -> dict[str, tuple[int, str]]:
    """One grader's grades, answer_id -> (grade, why); every code of ``key`` exactly once."""
    out: dict[str, tuple[int, str]] = {}
    at: dict[str, int] = {}
    for n, d in _json_lines(path):
        where = f"{path}:{n}"
        if not isinstance(d, dict) or not {"code", "grade", "why"} <= set(d):
            raise SheetError(f'{where}: not {{"code": ..., "grade": ..., "why": ...}}')
        code, grade, why = d["code"], d["grade"], d["why"]
        if code not in key:
            raise SheetError(f"{where}: code {code!r} is not on this grader's sheet")
        if code in at:
            raise SheetError(f"{where}: code {code!r} graded twice (first on line {at[code]})")
        if isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= 5:
            raise SheetError(f"{where}: grade {grade!r} is not an integer in 0-5")
        if not isinstance(why, str) or not why.strip():
            raise SheetError(f"{where}: why must be a non-empty string")
        at[code] = n
        out[key[code]] = (grade, why.strip())
    missing = sorted(code for code in key if code not in at)
    if missing:
        raise SheetError(
            f"{path}: {len(missing)} of {len(key)} answers not graded: {', '.join(missing)}"
        )
    return out


def merged_lines(
    answers: Sequence[Mapping[str, Any]],
    a: Mapping[str, tuple[int, str]],
    b: Mapping[str, tuple[int, str]],
    part: str,
) -> list[str]:
    """The dev set's new lines, in the answers file's order."""
    lines = []
    for d in answers:
        aid = d["answer_id"]
        row = {
            "answer_id": aid,
            "item_id": d["item_id"],
            "writer": d["writer"],
            "part": part,
            "reference": d["reference"].strip(),
            "answer": d["answer"],
            "grade_a": a[aid][0],
            "grade_b": b[aid][0],
            "intended": d["intended"],
            "why_a": a[aid][1],
            "why_b": b[aid][1],
            "intended_why": d["intended_why"],
        }
        lines.append(json.dumps(row, ensure_ascii=False))
    return lines


def merge(
    answers_path: Path,
    grades: Sequence[tuple[Path, Path]],
    devset: Path,
    part: str,
) -> tuple[int, list[tuple[int, int]]]:
    """Append the part's answers with grades A and B to ``devset``; (count, grade pairs)."""
    (grades_a, key_a), (grades_b, key_b) = grades
    if grades_a.resolve() == grades_b.resolve():
        raise SheetError(f"{grades_a}: given as both graders' grades")
    answers = read_answers(answers_path, part)
    ids = [d["answer_id"] for d in answers]
    a = read_grades(grades_a, read_key(key_a, ids, answers_path))
    b = read_grades(grades_b, read_key(key_b, ids, answers_path))
    try:
        existing = read_devset(devset)
    except (ValueError, KeyError, json.JSONDecodeError) as exc:
        raise SheetError(f"{devset}: does not read ({exc})") from None
    if any(r.part == part for r in existing):
        raise SheetError(f"{devset}: already has part {part} lines; refusing to merge again")
    clash = sorted(set(ids) & {r.answer_id for r in existing})
    if clash:
        raise SheetError(f"{devset}: already has answer ids {', '.join(clash)}")
    text = devset.read_text("utf-8")
    if text and not text.endswith("\n"):
        text += "\n"
    text += "\n".join(merged_lines(answers, a, b, part)) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=devset.name, suffix=".tmp", dir=devset.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        try:
            merged = read_devset(Path(tmp))
        except (ValueError, KeyError) as exc:
            raise SheetError(f"the merged dev set would not read: {exc}") from None
        assert len(merged) == len(existing) + len(answers)
        os.replace(tmp, devset)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return len(answers), [(a[i][0], b[i][0]) for i in ids]


def agreement(pairs: Sequence[tuple[int, int]]) -> str:
    """Grade A against grade B: Pearson r, exact and within-one agreement."""
    a, b = np.array(pairs, dtype=np.float64).T
    r = float(np.corrcoef(a, b)[0, 1]) if a.std() and b.std() else float("nan")
    exact, within = np.mean(a == b), np.mean(np.abs(a - b) <= 1)
    return (
        f"grade A vs B: Pearson r {r:.3f}, exact {100 * exact:.1f}%, within one point "
        f"{100 * within:.1f}%; mean A {a.mean():.2f}, B {b.mean():.2f}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sheet = sub.add_parser("sheet", help="write a blind grading sheet and its key")
    sheet.add_argument("--part", choices=SHEET_PARTS, default="v3")
    sheet.add_argument("--seed", type=int, required=True, help="the order and codes follow it")
    sheet.add_argument("--out", type=Path, required=True, help="the sheet, FILE.md")
    sheet.add_argument("--answers", type=Path, help="default: <devset dir>/<part>_answers.jsonl")
    sheet.add_argument("--force", action="store_true", help="overwrite an existing key")
    mrg = sub.add_parser("merge", help="append two blind gradings to the dev set")
    mrg.add_argument("--part", choices=SHEET_PARTS, default="v3")
    mrg.add_argument("--answers", type=Path, help="default: <devset dir>/<part>_answers.jsonl")
    mrg.add_argument("--grades-a", type=Path, required=True)
    mrg.add_argument("--key-a", type=Path, required=True)
    mrg.add_argument("--grades-b", type=Path, required=True)
    mrg.add_argument("--key-b", type=Path, required=True)
    mrg.add_argument("--devset", type=Path, default=DEVSET)
    args = parser.parse_args(argv)
    answers_path: Path = args.answers or default_answers(args.part)
    try:
        if args.command == "sheet":
            key_file = key_path(args.out)
            if key_file.exists() and not args.force:
                raise SheetError(
                    f"{key_file}: exists (a sheet may already be out for grading); "
                    "pass --force to overwrite it"
                )
            answers = read_answers(answers_path, args.part)
            questions = {i.id: i.question for i in prepdeck.read_bank().items}
            text, key = make_sheet(answers, questions, args.seed, args.part, answers_path)
            args.out.write_text(text, "utf-8")
            key_file.write_text(json.dumps(key, indent=1) + "\n", "utf-8")
            print(f"wrote {args.out} ({len(key)} answers) and {key_file} (not for the grader)")
        else:
            count, pairs = merge(
                answers_path,
                [(args.grades_a, args.key_a), (args.grades_b, args.key_b)],
                args.devset,
                args.part,
            )
            print(f"appended {count} part-{args.part} answers to {args.devset}")
            print(agreement(pairs))
    except SheetError as exc:
        sys.exit(f"bench/devset_sheets.py: {exc}")


if __name__ == "__main__":
    main()
