"""The web console's tables (accounts, tokens, login failures, handled messages, transfer
attempts) and the indexes its pages need, on the shared MetaData. Migration 0007 creates them.

Registered by importing this module (`switchboard.adapters.sqlalchemy` does, like the messaging
tables).
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, DateTime, ForeignKey, Index, Integer, Table, Text

from switchboard.adapters.sqlalchemy.message_tables import messages, notifications
from switchboard.adapters.sqlalchemy.tables import calls, metadata

# Console accounts; an employee account may only see its own employee's messages and calls.
console_users = Table(
    "console_users",
    metadata,
    Column("id", Text, primary_key=True),
    Column("email", Text, nullable=False, unique=True),  # stored lower-cased
    Column("role", Text, nullable=False),  # admin | employee
    Column("employee_id", Text, nullable=True),  # required for role employee
    Column("password_hash", Text, nullable=False),  # argon2id, PHC string
    Column("password_changed_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("role IN ('admin', 'employee')", name="role"),
)

# API tokens for scripts: only a SHA-256 of the (256-bit random) secret is stored.
console_tokens = Table(
    "console_tokens",
    metadata,
    Column("id", Text, primary_key=True),
    Column("user_id", Text, ForeignKey("console_users.id", ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    Column("secret_hash", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index(None, "user_id"),
)

# Failed console logins, counted per email and per email + address for throttling and lock-out.
console_login_failures = Table(
    "console_login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False),
    Index(None, "email", "failed_at"),
)

# Messages someone marked as handled in the console.
message_handling = Table(
    "message_handling",
    metadata,
    Column("message_id", Text, ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True),
    Column("handled_at", DateTime(timezone=True), nullable=False),
    Column("handled_by", Text, nullable=False),  # the console user's email
)

# One row per transfer attempt, kept in step with the call record's timeline when the record is
# saved, so the console counts accepted / declined / unanswered transfers and finds an
# employee's calls through an index instead of reading every timeline.
transfer_attempts = Table(
    "transfer_attempts",
    metadata,
    Column("call_id", Text, ForeignKey("calls.call_id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("employee_id", Text, nullable=True),
    Column("result", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),  # the call's start
    # Covering indexes: the overview counts results per period, an employee's calls page walks
    # their attempts newest first; neither reads the table.
    Index("ix_transfer_attempts_started_at", "started_at", "result"),
    Index("ix_transfer_attempts_employee_id", "employee_id", "started_at", "call_id"),
)

# An employee's inbox: their messages, newest first.
Index("ix_messages_recipient_id", messages.c.recipient_id, messages.c.created_at)
# The overview's calls by outcome per period, read from the index alone (a call row carries its
# whole timeline, so reading rows would be slow).
Index("ix_calls_started_at_outcome", calls.c.started_at, calls.c.outcome)
# A message's delivery state for the console's filters, read from the index alone.
Index(
    "ix_notifications_message_state",
    notifications.c.message_id,
    notifications.c.channel,
    notifications.c.status,
)
