"""CardState's dict form: what the review log keeps of a card before and after a rating."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime

from prepdeck.scheduling import CardPhase, CardState


def test_to_dict_names_every_field_and_round_trips() -> None:
    state = CardState(
        phase=CardPhase.REVIEW,
        step=None,
        stability=12.5,
        difficulty=6.25,
        due=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        last_review=datetime(2026, 11, 19, 8, 0, tzinfo=UTC),
        reps=7,
        lapses=1,
    )
    data = state.to_dict()
    assert set(data) == {f.name for f in fields(CardState)}  # a new field must be written too
    assert data["phase"] == int(CardPhase.REVIEW)
    assert data["due"] == "2026-12-01T09:30:00+00:00"
    assert CardState.from_dict(data) == state


def test_a_new_card_has_no_dates() -> None:
    data = CardState().to_dict()
    assert data["due"] is None and data["last_review"] is None
    assert CardState.from_dict(data) == CardState()
