"""The web console: accounts, API tokens, login failures, handled messages, transfer attempts
(backfilled from the call records' timelines), the inbox index on messages and the overview's
covering indexes on calls and notifications.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000


def upgrade() -> None:
    op.create_table(
        "console_users",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("employee_id", sa.Text(), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('admin', 'employee')", name=op.f("ck_console_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_users")),
        sa.UniqueConstraint("email", name=op.f("uq_console_users_email")),
    )
    op.create_table(
        "console_tokens",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("secret_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["console_users.id"],
            name=op.f("fk_console_tokens_user_id_console_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_tokens")),
    )
    op.create_index(op.f("ix_console_tokens_user_id"), "console_tokens", ["user_id"])
    op.create_table(
        "console_login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_login_failures")),
    )
    op.create_index(
        op.f("ix_console_login_failures_email"),
        "console_login_failures",
        ["email", "failed_at"],
    )
    op.create_table(
        "message_handling",
        sa.Column("message_id", sa.Text(), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_by", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_message_handling_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_message_handling")),
    )
    attempts = op.create_table(
        "transfer_attempts",
        sa.Column("call_id", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("employee_id", sa.Text(), nullable=True),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.call_id"],
            name=op.f("fk_transfer_attempts_call_id_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("call_id", "position", name=op.f("pk_transfer_attempts")),
    )
    op.create_index(
        "ix_transfer_attempts_started_at", "transfer_attempts", ["started_at", "result"]
    )
    op.create_index(
        "ix_transfer_attempts_employee_id",
        "transfer_attempts",
        ["employee_id", "started_at", "call_id"],
    )
    op.create_index("ix_messages_recipient_id", "messages", ["recipient_id", "created_at"])
    op.create_index("ix_calls_started_at_outcome", "calls", ["started_at", "outcome"])
    op.create_index(
        "ix_notifications_message_state", "notifications", ["message_id", "channel", "status"]
    )
    assert attempts is not None
    _backfill_attempts(attempts)


def _backfill_attempts(attempts: sa.Table) -> None:
    """Existing call records' transfer attempts, read a batch at a time (keyset on call_id)."""
    bind = op.get_bind()
    calls = sa.table(
        "calls",
        sa.column("call_id", sa.Text()),
        sa.column("started_at", sa.DateTime(timezone=True)),
        sa.column("events", sa.JSON()),
    )
    last = ""
    while True:
        query = (
            sa.select(calls.c.call_id, calls.c.started_at, calls.c.events)
            .where(calls.c.call_id > last)
            .order_by(calls.c.call_id)
            .limit(_BATCH)
        )
        rows = bind.execute(query).all()
        if not rows:
            return
        values: list[dict[str, Any]] = []
        for call_id, started_at, events in rows:
            values.extend(attempt_rows(call_id, started_at, events or []))
        if values:
            bind.execute(attempts.insert(), values)
        last = rows[-1][0]


def attempt_rows(call_id: Any, started_at: Any, events: Any) -> list[dict[str, Any]]:
    """The transfer_attempts rows of one call's stored timeline (a frozen copy: migrations never
    import application code that may change later)."""
    if isinstance(started_at, datetime) and started_at.tzinfo is None:
        started_at = started_at.replace(tzinfo=UTC)
    found = [e.get("data") or {} for e in events if e.get("kind") == "transfer_attempt"]
    return [
        {
            "call_id": call_id,
            "position": i,
            "employee_id": data.get("employee"),
            "result": str(data.get("result") or "failed"),
            "started_at": started_at,
        }
        for i, data in enumerate(found)
    ]


def downgrade() -> None:
    op.drop_index("ix_notifications_message_state", table_name="notifications")
    op.drop_index("ix_calls_started_at_outcome", table_name="calls")
    op.drop_index("ix_messages_recipient_id", table_name="messages")
    op.drop_index("ix_transfer_attempts_employee_id", table_name="transfer_attempts")
    op.drop_index("ix_transfer_attempts_started_at", table_name="transfer_attempts")
    op.drop_table("transfer_attempts")
    op.drop_table("message_handling")
    op.drop_index(op.f("ix_console_login_failures_email"), table_name="console_login_failures")
    op.drop_table("console_login_failures")
    op.drop_index(op.f("ix_console_tokens_user_id"), table_name="console_tokens")
    op.drop_table("console_tokens")
    op.drop_table("console_users")
