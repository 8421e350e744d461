"""Caller memory (returning callers by number) and the caller-ID verification on call records.

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "caller_memory",
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_caller_memory")),
    )
    op.create_index(op.f("ix_caller_memory_last_seen"), "caller_memory", ["last_seen"])
    # Twilio's STIR/SHAKEN result (X-Twilio-VerStat) as the SIP trunk received it.
    op.add_column("calls", sa.Column("verstat", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:  # SQLite drops a column by rebuilding the table
        batch.drop_column("verstat")
    op.drop_index(op.f("ix_caller_memory_last_seen"), table_name="caller_memory")
    op.drop_table("caller_memory")
