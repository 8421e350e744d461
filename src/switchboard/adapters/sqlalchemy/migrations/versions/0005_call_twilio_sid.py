"""Call records know their Twilio call SID, so Twilio's call status callbacks join them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("calls", sa.Column("twilio_call_sid", sa.Text(), nullable=True))
    op.create_index(op.f("ix_calls_twilio_call_sid"), "calls", ["twilio_call_sid"])


def downgrade() -> None:
    op.drop_index(op.f("ix_calls_twilio_call_sid"), table_name="calls")
    with op.batch_alter_table("calls") as batch:  # SQLite drops a column by rebuilding the table
        batch.drop_column("twilio_call_sid")
