"""Notifications: one delivery of a message on one channel, and its forward-only status.

Status moves `queued → sending → sent → delivered | undelivered | failed` and never backwards:
provider callbacks arrive out of order or twice, and an old one must not undo a newer state. The
three end states are final; a later, different end state is ignored as well.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    LOCAL = "local"  # the local outbox (file/console): recorded, NOT delivered to anyone
    CHAT = "chat"  # a chat service through apprise (Slack, Teams, Discord, a webhook, ...)


class NotificationStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in _FINAL


_FINAL = frozenset(
    {NotificationStatus.DELIVERED, NotificationStatus.UNDELIVERED, NotificationStatus.FAILED}
)
_RANK = {
    NotificationStatus.QUEUED: 0,
    NotificationStatus.SENDING: 1,
    NotificationStatus.SENT: 2,
    NotificationStatus.DELIVERED: 3,
    NotificationStatus.UNDELIVERED: 3,
    NotificationStatus.FAILED: 3,
}
# Twilio's message statuses beyond ours. `read` (WhatsApp/RCS) implies delivered; `canceled` is a
# scheduled send that will never happen. Inbound-only values ("receiving", ...) map to nothing.
_TWILIO = {
    "accepted": NotificationStatus.QUEUED,
    "scheduled": NotificationStatus.QUEUED,
    "queued": NotificationStatus.QUEUED,
    "sending": NotificationStatus.SENDING,
    "sent": NotificationStatus.SENT,
    "delivered": NotificationStatus.DELIVERED,
    "read": NotificationStatus.DELIVERED,
    "undelivered": NotificationStatus.UNDELIVERED,
    "failed": NotificationStatus.FAILED,
    "canceled": NotificationStatus.FAILED,
}


def status_from_twilio(value: str) -> NotificationStatus | None:
    """Our status for a Twilio `MessageStatus`, or None for values that say nothing about delivery."""
    return _TWILIO.get(value.strip().lower())


def moves_forward(current: NotificationStatus, new: NotificationStatus) -> bool:
    """True when `new` is a later state than `current` (so the update should be applied)."""
    return _RANK[new] > _RANK[current]


@dataclass(frozen=True, slots=True)
class Notification:
    """One delivery attempt series of a message on one channel to one address."""

    id: str
    message_id: str
    channel: Channel
    to: str  # E.164 for sms, an email address, a chat URL (as written), or a local-outbox label
    created_at: datetime
    updated_at: datetime
    status: NotificationStatus = NotificationStatus.QUEUED
    attempts: int = 0
    next_attempt_at: datetime | None = None  # None: not scheduled (final, or waiting on a callback)
    provider_id: str | None = None  # Twilio MessageSid, SMTP Message-ID or our chat post id
    error_code: str | None = None  # Twilio error code or SMTP reply code
    fallback_of: str | None = None  # the notification this one replaces, when it is a fallback

    def advanced(
        self, status: NotificationStatus, now: datetime, *, error_code: str | None = None
    ) -> Notification:
        """This notification moved to `status` if that is forward; otherwise unchanged (self)."""
        if not moves_forward(self.status, status):
            return self
        return replace(
            self,
            status=status,
            updated_at=now,
            error_code=error_code if error_code is not None else self.error_code,
            next_attempt_at=None if status.is_final else self.next_attempt_at,
        )
