"""mock_interviews

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import prepdeck.store.tables

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_UTC = prepdeck.store.tables.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "mocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("started_at", _UTC(), nullable=False),
        sa.Column("total_s", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("schedule", sa.Boolean(), nullable=False),
        sa.Column("preset", sa.String(length=50), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("finished_at", _UTC(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_mocks_user_id_users")),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_mocks_session_id_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mocks")),
    )
    with op.batch_alter_table("mocks", schema=None) as batch_op:
        batch_op.create_index("ix_mocks_user_started", ["user_id", "started_at"], unique=False)

    op.create_table(
        "mock_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mock_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("limit_s", sa.Integer(), nullable=False),
        sa.Column("weakness", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("shown_at", _UTC(), nullable=True),
        sa.Column("answered_at", _UTC(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("grade", sa.JSON(), nullable=True),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["mock_id"], ["mocks.id"], name=op.f("fk_mock_answers_mock_id_mocks")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_mock_answers_item_id_items")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_mock_answers_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mock_answers")),
        sa.UniqueConstraint("mock_id", "position", name=op.f("uq_mock_answers_mock_id_position")),
    )


def downgrade() -> None:
    op.drop_table("mock_answers")
    with op.batch_alter_table("mocks", schema=None) as batch_op:
        batch_op.drop_index("ix_mocks_user_started")
    op.drop_table("mocks")
