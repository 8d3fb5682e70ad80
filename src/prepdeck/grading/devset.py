"""The grading development set: typed answers to bundled-bank items, graded blind twice.

``tests/data/grading/devset/devset.jsonl`` holds one JSON object a line: ``answer_id``,
``item_id``, ``writer`` (1-3 in part v1, 4 in part v2), ``part`` (``"v1"``: the first 360
answers; ``"v2"``: 240 answers written with less of the reference's wording), ``answer``,
``grade_a`` and ``grade_b`` (the two blind grades, integers 0-5), ``intended`` (the writer's
intended quality, 0-5 in half points) and the graders' and writer's one-line reasons. It is
the set the grader's constants are chosen on; Mohler is only reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

PARTS = ("v1", "v2")


@dataclass(frozen=True)
class DevAnswer:
    answer_id: str
    item_id: str
    writer: int
    part: str
    answer: str
    grade_a: int
    grade_b: int
    intended: float

    @property
    def label(self) -> float:
        """The mean of the two blind grades, 0-5 (like Mohler's two graders)."""
        return (self.grade_a + self.grade_b) / 2


def read_devset(path: Path) -> list[DevAnswer]:
    """The dev set's answers, in file order.

    Raises ``ValueError`` naming the line when a grade is not an integer in 0-5, the part
    is not one of ``PARTS`` or an ``answer_id`` repeats.
    """
    out: list[DevAnswer] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        d = json.loads(line)
        row = DevAnswer(
            str(d["answer_id"]),
            str(d["item_id"]),
            int(d["writer"]),
            str(d["part"]),
            str(d["answer"]),
            d["grade_a"],
            d["grade_b"],
            float(d["intended"]),
        )
        for grade in (row.grade_a, row.grade_b):
            if not isinstance(grade, int) or not 0 <= grade <= 5:
                raise ValueError(f"{path}:{n}: grade {grade!r} is not an integer in 0-5")
        if row.part not in PARTS:
            raise ValueError(f"{path}:{n}: part {row.part!r} is not one of {', '.join(PARTS)}")
        if row.answer_id in seen:
            raise ValueError(f"{path}:{n}: answer_id {row.answer_id!r} repeats")
        seen.add(row.answer_id)
        out.append(row)
    return out
