"""What the Twilio webhooks keep: inbound SMS, expected voicemails, call status history.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbound_sms",
        sa.Column("message_sid", sa.Text(), nullable=False),
        sa.Column("from_number", sa.Text(), nullable=False),
        sa.Column("to_number", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_sid", name=op.f("pk_inbound_sms")),
    )
    op.create_index(op.f("ix_inbound_sms_received_at"), "inbound_sms", ["received_at"])
    op.create_table(
        "voicemails",
        sa.Column("call_sid", sa.Text(), nullable=False),
        sa.Column("caller_number", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("call_sid", name=op.f("pk_voicemails")),
    )
    op.create_table(
        "twilio_call_statuses",
        sa.Column("call_sid", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("call_sid", "status", name=op.f("pk_twilio_call_statuses")),
    )
    op.create_index(
        op.f("ix_twilio_call_statuses_received_at"), "twilio_call_statuses", ["received_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_twilio_call_statuses_received_at"), table_name="twilio_call_statuses")
    op.drop_table("twilio_call_statuses")
    op.drop_table("voicemails")
    op.drop_index(op.f("ix_inbound_sms_received_at"), table_name="inbound_sms")
    op.drop_table("inbound_sms")
