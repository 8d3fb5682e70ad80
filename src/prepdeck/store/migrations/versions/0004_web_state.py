"""web_state: practice sessions, idempotent ratings and pending imports in the database

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import prepdeck.store.tables

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    utc = prepdeck.store.tables.UTCDateTime
    op.create_table(
        "practice_states",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("max_cards", sa.Integer(), nullable=True),
        sa.Column("cram", sa.Boolean(), nullable=False),
        sa.Column("shown_item_id", sa.Integer(), nullable=True),
        sa.Column("shown_at", utc(), nullable=True),
        sa.Column("typed_answer", sa.Text(), nullable=True),
        sa.Column("grade", sa.Float(), nullable=True),
        sa.Column("proposed_rating", sa.Integer(), nullable=True),
        sa.Column("reviewed", sa.Integer(), nullable=False),
        sa.Column("again", sa.Integer(), nullable=False),
        sa.Column("remaining", sa.Integer(), nullable=False),
        sa.Column("next_due", utc(), nullable=True),
        sa.Column("started_at", utc(), nullable=False),
        sa.Column("finished_at", utc(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_practice_states_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_practice_states_session_id_sessions")
        ),
        sa.ForeignKeyConstraint(
            ["shown_item_id"], ["items.id"], name=op.f("fk_practice_states_shown_item_id_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_states")),
    )
    op.create_index(
        "ix_practice_states_user", "practice_states", ["user_id", "started_at"], unique=False
    )
    op.create_table(
        "rate_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("request_key", sa.String(length=64), nullable=False),
        sa.Column("practice_id", sa.String(length=32), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_rate_requests_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practice_states.id"],
            name=op.f("fk_rate_requests_practice_id_practice_states"),
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_rate_requests_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_requests")),
        sa.UniqueConstraint(
            "user_id", "request_key", name=op.f("uq_rate_requests_user_id_request_key")
        ),
    )
    op.create_table(
        "pending_imports",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pending_imports_user_id_users")
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_pending_imports")),
    )
    op.create_index(
        "ix_pending_imports_user", "pending_imports", ["user_id", "created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_pending_imports_user", table_name="pending_imports")
    op.drop_table("pending_imports")
    op.drop_table("rate_requests")
    op.drop_index("ix_practice_states_user", table_name="practice_states")
    op.drop_table("practice_states")
