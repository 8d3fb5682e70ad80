"""A mock from start to report on a real store (SQLite and PostgreSQL), with a moved clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from prepdeck.mock import (
    MockConflict,
    MockError,
    MockNotFound,
    MockRecord,
    MockRequest,
    NoEligibleQuestions,
    QuestionStep,
)
from prepdeck.scheduling import Rating
from prepdeck.storage import QueueFilter, ReviewInput
from prepdeck.store import SqlStore
from prepdeck.store.tables import cards, mock_answers, reviews
from tests.mock.conftest import BANK, Clock, interviews

GOOD = "The variance shrinks with the sample size; averaging independent draws divides it by n."


def step_of(value: QuestionStep | MockRecord) -> QuestionStep:
    assert isinstance(value, QuestionStep), value
    return value


def test_round_trip_timestamps_answers_reviews_and_report(store: SqlStore, clock: Clock) -> None:
    service = interviews(store, clock)
    mock = service.start(MockRequest(questions=4, topics=("statistics", "Probability"), seed=9))
    assert mock.topics == ("Statistics", "Probability")  # spelled as the bank has them
    assert [q.position for q in mock.questions] == [1, 2, 3, 4]
    assert {q.item.topic for q in mock.questions} == {"Statistics", "Probability"}
    assert mock.total_s == sum(q.limit_s for q in mock.questions)
    assert mock.started_at == clock.now and not mock.finished

    clock.advance(5)
    first = step_of(service.current(mock.mock_id))
    assert first.position == 1 and first.question.shown_at == clock.now
    assert "answer" not in first.to_dict() and "reference_answer" not in first.to_dict()
    clock.advance(30)
    again = step_of(service.current(mock.mock_id))  # a reload keeps the question's clock
    assert again.question.shown_at == first.question.shown_at
    assert again.question_deadline == first.question_deadline

    clock.advance(40)
    second = step_of(service.answer(mock.mock_id, 1, GOOD))
    assert second.position == 2 and second.question.shown_at == clock.now
    with pytest.raises(MockConflict, match="question 1 is not the current one"):
        service.answer(mock.mock_id, 1, "again")

    limit = second.question.limit_s
    clock.advance(limit + 60)  # well past this question's limit
    third = step_of(service.answer(mock.mock_id, 2, ""))
    clock.advance(10)
    fourth = step_of(service.answer(mock.mock_id, third.position, "no idea, sorry"))
    clock.advance(20)
    done = service.answer(mock.mock_id, fourth.position, GOOD)
    assert isinstance(done, MockRecord) and done.finished

    stored = store.mock(service.user, mock.mock_id)
    q1 = stored.questions[0]
    assert q1.answer == GOOD and q1.time_taken == timedelta(seconds=70)
    assert q1.review_id is not None and q1.grade is not None and q1.score is not None
    assert stored.score is not None and stored.summary is not None

    # Every answer became one review, rated with the grader's proposal.
    log = [r for r in store.review_log(service.user) if r.kind == "review"]
    assert len(log) == 4
    by_answer = {r.typed_answer: r for r in log}
    assert by_answer[GOOD].rating == by_answer[GOOD].proposed_rating
    assert by_answer[None].rating == int(Rating.AGAIN)  # the empty answer: "I don't know"

    report = service.report(mock.mock_id)
    results = {r.question.position: r for r in report.questions}
    assert results[2].overtime and not results[1].overtime
    assert results[2].score == 0.0 and len(results[2].missed) == 2
    assert results[1].score > 0.5
    assert report.answered == 4 and report.previous_score is None
    assert {t.topic for t in report.topics} == {"Statistics", "Probability"}
    assert any(why.startswith("Q2") for _, why in report.to_read)
    assert report.to_dict()["questions"][0]["reference_answer"]


def test_trend_compares_with_earlier_mocks(store: SqlStore, clock: Clock) -> None:
    service = interviews(store, clock)
    first = service.start(MockRequest(questions=2, topics=("Statistics",), seed=1))
    while isinstance(step := service.current(first.mock_id), QuestionStep):
        service.answer(first.mock_id, step.position, "")
    clock.advance(3600)
    second = service.start(MockRequest(questions=2, topics=("Statistics",), seed=1))
    while isinstance(step := service.current(second.mock_id), QuestionStep):
        service.answer(second.mock_id, step.position, GOOD)
    report = service.report(second.mock_id)
    assert [p.mock_id for p in report.trend] == [first.mock_id, second.mock_id]
    assert report.previous_score == 0.0 and report.change is not None and report.change > 0.3
    statistics = next(t for t in report.topics if t.topic == "Statistics")
    assert statistics.previous == 0.0 and statistics.change == pytest.approx(report.change)
    # The draw moved on: what was failed (now in relearning) is weaker than the rest.
    listed = service.history()
    assert [m.mock_id for m in listed] == [second.mock_id, first.mock_id]
    assert listed[0].answered == 2 and listed[0].score == pytest.approx(report.score)


def test_the_mocks_time_is_up(store: SqlStore, clock: Clock) -> None:
    service = interviews(store, clock)
    mock = service.start(MockRequest(minutes=10, topics=("Probability",), seed=2))
    assert mock.total_s == pytest.approx(600, abs=2) and len(mock.questions) == 2
    step_of(service.current(mock.mock_id))
    clock.advance(mock.total_s + 30)
    # The question on screen may still be answered (late); no new question is shown.
    after = service.answer(mock.mock_id, 1, GOOD)
    assert isinstance(after, MockRecord) and after.finished
    report = service.report(mock.mock_id)
    assert report.answered == 1 and report.questions[0].overtime
    assert all(not q.question.answered for q in report.questions[1:])
    with pytest.raises(MockConflict, match="is over"):
        service.answer(mock.mock_id, 2, "too late")


def test_a_mock_left_open_past_its_time_is_over(store: SqlStore, clock: Clock) -> None:
    service = interviews(store, clock)
    mock = service.start(MockRequest(questions=2, seed=2))
    step_of(service.current(mock.mock_id))
    clock.advance(mock.total_s + 61)  # past the minute a late answer is given
    with pytest.raises(MockConflict, match=r"time was up at 12:.* came too late"):
        service.answer(mock.mock_id, 1, GOOD)
    assert service.get(mock.mock_id).finished
    assert service.report(mock.mock_id).answered == 0
    assert list(store.review_log(service.user)) == []
    # Listing finishes mocks abandoned while running.
    other = service.start(MockRequest(questions=1, seed=3))
    clock.advance(other.total_s + 61)
    assert all(m.finished_at is not None for m in service.history())


def test_suspended_cards_are_not_asked(store: SqlStore, clock: Clock) -> None:
    service = interviews(store, clock)
    statistics = store.all_cards(service.user, QueueFilter(topics=("Statistics",)), 100)
    for view in statistics[1:]:
        store.record_review(service.user, view, None, ReviewInput(Rating.GOOD, clock.now))
    with store.engine.begin() as conn:
        conn.execute(
            update(cards)
            .where(cards.c.item_id.in_([v.item_pk for v in statistics[1:]]))
            .values(suspended=True)
        )
    mock = service.start(MockRequest(questions=5, topics=("Statistics",), seed=1))
    assert [q.item_pk for q in mock.questions] == [statistics[0].item_pk]


def test_no_schedule_leaves_cards_alone(store: SqlStore, clock: Clock) -> None:
    service = interviews(store, clock)
    mock = service.start(MockRequest(questions=2, seed=4, schedule=False))
    service.current(mock.mock_id)
    service.answer(mock.mock_id, 1, GOOD)
    assert list(store.review_log(service.user)) == []
    assert store.mock(service.user, mock.mock_id).questions[0].score is not None


def test_another_users_mock_is_not_found(store: SqlStore, clock: Clock) -> None:
    alice = interviews(store, clock, "alice")
    bob = interviews(store, clock, "bob")
    mock = alice.start(MockRequest(questions=2, seed=4))
    for call in (
        lambda: bob.current(mock.mock_id),
        lambda: bob.answer(mock.mock_id, 1, "mine now"),
        lambda: bob.finish(mock.mock_id),
        lambda: bob.report(mock.mock_id),
        lambda: store.mark_mock_shown(bob.user, mock.mock_id, 1, clock.now),
    ):
        with pytest.raises(MockNotFound):
            call()
    assert bob.history() == []
    assert alice.get(mock.mock_id).questions[0].shown_at is None


def test_a_double_submit_writes_once(store: SqlStore, clock: Clock) -> None:
    service = interviews(store, clock)
    mock = service.start(MockRequest(questions=2, seed=4))
    step_of(service.current(mock.mock_id))
    stale = service.get(mock.mock_id)
    service.answer(mock.mock_id, 1, GOOD)
    # A second request that read the mock before the first answer was saved loses cleanly.
    with pytest.raises(MockConflict):
        service.answer(mock.mock_id, 1, "second click")
    from prepdeck.mock.records import MockAnswerInput

    assert not store.save_mock_answer(
        service.user, mock.mock_id, 1, MockAnswerInput(clock.now, "raced", 0.0, {})
    )
    assert stale.questions[0].answered_at is None
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(reviews)).scalar_one() == 1
        texts = conn.execute(select(mock_answers.c.answer).order_by(mock_answers.c.position))
        assert [t for (t,) in texts] == [GOOD, None]


def test_bad_requests_name_what_is_wrong(store: SqlStore, clock: Clock) -> None:
    service = interviews(store, clock)
    with pytest.raises(MockError, match="unknown topic 'Astrology'"):
        service.start(MockRequest(topics=("Statistics", "Astrology")))
    with pytest.raises(MockError, match="unknown preset 'astronaut'"):
        service.start(MockRequest(preset="astronaut"))
    with pytest.raises(MockError, match="minutes: 0 is not between 1 and 240"):
        service.start(MockRequest(minutes=0))
    assert service.history() == []


def test_no_eligible_questions_for_a_preset_the_banks_do_not_cover(
    store: SqlStore, clock: Clock
) -> None:
    store.sync_bank("mock-bank", "mock-bank.md", [b for b in BANK if b.topic == "Deep learning"])
    service = interviews(store, clock)
    with pytest.raises(MockError, match=r"no eligible questions.*preset 'analyst'"):
        service.start(MockRequest(preset="Analyst"))
    with pytest.raises(MockError, match="unknown topic 'Probability'"):  # retired now
        service.start(MockRequest(topics=("Probability",)))
    assert service.history() == [] and list(store.review_log(service.user)) == []
    assert issubclass(NoEligibleQuestions, MockError)
    assert service.start(MockRequest(preset="mle", questions=2)).preset == "ml-engineer"


def test_a_mock_survives_a_new_store(url: str, store: SqlStore, clock: Clock) -> None:
    service = interviews(store, clock)
    mock = service.start(MockRequest(questions=3, seed=8))
    shown = step_of(service.current(mock.mock_id)).question.shown_at
    store.close()
    reopened = SqlStore.open(url)
    try:
        later = interviews(reopened, clock)
        clock.advance(15)
        step = step_of(later.current(mock.mock_id))
        assert step.position == 1 and step.question.shown_at == shown
    finally:
        reopened.close()
