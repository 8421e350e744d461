"""Caller memory as a port: returning callers by number, and their open messages."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from switchboard.domain.caller_memory import KnownCaller


class CallerMemoryStore(Protocol):
    async def recall(self, number: str) -> KnownCaller | None:
        """The caller remembered for this E.164 number, if any."""
        ...

    async def remember(self, number: str, name: str, at: datetime) -> None:
        """Remember (or refresh) the caller: name, last seen at `at`, one more call."""
        ...

    async def open_messages(self, number: str, employee_id: str) -> int:
        """How many messages this caller left for the employee that are still open: taken
        since the caller last got through to that employee (docs/call-behaviour.md)."""
        ...
