"""A mock interview from start to report, on any :class:`~prepdeck.storage.Store`.

Everything lives in the store: the drawn questions, when each was first shown, the typed
answers and their grades. Any process (a CLI, any web worker) can continue a mock from its
id, and the store's timestamps are the only clock that counts: a question's deadline is
when it was first shown plus its limit, and no new question is shown after the mock's
overall deadline. Answers are graded when given but shown only in the report. Each answer
becomes a review rated with the grader's proposal unless the mock was started without
scheduling.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from prepdeck.grading.service import bands_from, grade_item
from prepdeck.mock.draw import DEFAULT_MIX, Candidate, draw, questions_for, time_limits
from prepdeck.mock.presets import MockError, preset, resolve_topics
from prepdeck.mock.records import (
    DrawnQuestion,
    MockAnswerInput,
    MockListing,
    MockQuestion,
    MockRecord,
    NewMock,
)
from prepdeck.mock.report import MockReport, build_report, summarise
from prepdeck.model import Item
from prepdeck.scheduling import CardPhase, Scheduler, utcnow
from prepdeck.settings import Settings
from prepdeck.storage import ConcurrentUpdate, MockStore, QueueFilter, ReviewInput

MAX_MINUTES = 240
MAX_QUESTIONS = 100
MAX_ANSWER_CHARS = 20_000
#: Lapses within this window count as recent for the draw.
RECENT = timedelta(days=30)
#: Upper bound on the items a draw reads.
MAX_CANDIDATES = 20_000
RETRIES = 5
#: An answer typed when the mock's time ran out still counts if it arrives this soon after
#: (the page submits at the deadline; a terminal user finishes the sentence). Later, the
#: mock is over and the answer is refused.
LATE_ANSWER = timedelta(seconds=60)


class MockConflict(MockError):
    """The request does not fit the mock's state (already answered, finished, wrong question)."""


@dataclass(frozen=True)
class MockRequest:
    """What the user asks for: a length (``minutes`` and/or ``questions``), topics or a preset.

    Without either length, 30 minutes. ``seed`` pins the draw (random when None);
    ``schedule`` False keeps the mock out of the spaced-repetition schedule.
    """

    minutes: int | None = None
    questions: int | None = None
    topics: tuple[str, ...] = ()
    preset: str | None = None
    seed: int | None = None
    schedule: bool = True
    mix: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_MIX))

    def check(self) -> None:
        if self.minutes is not None and not 1 <= self.minutes <= MAX_MINUTES:
            raise MockError(f"minutes: {self.minutes} is not between 1 and {MAX_MINUTES}")
        if self.questions is not None and not 1 <= self.questions <= MAX_QUESTIONS:
            raise MockError(f"questions: {self.questions} is not between 1 and {MAX_QUESTIONS}")
        if self.preset:
            preset(self.preset)


@dataclass(frozen=True)
class QuestionStep:
    """The question to answer now. ``deadline`` is the earlier of its own and the mock's."""

    mock: MockRecord
    question: MockQuestion
    now: datetime

    @property
    def item(self) -> Item:
        return self.question.item

    @property
    def position(self) -> int:
        return self.question.position

    @property
    def total(self) -> int:
        return len(self.mock.questions)

    @property
    def question_deadline(self) -> datetime:
        shown = self.question.shown_at or self.now
        return min(shown + timedelta(seconds=self.question.limit_s), self.mock.deadline)

    def to_dict(self) -> dict[str, Any]:
        item = self.item
        return {
            "mock": self.mock.mock_id,
            "done": False,
            "position": self.position,
            "total": self.total,
            "item_pk": self.question.item_pk,
            "topic": item.topic,
            "difficulty": None if item.difficulty is None else str(item.difficulty),
            "question": item.question,
            "limit_s": self.question.limit_s,
            "shown_at": (self.question.shown_at or self.now).isoformat(),
            "deadline": self.question_deadline.isoformat(),
            "mock_deadline": self.mock.deadline.isoformat(),
            "server_now": self.now.isoformat(),
        }


class MockInterviews:
    """Start, continue, answer and finish one user's mocks. Cheap to build per request."""

    def __init__(
        self,
        store: MockStore,
        scheduler: Scheduler,
        settings: Settings,
        user: int,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        self.scheduler = scheduler
        self.settings = settings
        self.user = user
        self.clock = clock

    # starting ------------------------------------------------------------------------------
    def topics(self) -> list[str]:
        now = self.clock()
        return sorted(r.topic for r in self.store.topic_status(self.user, now, now) if r.items)

    def candidates(self, topics: Sequence[str], now: datetime) -> list[Candidate]:
        views = self.store.all_cards(self.user, QueueFilter(topics=tuple(topics)), MAX_CANDIDATES)
        recent = self.store.recent_lapses(self.user, now - RECENT)
        suspended = self.store.suspended_items(self.user)
        out = []
        for v in views:
            if v.item_pk in suspended:
                continue
            state = v.state
            studied = state.phase is not CardPhase.NEW and v.card_id is not None
            out.append(
                Candidate(
                    item_pk=v.item_pk,
                    topic=v.item.topic,
                    difficulty=None if v.item.difficulty is None else str(v.item.difficulty),
                    recall=self.scheduler.retrievability(state, now) if studied else None,
                    lapses=state.lapses,
                    recent_lapses=recent.get(v.item_pk, 0),
                )
            )
        return out

    def start(self, request: MockRequest) -> MockRecord:
        """Draw the questions and store the mock; its clock starts now. Raises MockError."""
        request.check()
        now = self.clock()
        topics = resolve_topics(request.topics, request.preset, self.topics())
        if not topics:
            wanted = preset(request.preset or "")
            raise MockError(
                f"no eligible questions: none of your banks has a topic of preset "
                f"'{wanted.name}' ({', '.join(wanted.topics)})"
            )
        seed = request.seed if request.seed is not None else secrets.randbits(31)
        count = questions_for(request.minutes, request.questions, request.mix)
        chosen = draw(self.candidates(topics, now), count, seed=seed, mix=request.mix)
        limits = time_limits([s.candidate.level for s in chosen], request.minutes)
        session_id = self.store.start_session(
            self.user, "mock" if request.schedule else "mock-cram", QueueFilter(topics=topics)
        )
        new = NewMock(
            started_at=now,
            total_s=sum(limits),
            seed=seed,
            schedule=request.schedule,
            preset=preset(request.preset).name if request.preset else None,
            topics=topics,
            questions=tuple(
                DrawnQuestion(s.candidate.item_pk, limit, round(s.weakness, 4), s.reason)
                for s, limit in zip(chosen, limits, strict=True)
            ),
            session_id=session_id,
        )
        return self.store.mock(self.user, self.store.create_mock(self.user, new))

    # during --------------------------------------------------------------------------------
    def get(self, mock_id: int) -> MockRecord:
        """The user's mock. Raises :class:`~prepdeck.mock.records.MockNotFound`."""
        return self.store.mock(self.user, mock_id)

    def current(self, mock_id: int) -> QuestionStep | MockRecord:
        """The question to answer now (its clock starts the first time it is shown), or the
        finished mock when every question is answered or the mock's time is up."""
        mock = self.get(mock_id)
        if mock.finished:
            return mock
        now = self.clock()
        pending = next((q for q in mock.questions if not q.answered), None)
        over = now >= mock.deadline
        if pending is None or (over and (pending.shown_at is None or now > self._last_call(mock))):
            return self.finish(mock_id)
        if pending.shown_at is None:
            pending = self._shown(mock_id, pending, now)
        return QuestionStep(mock, pending, now)

    def answer(self, mock_id: int, position: int, text: str) -> QuestionStep | MockRecord:
        """Grade and save the answer to question ``position`` (the current one); what's next.

        An empty answer counts as "I don't know" (score 0). Raises MockConflict for another
        question, a question answered already, or a finished mock.
        """
        text = text[:MAX_ANSWER_CHARS]
        mock = self.get(mock_id)
        if mock.finished:
            raise MockConflict(f"mock {mock_id} is over; its report is ready")
        now = self.clock()
        if now > self._last_call(mock):
            self.finish(mock_id)
            raise MockConflict(
                f"mock {mock_id}'s time was up at {mock.deadline:%H:%M:%S} UTC; "
                "this answer came too late and the mock is over"
            )
        pending = next((q for q in mock.questions if not q.answered), None)
        if pending is None or pending.position != position:
            now_at = "none" if pending is None else str(pending.position)
            raise MockConflict(
                f"question {position} is not the current one (it is {now_at}); reload"
            )
        if pending.shown_at is None:
            pending = self._shown(mock_id, pending, now)
        bands = bands_from(self.store.user_settings(self.user))
        graded = grade_item(pending.item, text, self.settings, bands)
        answer = MockAnswerInput(now, text, graded.score, graded.to_dict())
        duration = int((now - (pending.shown_at or now)).total_seconds() * 1000)
        review = ReviewInput(
            rating=graded.rating,
            reviewed_at=now,
            duration_ms=duration,
            typed_answer=text or None,
            grade=graded.score,
            proposed_rating=graded.rating,
            session_id=mock.session_id,
        )
        if not self._save(mock, position, answer, review):
            # a second click or another tab got there first; nothing was written twice
            raise MockConflict(f"question {position} was answered already")
        return self.current(mock_id)

    @staticmethod
    def _last_call(mock: MockRecord | MockListing) -> datetime:
        """The last moment an answer counts: the mock's deadline plus :data:`LATE_ANSWER`."""
        return mock.deadline + LATE_ANSWER

    def _shown(self, mock_id: int, question: MockQuestion, now: datetime) -> MockQuestion:
        shown = self.store.mark_mock_shown(self.user, mock_id, question.position, now)
        return replace(question, shown_at=shown)

    def _save(
        self, mock: MockRecord, position: int, answer: MockAnswerInput, review: ReviewInput
    ) -> bool:
        """The answer and (when scheduling) its review, in one transaction."""
        item_pk = mock.questions[position - 1].item_pk
        for _attempt in range(RETRIES):
            scheduled = None
            if mock.schedule:
                view = self.store.card(self.user, item_pk)
                state = self.scheduler.review(view.state, review.rating, review.reviewed_at)
                scheduled = (view, state, review)
            try:
                return self.store.save_mock_answer(
                    self.user, mock.mock_id, position, answer, scheduled
                )
            except ConcurrentUpdate:
                continue
        raise MockConflict(f"item {item_pk} kept changing in another session")

    def finish(self, mock_id: int) -> MockRecord:
        """End the mock now (unanswered questions score 0) and store its scores."""
        mock = self.get(mock_id)
        if mock.finished:
            return mock
        score, summary = summarise(mock)
        self.store.finish_mock(self.user, mock_id, self.clock(), score, summary)
        if mock.session_id is not None:
            self.store.end_session(mock.session_id)
        return self.get(mock_id)

    # after ---------------------------------------------------------------------------------
    def history(self, limit: int = 50) -> list[MockListing]:
        """The user's mocks, newest first; a mock left running past its time is finished."""
        listings = self.store.mocks(self.user, limit)
        now = self.clock()
        stale = [m.mock_id for m in listings if m.finished_at is None and now > self._last_call(m)]
        for mock_id in stale:
            self.finish(mock_id)
        return self.store.mocks(self.user, limit) if stale else listings

    def report(self, mock_id: int) -> MockReport:
        """The report of a finished mock, compared with the user's earlier mocks.

        Raises MockConflict while the mock is still running (finish it first).
        """
        mock = self.get(mock_id)
        if not mock.finished:
            raise MockConflict(f"mock {mock_id} is still running; finish it to see the report")
        return build_report(mock, self.store.mocks(self.user, 200))
