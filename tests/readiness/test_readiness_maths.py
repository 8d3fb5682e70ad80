"""Readiness figures against values computed by hand with ``fsrs`` itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import fsrs
import pytest

from prepdeck.readiness import NoInterviewDate, ReadinessError, readiness
from prepdeck.scheduling import CardPhase, CardState, Scheduler, study_day_start
from prepdeck.settings import Settings
from prepdeck.storage import TopicCard

NOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
INTERVIEW = date(2026, 10, 31)


def _state(stability: float, difficulty: float, days_ago: float) -> CardState:
    last = NOW - timedelta(days=days_ago)
    return CardState(
        phase=CardPhase.REVIEW,
        step=None,
        stability=stability,
        difficulty=difficulty,
        due=last + timedelta(days=stability),
        last_review=last,
        reps=3,
    )


def _by_hand(state: CardState, moment: datetime) -> float:
    """fsrs's own retrievability of the same card at ``moment``."""
    card = fsrs.Card(
        card_id=1,
        state=fsrs.State.Review,
        step=None,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )
    return float(fsrs.Scheduler().get_card_retrievability(card, moment))


CARDS = [
    TopicCard("Statistics", _state(40.0, 4.0, 3)),
    TopicCard("Statistics", _state(5.0, 7.5, 2)),
    TopicCard("Deep learning", _state(120.0, 2.0, 10)),
]


def test_figures_are_fsrs_retrievability_on_the_date_with_unseen_items_at_zero() -> None:
    result = readiness(
        CARDS,
        {"Statistics": 2, "Deep learning": 0, "SQL": 4},
        Scheduler(Settings()),
        interview_date=INTERVIEW,
        now=NOW,
    )
    moment = study_day_start(INTERVIEW, Settings())
    hand = [_by_hand(c.state, moment) for c in CARDS]
    # The weak card (S = 5 d) has faded a lot by the date; the strong one barely.
    assert hand[1] < 0.75 < 0.95 < hand[2]
    topics = {t.topic: t for t in result.topics}
    assert list(topics) == ["Deep learning", "SQL", "Statistics"]
    stats = topics["Statistics"]
    assert (stats.items, stats.studied) == (4, 2)
    assert stats.on_date == pytest.approx((hand[0] + hand[1]) / 4, abs=1e-9)
    assert stats.coverage == 0.5
    assert topics["Deep learning"].on_date == pytest.approx(hand[2], abs=1e-9)
    assert topics["SQL"].on_date == 0.0 and topics["SQL"].coverage == 0.0
    assert result.overall.items == 9
    assert result.overall.on_date == pytest.approx(sum(hand) / 9, abs=1e-9)
    now_hand = [_by_hand(c.state, NOW) for c in CARDS]
    assert result.overall.recall_now == pytest.approx(sum(now_hand) / 9, abs=1e-9)
    assert result.overall.recall_now > result.overall.on_date
    assert result.days_left == 30 and result.target == 0.9


def test_the_plan_projection_starts_at_recall_now_and_reaches_the_target() -> None:
    result = readiness(CARDS, {"SQL": 40}, Scheduler(Settings()), interview_date=INTERVIEW, now=NOW)
    plan = result.plan
    assert plan.trajectory[0].if_you_stop == pytest.approx(result.overall.recall_now, abs=1e-9)
    assert plan.trajectory[-1].if_you_stop == pytest.approx(result.overall.on_date, abs=1e-9)
    assert plan.trajectory[-1].day == INTERVIEW
    assert plan.reachable and plan.projected >= 0.9 - 0.02
    assert len(plan.days) == 30 and sum(d.new for d in plan.days) == plan.new_total
    assert 0 < plan.new_per_day <= 2  # 40 new cards over 30 days


def test_a_date_in_the_past_is_refused_naming_the_field() -> None:
    with pytest.raises(ReadinessError) as err:
        readiness(
            CARDS,
            {},
            Scheduler(Settings()),
            interview_date=date(2026, 9, 1),
            now=NOW,
            date_field="--date",
        )
    assert "--date" in str(err.value) and "in the past" in str(err.value)


def test_no_date_says_how_to_set_one() -> None:
    with pytest.raises(NoInterviewDate) as err:
        readiness(CARDS, {}, Scheduler(Settings()), interview_date=None, now=NOW)
    assert "prepdeck status --date" in str(err.value)


@pytest.mark.parametrize("target", [0.2, 1.0])
def test_a_target_out_of_range_is_refused(target: float) -> None:
    with pytest.raises(ReadinessError, match="target"):
        readiness(
            CARDS, {}, Scheduler(Settings()), interview_date=INTERVIEW, target=target, now=NOW
        )


def test_the_interview_today_has_no_days_to_plan() -> None:
    today = NOW.date()
    result = readiness(CARDS, {"SQL": 3}, Scheduler(Settings()), interview_date=today, now=NOW)
    assert result.days_left == 0 and result.plan.days == ()
    assert [p.day for p in result.plan.trajectory] == [today]
    assert "today" in result.plan.advice[0]
