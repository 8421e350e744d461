"""SMS notifications through Twilio's Messages API (the async client from the twilio adapter).

Sent from TWILIO_SMS_NUMBER (through TWILIO_MESSAGING_SERVICE_SID when set) with a status callback
to <WEBHOOK_BASE_URL>/twilio/status, so delivery reports move the notification forward. Twilio
never calls back for the initial status, so the one in the create response is returned as the
SendResult status. A US number not registered for A2P 10DLC is accepted here and fails later with
`undelivered` / 30034 in a status callback: the outbox then falls back to the next channel.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import Any

from switchboard.adapters.twilio import classify_twilio_error
from switchboard.domain.messages import Message
from switchboard.domain.messages.text import DEFAULT_SMS_SEGMENTS, render_sms, sms_segments
from switchboard.domain.notifications import (
    Channel,
    Notification,
    NotificationStatus,
    status_from_twilio,
)
from switchboard.logs import get_logger
from switchboard.ports.notifications import (
    NotifyError,
    PermanentNotifyError,
    SendResult,
    TemporaryNotifyError,
)

STATUS_PATH = "/twilio/status"


def status_callback_url(webhook_base_url: str | None) -> str | None:
    """Where Twilio should report delivery: <WEBHOOK_BASE_URL>/twilio/status (None: no reports)."""
    return webhook_base_url.rstrip("/") + STATUS_PATH if webhook_base_url else None


log = get_logger(__name__)

# A create that timed out or lost its connection may still have been accepted by Twilio; its
# retry waits this long for that attempt to show up in Twilio's message list (see `send`).
DEFAULT_SETTLE_SECONDS = 30.0
RECONCILE_PAGE = 100  # messages per page when looking for an earlier attempt
RECONCILE_MAX = 5000  # more texts than this to one number since the message: stop looking
RECONCILE_BUDGET_SECONDS = 30.0  # the whole look-back, all pages
RECONCILE_SLACK_SECONDS = 3600.0  # how far before the notification's creation to keep reading
RECONCILE_SKEW_SECONDS = 60.0  # allowance on top of the measured clock offset (Date: whole seconds)
# Twilio prepends this to every message a trial account sends, so the listed body is not ours
# verbatim (https://help.twilio.com/articles/360036052753, "Twilio Free Trial Limitations";
# https://www.twilio.com/docs/usage/trials/try-out-sms).
TRIAL_PREFIX = "Sent from your Twilio trial account - "
REDACTED_CODE = "redacted"
REMEMBERED_SENDS = 10_000  # message SIDs this process created, for telling redacted texts apart


class _CannotTell:
    """The look-back found messages whose bodies Twilio redacted: one may be ours, or not."""

    def __init__(self, count: int) -> None:
        self.count = count


def _same_text(listed: str | None, body: str) -> bool | None:
    """Whether a listed body is `body` as we sent it; None when Twilio redacted it (empty)."""
    if not listed:
        return None
    return listed in (body, TRIAL_PREFIX + body)


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
    """`client` is a twilio `Client` built by `make_async_twilio_client` (its `*_async` methods).
    A voicemail's recording is linked to the console at `console_base_url` (WEBHOOK_BASE_URL)."""

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
        messaging_service_sid: str | None = None,
        console_base_url: str | None = None,
    ) -> None:
        self._client = client
        self._console = console_base_url
        self._service = messaging_service_sid
        # SID → notification id of the messages this notifier created (newest last, bounded).
        self._sent: OrderedDict[str, str] = OrderedDict()
        self._settle = settle_seconds
        self._from = from_number
        self._timezone = timezone
        self._callback = status_callback_url(webhook_base_url)
        self._max_segments = max_segments

    async def send(self, notification: Notification, message: Message) -> SendResult:
        """Create the Twilio message; raises Permanent/TemporaryNotifyError on failure.

        Twilio has no idempotency key for creating messages, and a create that timed out (or
        whose connection dropped) may still have been accepted. So a retry first looks for the
        same body already sent to the same number since the notification was created (by
        Twilio's clock, with or without the trial-account prefix), and adopts that message
        instead of texting the employee twice. Messages this process created are known by SID
        (ours is adopted, other notifications' are passed over) even when their bodies are
        redacted. Any other redacted message in the window may be the lost attempt: then the
        SMS is given up (permanent error, code "redacted") and the outbox falls back to email
        rather than texting twice.
        """
        body = render_sms(
            message,
            self._timezone,
            max_segments=self._max_segments,
            console_base_url=self._console,
        )
        if notification.attempts > 1:
            earlier = await self._already_sent(notification, body)
            if isinstance(earlier, _CannotTell):
                raise PermanentNotifyError(
                    f"{earlier.count} message(s) to this number since the first attempt have "
                    "redacted bodies: cannot tell whether it was sent; not texting again",
                    code=REDACTED_CODE,
                )
            if earlier is not None:
                return earlier
        options: dict[str, Any] = {"to": notification.to, "from_": self._from, "body": body}
        if self._service:
            # With From as well, Twilio sends from that number under the service (its A2P
            # campaign); the number must be in the service's sender pool.
            options["messaging_service_sid"] = self._service
        if self._callback:
            options["status_callback"] = self._callback
        try:
            created = await self._client.messages.create_async(**options)
        except Exception as exc:  # the client raises REST, aiohttp and timeout errors alike
            raise _error(exc, self._settle) from exc
        status = status_from_twilio(str(created.status or "")) or NotificationStatus.QUEUED
        self._remember(str(created.sid), notification.id)
        return SendResult(status=status, provider_id=str(created.sid))

    def _remember(self, sid: str, notification_id: str) -> None:
        self._sent[sid] = notification_id
        while len(self._sent) > REMEMBERED_SENDS:
            self._sent.popitem(last=False)

    async def _already_sent(
        self, notification: Notification, body: str
    ) -> SendResult | _CannotTell | None:
        """The message an earlier attempt created, if Twilio has it. Twilio lists newest first
        (by the time sent), so read back page by page until well before the notification existed:
        a busy number may have received many texts since (a fixed window of 50 once missed the
        earlier attempt), and a message Twilio held in its queue is listed by when it left."""
        try:
            async with asyncio.timeout(RECONCILE_BUDGET_SECONDS):  # well inside a worker's lease
                return await self._look_back(notification, body)
        except Exception as exc:  # cannot tell: better to retry later than to text twice
            raise TemporaryNotifyError(f"could not check for an earlier send: {exc!r}") from exc

    def _since(self, notification: Notification) -> float:
        """When the notification was created, on Twilio's clock (the offset the client measured
        from Twilio's Date headers, read after the first page arrived), less an allowance."""
        offset = getattr(self._client.http_client, "server_clock_offset", None) or 0.0
        return notification.created_at.timestamp() + offset - RECONCILE_SKEW_SECONDS

    async def _look_back(
        self, notification: Notification, body: str
    ) -> SendResult | _CannotTell | None:
        segments = {str(sms_segments(body)), str(sms_segments(TRIAL_PREFIX + body))}
        redacted = 0
        seen = 0
        async for m in await self._client.messages.stream_async(
            to=notification.to, from_=self._from, page_size=RECONCILE_PAGE
        ):
            since = self._since(notification)
            created = m.date_created.timestamp() if m.date_created is not None else since
            if created < since - RECONCILE_SLACK_SECONDS:
                break
            same = _same_text(m.body, body) if created >= since else False
            owner = self._sent.get(str(m.sid))
            if owner is not None:  # this process sent it: known, redacted or not
                same = owner == notification.id
            if same:
                status = status_from_twilio(str(m.status or "")) or NotificationStatus.QUEUED
                return SendResult(status=status, provider_id=str(m.sid))
            if same is None and str(m.num_segments) in segments:
                redacted += 1
            seen += 1
            if seen >= RECONCILE_MAX:
                log.warning("sms.reconcile_gave_up", id=notification.id, scanned=seen)
                break
        return _CannotTell(redacted) if redacted else None
