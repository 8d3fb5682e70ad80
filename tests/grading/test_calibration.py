from __future__ import annotations

import random
from datetime import UTC, datetime

from prepdeck.grading.bands import DEFAULT_BANDS, Bands
from prepdeck.grading.calibration import override_report, suggest_bands
from prepdeck.scheduling import Rating
from prepdeck.storage import ReviewRecord

T = datetime(2026, 11, 24, tzinfo=UTC)


def _record(
    n: int, grade: float, proposed: Rating, chosen: Rating, kind: str = "review"
) -> ReviewRecord:
    return ReviewRecord(
        review_id=n,
        kind=kind,
        bank="b",
        item_key=f"q{n}",
        topic="t",
        rating=int(chosen),
        reviewed_at=T,
        duration_ms=None,
        typed_answer="x",
        grade=grade,
        proposed_rating=int(proposed),
        was_new=False,
        undoes_id=None,
    )


def test_default_bands() -> None:
    assert [DEFAULT_BANDS.rating(s) for s in (0.1, 0.4, 0.59, 0.6, 0.84, 0.85, 1.0)] == [
        Rating.AGAIN,
        Rating.HARD,
        Rating.HARD,
        Rating.GOOD,
        Rating.GOOD,
        Rating.EASY,
        Rating.EASY,
    ]


def test_override_counts_direction() -> None:
    log = [
        _record(1, 0.7, Rating.GOOD, Rating.GOOD),
        _record(2, 0.7, Rating.GOOD, Rating.EASY),
        _record(3, 0.3, Rating.AGAIN, Rating.HARD),
        _record(4, 0.9, Rating.EASY, Rating.HARD),
    ]
    report = override_report(log)
    assert (report.graded, report.accepted, report.raised, report.lowered) == (4, 1, 2, 1)
    assert report.by_proposal[Rating.GOOD][Rating.EASY] == 1
    assert report.suggested is None  # too few reviews


def test_suggested_bands_follow_a_strict_user() -> None:
    rng = random.Random(3)
    strict = Bands(hard=0.55, good=0.75, easy=0.95)  # this user rates harder than the defaults
    log = []
    for n in range(300):
        score = rng.random()
        log.append(_record(n, score, DEFAULT_BANDS.rating(score), strict.rating(score)))
    report = override_report(log)
    assert report.lowered > 50 and report.raised == 0
    assert report.suggested is not None
    assert abs(report.suggested.hard - 0.55) < 0.03
    assert abs(report.suggested.good - 0.75) < 0.03
    assert abs(report.suggested.easy - 0.95) < 0.03


def test_undone_reviews_are_ignored() -> None:
    log = [
        _record(1, 0.7, Rating.GOOD, Rating.AGAIN),
        ReviewRecord(2, "undo", "b", "q1", "t", None, T, None, None, None, None, False, 1),
    ]
    assert override_report(log).graded == 0


def test_suggest_needs_enough_pairs() -> None:
    assert suggest_bands([(0.5, Rating.GOOD)] * 10) is None


def test_multiple_choice_reviews_are_not_graded_answers() -> None:
    from dataclasses import replace

    log = [replace(_record(1, 1.0, Rating.GOOD, Rating.EASY), typed_answer=None)]
    assert override_report(log).graded == 0
