"""The durable outbox as a port: messages stored with their notification jobs, claimed by workers.

Contract for implementations (adapters/sqlalchemy/message_outbox.py; an in-memory one in the tests):
- `add` stores the message and its notifications in ONE transaction: both or neither.
- `claim_due` atomically takes notifications that are `queued`, or `sending` whose
  `next_attempt_at` has passed (a retry that is due, or a worker that died holding a lease), marks
  them `sending`, counts the attempt and leases them until `now + lease`. Two workers never get
  the same notification (PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED; SQLite: one claimer).
- `save` writes a notification back without moving its status backwards.
- `record_sent` attaches the provider id; a status callback that arrived for that provider id
  before it was attached (Twilio can be faster than our write) must be applied then, not lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from switchboard.domain.messages import Message
from switchboard.domain.notifications import Notification, NotificationStatus


class MessageOutbox(Protocol):
    async def add(
        self,
        message: Message,
        notifications: Sequence[Notification],
        *,
        once_key: str | None = None,
    ) -> bool:
        """Store the message with its notifications in one transaction. With `once_key`, the key
        is recorded in that same transaction and a key seen before stores nothing: False."""
        ...

    async def add_notifications(self, notifications: Sequence[Notification]) -> None:
        """Queue more notifications of stored messages (fallbacks); an existing id is ignored."""
        ...

    async def claim_due(
        self, now: datetime, *, limit: int, lease: timedelta
    ) -> list[tuple[Notification, Message]]: ...

    async def save(self, notification: Notification) -> None: ...

    async def record_sent(
        self,
        notification_id: str,
        provider_id: str | None,
        status: NotificationStatus,
        at: datetime,
    ) -> Notification: ...

    async def notifications_of(self, message_id: str) -> list[Notification]: ...

    async def needing_fallback_check(self, now: datetime) -> list[tuple[Notification, Message]]:
        """Notifications that failed/undelivered or are still `sent`, with no fallback yet."""
        ...
