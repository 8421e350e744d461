"""SMS notifications through Twilio's Messages API (the async client from the twilio adapter).

Sent from TWILIO_SMS_NUMBER with a status callback to <WEBHOOK_BASE_URL>/twilio/status, so delivery
reports move the notification forward. Twilio never calls back for the initial status, so the one in
the create response is returned as the SendResult status.
"""

from __future__ import annotations

from typing import Any

from switchboard.adapters.twilio import classify_twilio_error
from switchboard.domain.message_text import DEFAULT_SMS_SEGMENTS, render_sms
from switchboard.domain.messages import Message
from switchboard.domain.notifications import (
    Channel,
    Notification,
    NotificationStatus,
    status_from_twilio,
)
from switchboard.ports.notify import (
    NotifyError,
    PermanentNotifyError,
    SendResult,
    TemporaryNotifyError,
)

STATUS_PATH = "/twilio/status"


def status_callback_url(webhook_base_url: str | None) -> str | None:
    """Where Twilio should report delivery: <WEBHOOK_BASE_URL>/twilio/status (None: no reports)."""
    return webhook_base_url.rstrip("/") + STATUS_PATH if webhook_base_url else None


def _error(exc: Exception) -> NotifyError:
    info = classify_twilio_error(exc)
    code = str(info.code) if info.code is not None else None
    detail = f"Twilio {info.status or ''} {code or ''}: {info.message}".strip()
    if info.retryable:
        return TemporaryNotifyError(detail, code=code, retry_after=info.retry_after)
    # Unknown exception types are bugs, not Twilio's answer: treat as permanent so one bad
    # notification cannot loop forever; the error text makes the bug visible.
    return PermanentNotifyError(detail, code=code)


class TwilioSmsNotifier:
    """`client` is a twilio `Client` built by `make_async_twilio_client` (its `*_async` methods)."""

    channel = Channel.SMS

    def __init__(
        self,
        client: Any,
        *,
        from_number: str,
        timezone: str,
        webhook_base_url: str | None,
        max_segments: int = DEFAULT_SMS_SEGMENTS,
    ) -> None:
        self._client = client
        self._from = from_number
        self._timezone = timezone
        self._callback = status_callback_url(webhook_base_url)
        self._max_segments = max_segments

    async def send(self, notification: Notification, message: Message) -> SendResult:
        """Create the Twilio message; raises Permanent/TemporaryNotifyError on failure."""
        body = render_sms(message, self._timezone, max_segments=self._max_segments)
        options: dict[str, Any] = {"to": notification.to, "from_": self._from, "body": body}
        if self._callback:
            options["status_callback"] = self._callback
        try:
            created = await self._client.messages.create_async(**options)
        except Exception as exc:  # the client raises REST, aiohttp and timeout errors alike
            raise _error(exc) from exc
        status = status_from_twilio(str(created.status or "")) or NotificationStatus.QUEUED
        return SendResult(status=status, provider_id=str(created.sid))
