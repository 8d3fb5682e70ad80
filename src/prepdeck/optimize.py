"""Fit a user's FSRS parameters to their own review log with fsrs-rs-python (Anki's engine).

Each card's reviews become one training item per review on a later day than the one
before it (the history up to that review), with whole days between reviews, as FSRS
trains. Ratings that were
undone, and cram ratings, are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import fsrs
import fsrs_rs_python as fsrs_rs

from prepdeck.errors import PrepdeckError
from prepdeck.storage import ReviewRecord

#: Below this many reviews the fit is noise; Anki asks for a similar amount.
MIN_REVIEWS = 400


class NotEnoughReviews(PrepdeckError):
    """The review log is too short to fit parameters on."""


@dataclass(frozen=True)
class FitResult:
    """Parameters and the log loss / binned RMSE of the old and new parameters on the log."""

    parameters: list[float]
    reviews: int
    items: int
    log_loss_before: float
    log_loss_after: float
    rmse_before: float
    rmse_after: float


def histories(log: Iterable[ReviewRecord]) -> list[list[tuple[int, int]]]:
    """Per training item, its (rating, days since the previous review) pairs."""
    undone = set()
    rows = []
    for r in log:
        if r.kind == "undo" and r.undoes_id is not None:
            undone.add(r.undoes_id)
        rows.append(r)
    per_card: dict[tuple[str, str], list[ReviewRecord]] = defaultdict(list)
    for r in rows:
        if r.kind == "review" and r.review_id not in undone and r.rating:
            per_card[(r.bank, r.item_key)].append(r)
    out: list[list[tuple[int, int]]] = []
    for history in per_card.values():
        history.sort(key=lambda r: r.reviewed_at)
        reviews: list[tuple[int, int]] = []
        previous = None
        for r in history:
            day = r.reviewed_at.date()
            delta = 0 if previous is None else (day - previous).days
            reviews.append((int(r.rating or 1), delta))
            previous = day
            if len(reviews) >= 2 and delta > 0:  # FSRS predicts recall across days only
                out.append(list(reviews))
    return out


def training_items(log: Iterable[ReviewRecord]) -> list[fsrs_rs.FSRSItem]:
    return [
        fsrs_rs.FSRSItem([fsrs_rs.FSRSReview(rating, delta) for rating, delta in history])
        for history in histories(log)
    ]


def fit_parameters(
    log: Iterable[ReviewRecord], current: Sequence[float] | None = None, minimum: int = MIN_REVIEWS
) -> FitResult:
    """Fit parameters; raises :class:`NotEnoughReviews` when the log is too short."""
    items = training_items(log)
    long_term = [i for i in items if i.long_term_review_cnt() > 0]
    if len(items) < minimum or not long_term:
        raise NotEnoughReviews(
            f"need at least {minimum} reviews spread over several days to fit parameters; "
            f"the log has {len(items)} usable reviews"
        )
    before_params = list(current) if current else list(fsrs.Scheduler().parameters)
    before = fsrs_rs.FSRS(before_params).evaluate(items)
    fitted = fsrs_rs.FSRS(fsrs_rs.DEFAULT_PARAMETERS).compute_parameters(items)
    after = fsrs_rs.FSRS(fitted).evaluate(items)
    return FitResult(
        parameters=[float(p) for p in fitted],
        reviews=len(items),
        items=len(items),
        log_loss_before=before.log_loss,
        log_loss_after=after.log_loss,
        rmse_before=before.rmse_bins,
        rmse_after=after.rmse_bins,
    )
