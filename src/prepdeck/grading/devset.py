"""The grading development set: typed answers to bundled-bank items, graded blind twice.

``tests/data/grading/devset/devset.jsonl`` holds one JSON object a line: ``answer_id``,
``item_id``, ``writer`` (1-3 in part v1, 4 in part v2, 5 in part v3), ``part`` (``"v1"``: the
first 360 answers; ``"v2"``: 240 answers written with less of the reference's wording;
``"v3"``: answers shaped like Mohler's, each graded against its own short ``reference``),
``answer``, ``grade_a`` and ``grade_b`` (the two blind grades, integers 0-5), ``intended``
(the writer's intended quality, 0-5 in half points) and the graders' and writer's one-line
reasons.

``reference`` is on part v3's lines only: a short reference answer (10-25 words) written for
the dev set. A v3 answer is graded against it and the bank item's question, never against the
item's long answer or its authored key points; v1 and v2 answers are graded against the bank
item's answer. It is the set the grader's constants are chosen on; Mohler is only reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

PARTS = ("v1", "v2", "v3")
#: The parts whose lines carry their own ``reference`` (and must).
OWN_REFERENCE = frozenset({"v3"})


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
    #: The line's own short reference answer (part v3); None: the bank item's answer.
    reference: str | None = None

    @property
    def label(self) -> float:
        """The mean of the two blind grades, 0-5 (like Mohler's two graders)."""
        return (self.grade_a + self.grade_b) / 2


def read_devset(path: Path) -> list[DevAnswer]:
    """The dev set's answers, in file order.

    Raises ``ValueError`` naming the line when a grade is not an integer in 0-5, the part
    is not one of ``PARTS``, a v3 line has no non-empty ``reference``, a v1 or v2 line has
    one, or an ``answer_id`` repeats.
    """
    out: list[DevAnswer] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        d = json.loads(line)
        reference = d.get("reference")
        row = DevAnswer(
            str(d["answer_id"]),
            str(d["item_id"]),
            int(d["writer"]),
            str(d["part"]),
            str(d["answer"]),
            d["grade_a"],
            d["grade_b"],
            float(d["intended"]),
            reference,
        )
        for grade in (row.grade_a, row.grade_b):
            if not isinstance(grade, int) or not 0 <= grade <= 5:
                raise ValueError(f"{path}:{n}: grade {grade!r} is not an integer in 0-5")
        if row.part not in PARTS:
            raise ValueError(f"{path}:{n}: part {row.part!r} is not one of {', '.join(PARTS)}")
        if row.part in OWN_REFERENCE:
            if not isinstance(reference, str) or not reference.strip():
                raise ValueError(
                    f"{path}:{n}: a part {row.part} line needs a non-empty reference, "
                    f"not {reference!r}"
                )
        elif "reference" in d:
            raise ValueError(
                f"{path}:{n}: a part {row.part} line has no reference of its own "
                "(it is graded against the bank item's answer)"
            )
        if row.answer_id in seen:
            raise ValueError(f"{path}:{n}: answer_id {row.answer_id!r} repeats")
        seen.add(row.answer_id)
        out.append(row)
    return out
