"""MessageDesk: the agent's `take_message`, storing the message with its notification jobs."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from switchboard.domain.directory import Directory
from switchboard.domain.messages import Message, recipient_kind
from switchboard.domain.notifications.plan import plan_notifications
from switchboard.domain.routing.on_call_page import on_call_page
from switchboard.ports.calls import MessageReceipt, MessageRequest
from switchboard.ports.clock import Clock
from switchboard.ports.outbox import MessageOutbox


def new_message_id() -> str:
    """A sortable-enough, collision-free message id."""
    return "msg_" + uuid.uuid4().hex


class OutboxMessageDesk:
    """Implements `ports.calls.MessageDesk`. Returns only after the outbox write committed, so a
    receipt means the message survives a crash; the worker sends it afterwards."""

    def __init__(
        self,
        outbox: MessageOutbox,
        directory: Callable[[], Awaitable[Directory]],
        clock: Clock,
        *,
        new_id: Callable[[], str] = new_message_id,
    ) -> None:
        self._outbox = outbox
        self._directory = directory
        self._clock = clock
        self._new_id = new_id

    async def take_message(self, request: MessageRequest) -> MessageReceipt:
        """Store the message and its notifications. Raises InvalidMessage for bad input (for
        example a text over MAX_TEXT_LENGTH) so the agent can tell the caller."""
        now = self._clock.now()
        message = Message(
            id=self._new_id(),
            recipient_kind=recipient_kind(request.recipient_kind),
            recipient_id=request.recipient_id,
            caller_name=request.caller_name,
            callback_number=request.callback_number or None,
            text=request.text,
            created_at=now,
            urgent=request.urgent,
            call_id=request.call_id or None,
            recording_url=request.recording_url or None,
        )
        directory = await self._directory()
        notifications = plan_notifications(message, None, directory, now)
        page = on_call_page(message, directory, now, notifications)
        if page is not None:  # urgent after hours: the on-call person is texted at once too
            notifications = (*notifications, page)
        if not await self._outbox.add(message, notifications, once_key=request.once_key):
            return MessageReceipt(message.id, (), duplicate=True)
        return MessageReceipt(message.id, tuple(n.channel.value for n in notifications))
