"""The messages an installation has taken: list them, look at one, send one again.

Behind `switchboard messages list|show|resend`. A resend queues new notifications in the outbox;
the notification worker (inside `switchboard serve`, or `switchboard worker`) sends them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from switchboard.domain.directory import Directory
from switchboard.domain.errors import NotFound
from switchboard.domain.messages.delivery import (
    DeliveryState,
    StoredMessage,
    delivery_state,
    plan_resend,
)
from switchboard.domain.notifications import Channel, Notification
from switchboard.domain.notifications.plan import recipient_of
from switchboard.ports.clock import Clock
from switchboard.ports.messages import MessageQueries, NotificationQueue


@dataclass(frozen=True, slots=True)
class MessageView:
    stored: StoredMessage
    state: DeliveryState


class MessageNotFound(NotFound, LookupError):
    pass


class MessageLog:
    def __init__(
        self,
        queries: MessageQueries,
        queue: NotificationQueue,
        directory: Callable[[], Awaitable[Directory]],
        clock: Clock,
    ) -> None:
        self._queries, self._queue = queries, queue
        self._directory, self._clock = directory, clock

    async def recent(
        self,
        *,
        limit: int = 50,
        since: datetime | None = None,
        state: DeliveryState | None = None,
    ) -> list[MessageView]:
        """Newest first, optionally only those in `state`."""
        found: list[MessageView] = []
        async for stored in self._queries.newest(since=since):
            view = MessageView(stored, delivery_state(stored.notifications))
            if state is None or view.state is state:
                found.append(view)
                if len(found) >= limit:
                    break
        return found

    async def show(self, id_or_prefix: str) -> MessageView:
        stored = await self._queries.find(id_or_prefix)
        if stored is None:
            raise MessageNotFound(f"no message {id_or_prefix!r}")
        return MessageView(stored, delivery_state(stored.notifications))

    async def resend(
        self, id_or_prefix: str, *, channels: Sequence[Channel] = (), force: bool = False
    ) -> tuple[Notification, ...]:
        """Queue the message again to its recipient's CURRENT addresses (the directory may have
        changed since). Raises MessageNotFound or ResendRefused with the reason."""
        view = await self.show(id_or_prefix)
        message = view.stored.message
        recipient = recipient_of(message, await self._directory())
        fresh = plan_resend(
            message,
            view.stored.notifications,
            recipient,
            self._clock.now(),
            channels=channels,
            force=force,
        )
        await self._queue.add_notifications(fresh)
        return fresh
