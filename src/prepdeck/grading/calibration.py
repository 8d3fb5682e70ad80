"""How the user's ratings compare with the proposed ones, and bands fitted to their choices.

Reads the review log: every review with a grade carries the proposed rating and the rating
the user chose. Suggested bands are the score thresholds that best reproduce the user's own
choices, offered once there are enough graded reviews.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from prepdeck.grading.bands import DEFAULT_BANDS, Bands
from prepdeck.scheduling import Rating
from prepdeck.storage import ReviewRecord

#: Graded reviews needed before bands are suggested.
MIN_FOR_BANDS = 50


@dataclass
class OverrideReport:
    graded: int = 0
    accepted: int = 0
    raised: int = 0  # the user chose a higher rating than proposed
    lowered: int = 0
    by_proposal: dict[Rating, Counter[Rating]] = field(default_factory=dict)
    suggested: Bands | None = None
    pairs: list[tuple[float, Rating]] = field(default_factory=list)

    @property
    def override_rate(self) -> float:
        return (self.raised + self.lowered) / self.graded if self.graded else 0.0


def _graded(log: Iterable[ReviewRecord]) -> list[ReviewRecord]:
    rows = list(log)
    undone = {r.undoes_id for r in rows if r.kind == "undo"}
    return [
        r
        for r in rows
        if r.kind == "review"
        and r.review_id not in undone
        and r.grade is not None
        # multiple-choice reviews carry a 0/1 grade but no typed answer: not the grader's
        and r.typed_answer is not None
        and r.proposed_rating is not None
        and r.rating is not None
    ]


def _best_threshold(pairs: list[tuple[float, Rating]], level: Rating, low: float) -> float:
    """The threshold t >= low that best predicts 'chosen >= level' by 'score >= t'."""
    candidates = sorted({round(s, 3) for s, _ in pairs if s >= low} | {low, 1.0})
    best_t, best_correct = low, -1
    for t in candidates:
        correct = sum(1 for s, chosen in pairs if (s >= t) == (chosen >= level))
        if correct > best_correct:
            best_t, best_correct = t, correct
    return best_t


def suggest_bands(pairs: list[tuple[float, Rating]], minimum: int = MIN_FOR_BANDS) -> Bands | None:
    """Bands fitted to (score, chosen rating) pairs, or None with too few pairs."""
    if len(pairs) < minimum:
        return None
    hard = _best_threshold(pairs, Rating.HARD, 0.0)
    good = _best_threshold(pairs, Rating.GOOD, hard)
    easy = _best_threshold(pairs, Rating.EASY, good)
    return Bands(hard=hard, good=good, easy=easy)


def override_report(log: Iterable[ReviewRecord], minimum: int = MIN_FOR_BANDS) -> OverrideReport:
    report = OverrideReport()
    for r in _graded(log):
        proposed, chosen = Rating(r.proposed_rating or 1), Rating(r.rating or 1)
        report.graded += 1
        report.by_proposal.setdefault(proposed, Counter())[chosen] += 1
        if chosen == proposed:
            report.accepted += 1
        elif chosen > proposed:
            report.raised += 1
        else:
            report.lowered += 1
        report.pairs.append((float(r.grade or 0.0), chosen))
    suggested = suggest_bands(report.pairs, minimum)
    report.suggested = suggested if suggested != DEFAULT_BANDS else None
    return report
