"""The schema: one MetaData for every table, with a constraint naming convention.

Later tables (call records, messages, notifications) are added here and in a new migration under
`migrations/versions/`; `tests/adapters/test_storage_migrations.py` fails when the two disagree.
JSON columns use the portable JSON type (not JSONB) because nothing queries inside them and JSON
keeps the key order of `info` and `extra` as written.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
)

# Stable names make constraints addressable from migrations (and SQLite batch mode needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# The single company profile row always has id 1.
COMPANY_PROFILE_ID = 1

company_profile = Table(
    "company_profile",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False),
    Column("timezone", Text, nullable=False),
    Column("hours", JSON, nullable=False),  # {"mon": ["08:30-17:30"], ...}
    Column("holidays", JSON, nullable=False),  # ["2026-12-25", ...]
    Column("greeting", Text, nullable=True),
    Column("info", JSON, nullable=False),
    # The directory's caller block list: E.164 numbers and '+' prefixes; None: none (migration 0012).
    Column("blocked", JSON, nullable=True),
    CheckConstraint(f"id = {COMPANY_PROFILE_ID}", name="singleton"),
)

departments = Table(
    "departments",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("position", Integer, nullable=False),  # listing order
    # Ring group and after-hours rule in the directory file's form; None: neither (migration 0009).
    Column("routing", JSON, nullable=True),
    Column("chat", JSON, nullable=True),  # chat URLs as written (`${VAR}` kept); None: none
    # Own hours, {"mon": ["07:00-22:00"], ...}; None: the company's (migration 0013).
    Column("hours", JSON, nullable=True),
)

employees = Table(
    "employees",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("title", Text, nullable=True),
    Column("department_id", Text, ForeignKey("departments.id"), nullable=True),
    Column("phone", Text, nullable=False),
    Column("email", Text, nullable=True),
    Column("sms", Text, nullable=True),
    Column("sip_uri", Text, nullable=True),
    Column("status", Text, nullable=False),
    Column("hours", JSON, nullable=True),  # None: the company's hours
    Column("extra", JSON, nullable=False),
    # Listing order: a department's first listed employee is its front contact.
    Column("position", Integer, nullable=False),
    Index(None, "department_id"),
    Column("chat", JSON, nullable=True),  # chat URLs as written (`${VAR}` kept); None: none
)

# The directory's revision (one row, id 1): every directory write bumps `revision` and draws a new
# `token` in its own transaction, so "has the directory changed?" is one primary-key SELECT. The
# token tells apart two databases at the same count (a restored backup, a recreated file).
DIRECTORY_REVISION_ID = 1
directory_revision = Table(
    "directory_revision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("revision", BigInteger, nullable=False),
    Column("token", Text, nullable=False),
)

# One row per call; the timeline is a JSON list of {"at", "kind", "data"} written as the call goes.
calls = Table(
    "calls",
    metadata,
    Column("call_id", Text, primary_key=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    Column("caller_number", Text, nullable=True),
    Column("dialed_number", Text, nullable=True),
    Column("outcome", Text, nullable=True),
    Column("end_reason", Text, nullable=True),
    Column("transferred_to", Text, nullable=True),
    Column("message_id", Text, nullable=True),
    Column("events", JSON, nullable=False),
    Column("twilio_call_sid", Text, nullable=True),  # joins Twilio's call status callbacks
    Column("verstat", Text, nullable=True),  # X-Twilio-VerStat (STIR/SHAKEN), if passed on
    # The caller's audio as the agent received it (domain.call_quality); NULL: no RTC stats
    Column("quality_packets_received", Integer, nullable=True),
    Column("quality_packets_lost", Integer, nullable=True),
    Column("quality_jitter_ms_mean", Float, nullable=True),
    Column("quality_jitter_ms_max", Float, nullable=True),
    Column("quality_round_trip_ms_mean", Float, nullable=True),
    Column("quality_round_trip_ms_max", Float, nullable=True),
    Index(None, "started_at"),
    Index(None, "twilio_call_sid"),
)
