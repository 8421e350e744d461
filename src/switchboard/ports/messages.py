"""What the message services need: stored messages to list and resend, the digest's sources,
the background runner's worker and receipts (adapters/sqlalchemy implements them)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Protocol

from switchboard.domain.call_record import CallRecord
from switchboard.domain.messages.delivery import StoredMessage
from switchboard.domain.notifications import Notification


class MessageQueries(Protocol):
    def newest(self, *, since: datetime | None = None) -> AsyncIterator[StoredMessage]: ...

    async def find(self, id_or_prefix: str) -> StoredMessage | None: ...


class NotificationQueue(Protocol):
    async def add_notifications(self, notifications: Sequence[Notification]) -> None: ...


class DigestSources(Protocol):
    """What the digest reads: call records and messages from `start` on (oldest needed first)."""

    async def calls_since(self, start: datetime) -> list[CallRecord]: ...

    async def messages_since(self, start: datetime) -> list[StoredMessage]: ...


class Worker(Protocol):
    async def run_once(self) -> int: ...

    async def escalate(self) -> int: ...


class Receipts(Protocol):
    async def forget_before(self, cutoff: datetime) -> int: ...
