"""The one small interface between practice and storage; the core never sees SQL.

``prepdeck.store.SqlStore`` implements it on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from prepdeck.accounts import Account, ApiToken, Invitation
from prepdeck.errors import PrepdeckError
from prepdeck.model import Item
from prepdeck.scheduling import CardState, Rating

if TYPE_CHECKING:  # the mock's records import the core, which imports this module
    from prepdeck.interchange.progress import ProgressImportResult, UserProgress
    from prepdeck.mock.records import MockAnswerInput, MockListing, MockRecord, NewMock
    from prepdeck.shared_banks import BankListing, GroupSnapshot, SharedAnswer


class ConcurrentUpdate(PrepdeckError):
    """Another process changed the card first; reload it and apply the rating again."""


@dataclass(frozen=True)
class QueueFilter:
    """Which items to practise. Empty fields match everything; matching is case-insensitive."""

    banks: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    difficulties: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class CardView:
    """One user's card with the item it asks. ``card_id`` is None until first reviewed."""

    item_pk: int
    item: Item
    bank: str
    state: CardState
    card_id: int | None = None
    version: int = 0


@dataclass(frozen=True)
class ReviewInput:
    rating: Rating
    reviewed_at: datetime
    duration_ms: int | None = None
    typed_answer: str | None = None
    grade: float | None = None
    proposed_rating: Rating | None = None
    session_id: int | None = None


@dataclass(frozen=True)
class ReviewRecord:
    """A row of the review log, as exported."""

    review_id: int
    kind: str
    bank: str
    item_key: str
    topic: str
    rating: int | None
    reviewed_at: datetime
    duration_ms: int | None
    typed_answer: str | None
    grade: float | None
    proposed_rating: int | None
    was_new: bool
    undoes_id: int | None
    state_before: dict[str, Any] | None = None
    state_after: dict[str, Any] | None = None


@dataclass(frozen=True)
class SyncResult:
    bank: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    skipped_duplicates: tuple[str, ...] = ()
    fingerprint_matched: bool = False


@dataclass(frozen=True)
class QueueWindow:
    """Where a practice queue stands: the moment, the study day and its limits."""

    now: datetime
    #: Ratings since then count against the day's limits.
    day_start: datetime
    #: Reviews due by then are today's.
    day_end: datetime
    #: Learning cards due by then come back within the session, after everything else.
    ahead_until: datetime
    reviews_per_day: int
    new_per_day: int


@dataclass(frozen=True)
class DayCounts:
    new_done: int = 0
    reviews_done: int = 0


@dataclass
class TopicStatus:
    topic: str
    items: int = 0
    new: int = 0
    learning: int = 0
    due: int = 0
    learned: int = 0
    reviews: int = 0
    recalled: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def retention(self) -> float | None:
        return self.recalled / self.reviews if self.reviews else None


@dataclass(frozen=True)
class ReviewEvent:
    """A scheduled rating that still counts (not cram, not undone), for statistics."""

    reviewed_at: datetime
    rating: int
    phase_before: int | None


@dataclass(frozen=True)
class TopicCard:
    """A studied (not new, not suspended) card of an active item, with its topic."""

    topic: str
    state: CardState


@dataclass(frozen=True)
class AdminCard:
    """A card as the leech list shows it: its view and whether it is suspended."""

    view: CardView
    suspended: bool


SyncProgress = Callable[[int, int], None]


class Store(Protocol):
    def user_id(self, name: str) -> int: ...

    def sync_bank(
        self,
        name: str,
        source: str,
        items: Sequence[Item],
        *,
        fingerprint: str | None = None,
        progress: SyncProgress | None = None,
    ) -> SyncResult: ...

    def bank_fingerprint(self, name: str) -> str | None: ...

    def due_cards(self, user: int, until: datetime, flt: QueueFilter, limit: int) -> list[CardView]:
        """Cards due by ``until`` (learning and review), earliest due first."""
        ...

    def new_cards(self, user: int, flt: QueueFilter, limit: int) -> list[CardView]: ...

    def next_card(self, user: int, flt: QueueFilter, window: QueueWindow) -> CardView | None:
        """The queue's first card, in one look-up: the earliest-due learning card due by
        ``now``; else the earliest review due by ``day_end`` while today's reviews are not
        used up; else the first new card while today's new cards are not; else the
        earliest learning card due by ``ahead_until`` (and ``day_end``); else None."""
        ...

    def all_cards(self, user: int, flt: QueueFilter, limit: int) -> list[CardView]: ...

    def card(self, user: int, item_pk: int) -> CardView: ...

    def record_review(
        self, user: int, view: CardView, new_state: CardState | None, review: ReviewInput
    ) -> int: ...

    def undo_last(self, user: int, session_id: int) -> CardView | None: ...

    def day_counts(self, user: int, since: datetime) -> DayCounts: ...

    def topic_status(self, user: int, now: datetime, until: datetime) -> list[TopicStatus]: ...

    def review_log(self, user: int) -> Iterator[ReviewRecord]: ...

    def review_events(self, user: int, since: datetime) -> list[ReviewEvent]: ...

    def studied_cards(self, user: int) -> list[TopicCard]: ...

    def parameters(self, user: int) -> list[float] | None: ...

    def set_parameters(self, user: int, parameters: Sequence[float]) -> None: ...

    def user_settings(self, user: int) -> dict[str, Any]: ...

    def set_user_settings(self, user: int, values: dict[str, Any]) -> None: ...

    def start_session(self, user: int, mode: str, flt: QueueFilter) -> int: ...

    def end_session(self, session_id: int) -> None: ...

    def close(self) -> None: ...

    # leeches (issue 8): cards with many lapses, and suspending cards
    def cards_with_lapses(self, user: int, min_lapses: int, limit: int) -> list[AdminCard]: ...

    def suspended_cards(self, user: int, limit: int) -> list[AdminCard]: ...

    def find_cards(self, user: int, key: str, bank: str | None = None) -> list[AdminCard]: ...

    def set_suspended(self, user: int, item_pk: int, suspended: bool) -> AdminCard: ...

    # interchange (issue 8): a user's whole progress out and in (prepdeck.interchange.progress)
    def export_progress(self, user: int) -> UserProgress: ...

    def import_progress(
        self, user: int, progress: UserProgress, *, strict: bool = False
    ) -> ProgressImportResult: ...


class AccountStore(Protocol):
    """Accounts, API tokens, sign-in sessions, invitations and sign-in failures (issue 9).

    Secrets (tokens, session cookies, invitation links) are returned in plaintext once and
    stored only as SHA-256; passwords as argon2id. Names are stored lower-cased. Bad input
    raises :class:`prepdeck.accounts.AccountError` naming the field, with nothing changed.
    """

    def create_account(self, name: str, password: str | None, role: str = "learner") -> int: ...

    def account(self, user: int) -> Account | None: ...

    def account_profile(
        self, user: int
    ) -> tuple[Account, dict[str, Any], list[float] | None] | None: ...

    def profile_by_credentials(
        self, *, token: str | None = None, cookie: str | None = None
    ) -> tuple[Account, dict[str, Any], list[float] | None] | None: ...

    def account_by_name(self, name: str) -> Account | None: ...

    def accounts(self) -> list[Account]: ...

    def authenticate(self, name: str, password: str) -> Account | None: ...

    def set_password(self, user: int, password: str) -> None: ...

    def set_disabled(self, user: int, disabled: bool) -> None: ...

    def set_role(self, user: int, role: str) -> None: ...

    def count_admins(self) -> int: ...

    def create_api_token(self, user: int, label: str) -> str: ...

    def verify_api_token(self, token: str) -> int | None: ...

    def api_tokens(self, user: int) -> list[ApiToken]: ...

    def revoke_api_token(self, user: int, token_id: int) -> bool: ...

    def create_auth_session(self, user: int, lifetime: timedelta) -> str: ...

    def session_user(self, secret: str) -> int | None: ...

    def end_auth_session(self, secret: str) -> None: ...

    def end_auth_sessions(self, user: int, keep: str | None = None) -> int: ...

    def create_invitation(
        self, role: str, lifetime: timedelta, created_by: int | None = None
    ) -> str: ...

    def invitation(self, secret: str) -> Invitation | None: ...

    def accept_invitation(self, secret: str, name: str, password: str) -> int: ...

    def sign_in_failures(
        self, name: str, address: str, since: datetime
    ) -> tuple[list[datetime], list[datetime]]: ...

    def record_sign_in_failure(self, name: str, address: str, at: datetime) -> None: ...

    def clear_sign_in_failures(self, name: str) -> None: ...


class MockStore(Store, Protocol):
    """Mock interviews (issue 8): every call is scoped to ``user``; another user's mock is
    :class:`prepdeck.mock.records.MockNotFound`."""

    def recent_lapses(self, user: int, since: datetime) -> dict[int, int]: ...

    def suspended_items(self, user: int) -> frozenset[int]: ...

    def create_mock(self, user: int, mock: NewMock) -> int: ...

    def mock(self, user: int, mock_id: int) -> MockRecord: ...

    def mocks(self, user: int, limit: int) -> list[MockListing]: ...

    def mark_mock_shown(self, user: int, mock_id: int, position: int, at: datetime) -> datetime: ...

    def save_mock_answer(
        self,
        user: int,
        mock_id: int,
        position: int,
        answer: MockAnswerInput,
        review: tuple[CardView, CardState, ReviewInput] | None = None,
    ) -> bool: ...

    def finish_mock(
        self, user: int, mock_id: int, at: datetime, score: float, summary: dict[str, Any]
    ) -> bool: ...


class SharingStore(Protocol):
    """Shared banks and data rights (issue 9, :mod:`prepdeck.shared_banks`).

    Learner accounts see published banks (and the bundled one) in every queue; admins and the
    single-user default see them all. ``delete_account`` removes only what is the user's own.
    """

    def bank_listings(self, user: int | None = None) -> list[BankListing]: ...

    def set_bank_published(
        self, name: str, published: bool, by: int | None = None
    ) -> BankListing: ...

    def group_snapshot(self) -> GroupSnapshot: ...

    def shares_answers(self, user: int) -> bool: ...

    def set_share_answers(self, user: int, share: bool) -> None: ...

    def shared_answers(self, limit: int = ...) -> list[SharedAnswer]: ...

    def account_records(self, user: int) -> dict[str, Any]: ...

    def delete_account(self, user: int) -> None: ...


@dataclass(frozen=True)
class DueCard:
    """A scheduled card with the version it was read at (to move its due date safely)."""

    card_id: int
    version: int
    state: CardState


class TowardDateStore(Protocol):
    """Scheduling toward the interview date (:mod:`prepdeck.toward_date`)."""

    def cards_due_after(self, user: int, moment: datetime) -> list[DueCard]: ...

    def move_due_dates(self, user: int, moves: Sequence[tuple[DueCard, datetime]]) -> int: ...
