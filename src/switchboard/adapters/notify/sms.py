"""SMS notifications through Twilio's Messages API (the async client from the twilio adapter).

Sent from TWILIO_SMS_NUMBER with a status callback to <WEBHOOK_BASE_URL>/twilio/status, so delivery
reports move the notification forward. Twilio never calls back for the initial status, so the one in
the create response is returned as the SendResult status.
"""

from __future__ import annotations

import asyncio
import logging
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


log = logging.getLogger(__name__)

# A create that timed out or lost its connection may still have been accepted by Twilio; its
# retry waits this long for that attempt to show up in Twilio's message list (see `send`).
DEFAULT_SETTLE_SECONDS = 30.0
RECONCILE_PAGE = 100  # messages per page when looking for an earlier attempt
RECONCILE_MAX = 5000  # more texts than this to one number since the message: stop looking
RECONCILE_BUDGET_SECONDS = 30.0  # the whole look-back, all pages
RECONCILE_SLACK_SECONDS = 3600.0  # how far before the notification's creation to keep reading


def _error(exc: Exception, settle_seconds: float = 0.0) -> NotifyError:
    info = classify_twilio_error(exc)
    code = str(info.code) if info.code is not None else None
    detail = f"Twilio {info.status or ''} {code or ''}: {info.message}".strip()
    if info.retryable:
        retry_after = info.retry_after
        if info.status is None:  # no answer at all: the outcome is unknown
            retry_after = max(retry_after or 0.0, settle_seconds)
        return TemporaryNotifyError(detail, code=code, retry_after=retry_after)
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
        settle_seconds: float = DEFAULT_SETTLE_SECONDS,
    ) -> None:
        self._client = client
        self._settle = settle_seconds
        self._from = from_number
        self._timezone = timezone
        self._callback = status_callback_url(webhook_base_url)
        self._max_segments = max_segments

    async def send(self, notification: Notification, message: Message) -> SendResult:
        """Create the Twilio message; raises Permanent/TemporaryNotifyError on failure.

        Twilio has no idempotency key for creating messages, and a create that timed out (or
        whose connection dropped) may still have been accepted. So a retry first looks for the
        same body already sent to the same number since the notification was created, and adopts
        that message instead of texting the employee twice.
        """
        body = render_sms(message, self._timezone, max_segments=self._max_segments)
        if notification.attempts > 1:
            earlier = await self._already_sent(notification, body)
            if earlier is not None:
                return earlier
        options: dict[str, Any] = {"to": notification.to, "from_": self._from, "body": body}
        if self._callback:
            options["status_callback"] = self._callback
        try:
            created = await self._client.messages.create_async(**options)
        except Exception as exc:  # the client raises REST, aiohttp and timeout errors alike
            raise _error(exc, self._settle) from exc
        status = status_from_twilio(str(created.status or "")) or NotificationStatus.QUEUED
        return SendResult(status=status, provider_id=str(created.sid))

    async def _already_sent(self, notification: Notification, body: str) -> SendResult | None:
        """The message an earlier attempt created, if Twilio has it. Twilio lists newest first
        (by the time sent), so read back page by page until well before the notification existed:
        a busy number may have received many texts since (a fixed window of 50 once missed the
        earlier attempt), and a message Twilio held in its queue is listed by when it left."""
        try:
            async with asyncio.timeout(RECONCILE_BUDGET_SECONDS):  # well inside a worker's lease
                return await self._look_back(notification, body)
        except Exception as exc:  # cannot tell: better to retry later than to text twice
            raise TemporaryNotifyError(f"could not check for an earlier send: {exc!r}") from exc

    async def _look_back(self, notification: Notification, body: str) -> SendResult | None:
        since = notification.created_at.timestamp() - 60
        horizon = since - RECONCILE_SLACK_SECONDS
        seen = 0
        async for m in await self._client.messages.stream_async(
            to=notification.to, from_=self._from, page_size=RECONCILE_PAGE
        ):
            created = m.date_created.timestamp() if m.date_created is not None else since
            if created < horizon:
                return None
            if created >= since and m.body == body:
                status = status_from_twilio(str(m.status or "")) or NotificationStatus.QUEUED
                return SendResult(status=status, provider_id=str(m.sid))
            seen += 1
            if seen >= RECONCILE_MAX:
                log.warning("sms.reconcile_gave_up", extra={"id": notification.id, "scanned": seen})
                return None
        return None
