"""Score bands: how a grade in [0, 1] becomes a proposed rating.

| score        | proposed rating |
| ------------ | --------------- |
| below 0.40   | Again           |
| 0.40 to 0.60 | Hard            |
| 0.60 to 0.85 | Good            |
| 0.85 and up  | Easy            |

A user's own bands can replace these once their overrides show the defaults are off
(``prepdeck grading report``).
"""

from __future__ import annotations

from dataclasses import dataclass

from prepdeck.scheduling import Rating


@dataclass(frozen=True)
class Bands:
    """Lower score bounds of Hard, Good and Easy; below ``hard`` is Again."""

    hard: float = 0.40
    good: float = 0.60
    easy: float = 0.85

    def rating(self, score: float) -> Rating:
        if score >= self.easy:
            return Rating.EASY
        if score >= self.good:
            return Rating.GOOD
        if score >= self.hard:
            return Rating.HARD
        return Rating.AGAIN

    def verdict(self, score: float, hits: int, total: int) -> str:
        covered = f"{hits} of {total} key points" if total else "the reference"
        rating = self.rating(score)
        if rating is Rating.EASY:
            return f"Excellent: covers {covered}."
        if rating is Rating.GOOD:
            return f"Good: covers {covered}; review what you missed."
        if rating is Rating.HARD:
            return f"Partly right: covers {covered}."
        return f"Not there yet: covers {covered}; read the reference answer."


DEFAULT_BANDS = Bands()
