"""What the Twilio webhooks keep: inbound SMS, expected voicemails, call status callbacks.

Registered on the shared MetaData by importing this module (see the package __init__); migration
0004 creates them.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, Table, Text

from switchboard.adapters.sqlalchemy.tables import metadata

# Every inbound SMS, whatever it became (a status keyword, a message, nothing).
inbound_sms = Table(
    "inbound_sms",
    metadata,
    Column("message_sid", Text, primary_key=True),
    Column("from_number", Text, nullable=False),
    Column("to_number", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Index(None, "received_at"),
)

# A caller who reached the voicemail fallback: the recording callback carries no From.
voicemails = Table(
    "voicemails",
    metadata,
    Column("call_sid", Text, primary_key=True),
    Column("caller_number", Text, nullable=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
)

# Twilio call status callbacks, one row per (call, status): the history of each Twilio call.
twilio_call_statuses = Table(
    "twilio_call_statuses",
    metadata,
    Column("call_sid", Text, primary_key=True),
    Column("status", Text, primary_key=True),
    Column("duration_seconds", Integer, nullable=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Index(None, "received_at"),
)
