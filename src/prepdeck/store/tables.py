"""The schema, as SQLAlchemy Core tables. Alembic migrations in ``migrations/`` create it.

Times are stored as naive UTC and read back as aware UTC (``UTCDateTime``), the same on
SQLite and PostgreSQL. The review log is append-only: undo appends a row.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import false
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        assert isinstance(moment, datetime)
        return moment.replace(tzinfo=UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("parameters", JSON, nullable=True),
    Column("settings", JSON, nullable=True),
    # Accounts (issue 9): NULL password_hash = cannot sign in (the single-user 'local' user).
    Column("password_hash", String(255), nullable=True),
    Column("role", String(20), nullable=False, server_default="learner"),
    Column("disabled", Boolean, nullable=False, server_default=false()),
    Column("email", String(320), nullable=True),
    # Shared banks (issue 9): the learner lets admins read their typed answers.
    Column("share_answers", Boolean, nullable=False, server_default=false()),
)

banks = Table(
    "banks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(1000), nullable=False, unique=True),
    Column("source", Text, nullable=False),
    Column("fingerprint", String(64), nullable=True),
    Column("synced_at", UTCDateTime, nullable=True),
    # Shared banks (issue 9): learners with accounts practise published banks only.
    Column("published_at", UTCDateTime, nullable=True),
    Column("published_by", Integer, nullable=True),  # a user id; no FK (see migration 0005)
)

items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("bank_id", Integer, ForeignKey("banks.id"), nullable=False),
    Column("key", String(200), nullable=False),
    Column("position", Integer, nullable=False),
    Column("topic", String(500), nullable=False),
    Column("difficulty", String(10), nullable=True),
    Column("tags", Text, nullable=False),  # ",tag-a,tag-b," so LIKE '%,tag,%' matches one tag
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("data", JSON, nullable=False),  # references, hints, key points, companies, file, line
    Column("content_hash", String(64), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("bank_id", "key"),
    Index("ix_items_bank_active_position", "bank_id", "active", "position"),
)

item_versions = Table(
    "item_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, ForeignKey("items.id"), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("data", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("item_id", "content_hash"),
)

cards = Table(
    "cards",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("item_id", Integer, ForeignKey("items.id"), nullable=False),
    Column("phase", Integer, nullable=False),
    Column("step", Integer, nullable=True),
    Column("stability", Float, nullable=True),
    Column("difficulty", Float, nullable=True),
    Column("due", UTCDateTime, nullable=True),
    Column("last_review", UTCDateTime, nullable=True),
    Column("reps", Integer, nullable=False),
    Column("lapses", Integer, nullable=False),
    Column("suspended", Boolean, nullable=False),
    Column("version", Integer, nullable=False),  # optimistic lock: bumped on every change
    UniqueConstraint("user_id", "item_id"),
    Index("ix_cards_user_due", "user_id", "suspended", "due"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("mode", String(20), nullable=False),
    Column("filters", JSON, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("card_id", Integer, ForeignKey("cards.id"), nullable=False),
    Column("item_version_id", Integer, ForeignKey("item_versions.id"), nullable=True),
    Column("session_id", Integer, ForeignKey("sessions.id"), nullable=True),
    Column("kind", String(10), nullable=False),  # review | cram | undo
    Column("rating", Integer, nullable=True),
    Column("reviewed_at", UTCDateTime, nullable=False),
    Column("duration_ms", Integer, nullable=True),
    Column("typed_answer", Text, nullable=True),
    Column("grade", Float, nullable=True),
    Column("proposed_rating", Integer, nullable=True),
    Column("was_new", Boolean, nullable=False),
    Column("phase_before", Integer, nullable=True),
    Column("state_before", JSON, nullable=True),
    Column("state_after", JSON, nullable=True),
    Column("undoes_id", Integer, ForeignKey("reviews.id"), nullable=True),
    Index("ix_reviews_user_time", "user_id", "reviewed_at"),
    Index("ix_reviews_card", "card_id"),
)

# Accounts (issue 9): every secret (API token, session cookie, invitation link) is kept only
# as its SHA-256, so a copy of the database cannot be used to sign in.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("label", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
    Index("ix_api_tokens_user", "user_id"),
)

auth_sessions = Table(
    "auth_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Index("ix_auth_sessions_user", "user_id"),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("created_by", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
    Column("used_by", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
)

sign_in_attempts = Table(
    "sign_in_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account", String(200), nullable=False),  # the name tried, lower-cased
    Column("address", String(200), nullable=False),  # the client address
    Column("attempted_at", UTCDateTime, nullable=False),
    Index("ix_sign_in_attempts_account", "account", "attempted_at"),
    Index("ix_sign_in_attempts_address", "address", "attempted_at"),
)

# Web state (issue 9): what a request needs from earlier requests lives here, not in a worker's
# memory, so any worker serves any request and a restart loses nothing.
practice_states = Table(
    "practice_states",
    metadata,
    Column("id", String(32), primary_key=True),  # the random id in /practice/{sid}
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("session_id", Integer, ForeignKey("sessions.id"), nullable=False),
    Column("filters", JSON, nullable=False),
    Column("max_cards", Integer, nullable=True),
    Column("cram", Boolean, nullable=False),
    Column("shown_item_id", Integer, ForeignKey("items.id"), nullable=True),
    Column("shown_at", UTCDateTime, nullable=True),
    Column("typed_answer", Text, nullable=True),
    Column("grade", Float, nullable=True),
    Column("proposed_rating", Integer, nullable=True),
    Column("reviewed", Integer, nullable=False),
    Column("again", Integer, nullable=False),
    Column("remaining", Integer, nullable=False),
    Column("next_due", UTCDateTime, nullable=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False),  # bumped by every change: one writer wins
    Index("ix_practice_states_user", "user_id", "started_at"),
)

rate_requests = Table(
    "rate_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("request_key", String(64), nullable=False),  # client-chosen: a retry is answered once
    Column("practice_id", String(32), ForeignKey("practice_states.id"), nullable=False),
    Column("review_id", Integer, ForeignKey("reviews.id"), nullable=False),
    Column("item_id", Integer, nullable=False),
    Column("rating", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("user_id", "request_key"),
)

pending_imports = Table(
    "pending_imports",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("filename", String(300), nullable=False),
    Column("data", LargeBinary, nullable=False),  # the upload as sent; checked again on add
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_pending_imports_user", "user_id", "created_at"),
)

# Mock interviews (issue 8): the mock and one row per drawn question, answered or not. The
# timestamps are the mock's clock: a question's deadline is shown_at + limit_s.
mocks = Table(
    "mocks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("session_id", Integer, ForeignKey("sessions.id"), nullable=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("total_s", Integer, nullable=False),  # overall limit: deadline = started_at + total_s
    Column("seed", Integer, nullable=False),
    Column("schedule", Boolean, nullable=False),  # each answer becomes a review
    Column("preset", String(50), nullable=True),
    Column("topics", JSON, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("score", Float, nullable=True),  # set when finished
    Column("summary", JSON, nullable=True),  # per-topic scores for later trends
    Index("ix_mocks_user_started", "user_id", "started_at"),
)

mock_answers = Table(
    "mock_answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mock_id", Integer, ForeignKey("mocks.id"), nullable=False),
    Column("position", Integer, nullable=False),  # 1..n, the order asked
    Column("item_id", Integer, ForeignKey("items.id"), nullable=False),
    Column("limit_s", Integer, nullable=False),
    Column("weakness", Float, nullable=False),
    Column("reason", String(200), nullable=False),  # why it was drawn
    Column("shown_at", UTCDateTime, nullable=True),
    Column("answered_at", UTCDateTime, nullable=True),
    Column("answer", Text, nullable=True),
    Column("score", Float, nullable=True),
    Column("grade", JSON, nullable=True),
    Column("review_id", Integer, ForeignKey("reviews.id"), nullable=True),
    UniqueConstraint("mock_id", "position"),
)
