"""What a grade is: a score, a judgement per key point, and a proposed rating."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prepdeck.scheduling import Rating


@dataclass(frozen=True)
class KeyPointResult:
    """One key point: hit or missed, how similar the best part of the answer was, and that part.

    ``similarity`` is in [0, 1]; ``evidence`` is the span of the answer that matched best
    (``span`` gives its character offsets in the answer), or None when nothing came close.
    """

    text: str
    hit: bool
    similarity: float
    evidence: str | None = None
    span: tuple[int, int] | None = None
    reason: str | None = None  # why a close match was not a hit (negated, wrong subject...)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "hit": self.hit,
            "similarity": round(self.similarity, 4),
            "evidence": self.evidence,
            "span": list(self.span) if self.span else None,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Grade:
    """The grade of one typed answer against a reference answer.

    ``score`` is in [0, 1]; ``rating`` is the proposed FSRS rating from :mod:`bands`
    (a proposal: the user chooses); ``method`` names the grader that produced it.
    """

    score: float
    rating: Rating
    verdict: str
    key_points: tuple[KeyPointResult, ...] = ()
    derived_key_points: bool = False
    method: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def hits(self) -> tuple[KeyPointResult, ...]:
        return tuple(k for k in self.key_points if k.hit)

    @property
    def misses(self) -> tuple[KeyPointResult, ...]:
        return tuple(k for k in self.key_points if not k.hit)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 4),
            "rating": self.rating.label,
            "verdict": self.verdict,
            "key_points": [k.to_dict() for k in self.key_points],
            "derived_key_points": self.derived_key_points,
            "method": self.method,
            "notes": list(self.notes),
        }
