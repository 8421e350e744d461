"""The notification channel port: send one notification of one message, or say why not.

    NotifyError                 a send that did not happen
    ├── PermanentNotifyError    never retry (bad address, unsubscribed, SMTP 5xx): fall back instead
    └── TemporaryNotifyError    retry later (SMTP 4xx, refused connection, Twilio 429/5xx, timeouts)

Errors carry the provider's code as text (`"21610"`, `"550"`) so it can be stored on the notification,
and a `retry_after` (seconds) when the provider asked for one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from switchboard.domain.errors import SwitchboardError
from switchboard.domain.messages import Message
from switchboard.domain.notifications import Channel, Notification, NotificationStatus


class NotifyError(SwitchboardError):
    """A failed send. `permanent` and `retryable` are never both true."""

    permanent = False

    def __init__(
        self, detail: str, *, code: str | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        return not self.permanent


class PermanentNotifyError(NotifyError):
    permanent = True


class TemporaryNotifyError(NotifyError):
    permanent = False


@dataclass(frozen=True, slots=True)
class SendResult:
    """A send the provider accepted. `status` is what we know right after: `sent` for SMTP (no
    delivery reports), Twilio's initial status for SMS (its first status gets no callback)."""

    status: NotificationStatus
    provider_id: str | None = None
    delivered: bool = True  # False only for the local outbox: recorded, not delivered to anyone


class Notifier(Protocol):
    channel: Channel

    async def send(self, notification: Notification, message: Message) -> SendResult:
        """Send `message` to `notification.to`. Raises NotifyError (typed) when it did not happen."""
        ...
