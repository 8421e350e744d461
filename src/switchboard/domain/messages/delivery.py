"""Where a message stands, summed up from its notifications, and how a resend is numbered.

A message is as good as its best notification: one SMS the carrier delivered is enough. Email has
no delivery receipt, so an email the SMTP server accepted counts as `sent`, never `delivered`. The
local outbox records a message without reaching anyone: a message that only ever went there is
`not_delivered`, which is what an operator must look at.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from switchboard.domain.directory import Employee
from switchboard.domain.errors import Refused
from switchboard.domain.messages import Message
from switchboard.domain.notifications import Channel, Notification, NotificationStatus
from switchboard.domain.notifications.plan import FRONT_DESK, address_for, notification_id

S = NotificationStatus
_IN_FLIGHT = frozenset({S.QUEUED, S.SENDING})
_REACHED = frozenset({S.SENT, S.DELIVERED})


class DeliveryState(StrEnum):
    DELIVERED = "delivered"  # a carrier confirmed an SMS
    SENT = "sent"  # handed to Twilio or the SMTP server; no confirmation (yet)
    PENDING = "pending"  # still queued or being sent, nothing reached anyone yet
    FAILED = "failed"  # every real channel gave up
    NOT_DELIVERED = "not_delivered"  # only the local outbox has it: nobody was told


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message as stored, with its notifications (oldest first)."""

    message: Message
    notifications: tuple[Notification, ...]


class ResendRefused(Refused, ValueError):
    """A resend that would double-send or has nowhere to go; the text says why."""


def delivery_state(notes: Iterable[Notification]) -> DeliveryState:
    """The message's state, best outcome first (see the module docstring)."""
    real = [n for n in notes if n.channel is not Channel.LOCAL]
    if any(n.status is S.DELIVERED for n in real):
        return DeliveryState.DELIVERED
    if any(n.status in _REACHED for n in real):
        return DeliveryState.SENT
    if any(n.status in _IN_FLIGHT for n in real):
        return DeliveryState.PENDING
    return DeliveryState.FAILED if real else DeliveryState.NOT_DELIVERED


def _sequence(note: Notification) -> int:
    tail = note.id.rsplit(".", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def plan_resend(
    message: Message,
    existing: Sequence[Notification],
    recipient: Employee | None,
    now: datetime,
    *,
    channels: Sequence[Channel] = (),
    force: bool = False,
) -> tuple[Notification, ...]:
    """New notifications that send `message` again to `recipient`'s current addresses.

    `channels` picks channels (default: every real channel the recipient has, or the local outbox
    when none). Refused while a delivery is still in flight unless `force`, so an impatient resend
    does not text someone twice. Sequence numbers start at 2: 0 is the first send and 1 is the
    worker's fallback, so a resend never takes an id either of them may still use.
    """
    busy = [n for n in existing if n.status in _IN_FLIGHT]
    if busy and not force:
        pending = ", ".join(f"{n.channel.value} ({n.status.value})" for n in busy)
        raise ResendRefused(
            f"message {message.id} is still being delivered: {pending}; use --force to send anyway"
        )
    wanted = list(channels) or [
        c for c in (Channel.EMAIL, Channel.SMS, Channel.CHAT) if address_for(c, recipient)
    ]
    if not wanted:
        wanted = [Channel.LOCAL]
    missing = [c.value for c in wanted if c is not Channel.LOCAL and not address_for(c, recipient)]
    if missing:
        who = recipient.id if recipient is not None else "nobody (no such recipient)"
        raise ResendRefused(f"{who} has no {' or '.join(missing)} address in the directory")
    first = max([1, *(_sequence(n) for n in existing)]) + 1
    return tuple(
        Notification(
            id=notification_id(message.id, channel, first + i),
            message_id=message.id,
            channel=channel,
            to=address_for(channel, recipient) or FRONT_DESK,
            created_at=now,
            updated_at=now,
            next_attempt_at=now,
        )
        for i, channel in enumerate(dict.fromkeys(wanted))
    )
