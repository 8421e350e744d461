"""Caller memory: returning callers by number (docs/call-behaviour.md, "Caller memory").

Registered on the shared MetaData by importing this module (see the package __init__); migration
0010 creates it. The number is stored as the caller ID (E.164), not hashed: recognising a caller
needs it, and RETENTION_CALLER_MEMORY_DAYS bounds how long it stays.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, Table, Text

from switchboard.adapters.sqlalchemy.tables import metadata

caller_memory = Table(
    "caller_memory",
    metadata,
    Column("number", Text, primary_key=True),  # E.164 caller ID
    Column("name", Text, nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("calls", Integer, nullable=False),
    Index(None, "last_seen"),
)
