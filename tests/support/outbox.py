"""The MessageOutbox port in memory, with the same contract as the SQL outbox
(ports/outbox.py): for service tests that need an outbox but not a database."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from switchboard.domain.messages import Message
from switchboard.domain.notifications import Notification, NotificationStatus

S = NotificationStatus


class MemoryOutbox:
    """The MessageOutbox contract in memory (tests only)."""

    def __init__(self) -> None:
        self.messages: dict[str, Message] = {}
        self.once_keys: set[str] = set()
        self.notes: dict[str, Notification] = {}
        self.early: dict[str, NotificationStatus] = {}
        self.lock = asyncio.Lock()

    async def add(
        self,
        message: Message,
        notifications: Sequence[Notification],
        *,
        once_key: str | None = None,
    ) -> bool:
        if once_key is not None:
            if once_key in self.once_keys:
                return False
            self.once_keys.add(once_key)
        self.messages[message.id] = message
        await self.add_notifications(notifications)
        return True

    async def add_notifications(self, notifications: Sequence[Notification]) -> None:
        for n in notifications:
            self.notes.setdefault(n.id, n)

    async def claim_due(
        self, now: datetime, *, limit: int, lease: timedelta
    ) -> list[tuple[Notification, Message]]:
        async with self.lock:
            due = [
                n
                for n in self.notes.values()
                if n.status in (S.QUEUED, S.SENDING)
                and n.next_attempt_at is not None
                and n.next_attempt_at <= now
            ][:limit]
            claimed = []
            for n in due:
                n = replace(n.advanced(S.SENDING, now), attempts=n.attempts + 1)
                n = replace(n, next_attempt_at=now + lease)
                self.notes[n.id] = n
                claimed.append((n, self.messages[n.message_id]))
            return claimed

    async def save(self, notification: Notification) -> None:
        current = self.notes[notification.id]
        if current.status.is_final and notification.status != current.status:
            return
        self.notes[notification.id] = notification

    async def record_sent(
        self,
        notification_id: str,
        provider_id: str | None,
        status: NotificationStatus,
        at: datetime,
    ) -> Notification:
        n = replace(self.notes[notification_id], provider_id=provider_id, next_attempt_at=None)
        n = n.advanced(S.SENT if status is S.SENDING else status, at)
        if provider_id in self.early:
            n = n.advanced(self.early.pop(provider_id), at)
        self.notes[notification_id] = n
        return n

    async def apply_provider_status(
        self, provider_id: str, status: NotificationStatus, code: str | None, at: datetime
    ) -> bool:
        for n in self.notes.values():
            if n.provider_id == provider_id:
                self.notes[n.id] = n.advanced(status, at, error_code=code)
                return True
        self.early[provider_id] = status
        return False

    async def notifications_of(self, message_id: str) -> list[Notification]:
        return [n for n in self.notes.values() if n.message_id == message_id]

    async def needing_fallback_check(self, now: datetime) -> list[tuple[Notification, Message]]:
        return [(n, self.messages[n.message_id]) for n in self.notes.values()]
