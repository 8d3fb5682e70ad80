"""shared_banks: published banks (and who published them), learners sharing typed answers

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import prepdeck.store.tables

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    utc = prepdeck.store.tables.UTCDateTime
    # Plain ADD COLUMNs (nullable or with a default): SQLite runs them without a table copy.
    # published_by has no foreign key for the same reason; deleting an account clears it.
    op.add_column("banks", sa.Column("published_at", utc(), nullable=True))
    op.add_column("banks", sa.Column("published_by", sa.Integer(), nullable=True))
    op.add_column(
        "users",
        sa.Column("share_answers", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    # Before 0005 every learner saw every bank: banks already loaded stay visible to them.
    banks = sa.table("banks", sa.column("published_at", utc()), sa.column("synced_at", utc()))
    op.execute(sa.update(banks).values(published_at=banks.c.synced_at))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("share_answers")
    with op.batch_alter_table("banks") as batch:
        batch.drop_column("published_by")
        batch.drop_column("published_at")
