"""The outbox tables (messages, notifications, early provider statuses) on the shared MetaData.

Registered by importing this module; migration 0003 creates them. The lead should import it from
`switchboard.adapters.sqlalchemy` so the tables join `metadata` before anything compares schemas.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, Table, Text

from switchboard.adapters.sqlalchemy.tables import metadata

messages = Table(
    "messages",
    metadata,
    Column("id", Text, primary_key=True),
    Column("recipient_kind", Text, nullable=False),
    Column("recipient_id", Text, nullable=False),
    Column("caller_name", Text, nullable=False),
    Column("callback_number", Text, nullable=True),
    Column("text", Text, nullable=False),
    Column("urgent", Boolean, nullable=False),
    Column("call_id", Text, nullable=True),
    Column("recording_url", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index(None, "created_at"),
    # message | transfer_summary | digest (migration 0011); what the caller left is "message".
    Column("kind", Text, nullable=False, server_default="message"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Text, primary_key=True),
    Column("message_id", Text, ForeignKey("messages.id"), nullable=False),
    Column("channel", Text, nullable=False),
    Column("to_address", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    # The claim query's key: due work is status queued/sending with next_attempt_at <= now.
    Column("next_attempt_at", DateTime(timezone=True), nullable=True),
    Column("provider_id", Text, nullable=True, unique=True),
    Column("error_code", Text, nullable=True),
    Column("fallback_of", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index(None, "next_attempt_at"),
    Index(None, "message_id"),
)

# Status callbacks that arrived before the provider id was written (Twilio can beat our commit).
early_provider_statuses = Table(
    "early_provider_statuses",
    metadata,
    Column("provider_id", Text, primary_key=True),
    Column("status", Text, nullable=False),
    Column("error_code", Text, nullable=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

# Webhook deliveries already handled (Twilio idempotency token, or route + SID + status).
webhook_receipts = Table(
    "webhook_receipts",
    metadata,
    Column("key", Text, primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
)
