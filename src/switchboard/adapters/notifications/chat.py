"""Chat notifications through apprise: Slack, Microsoft Teams, Discord, generic webhooks, ...

One notification is one post to one chat URL (`notification.to`, as written in the directory:
`${VAR}` references are expanded from the environment here, at send time, so tokens never reach
the database). apprise's `Apprise.async_notify` runs the service's blocking HTTP call on apprise's
own thread pool, so the event loop never waits on it (apprise/plugins/base.py, `async_notify`:
"Use Apprise's own shared pool"), and returns an `AppriseResult` whose per-service log entries
carry the HTTP status as `error=NNN` (apprise/plugins/custom_json.py, `send`; slack.py, workflows.py
(msteams://) and discord.py log the same way, checked in apprise 2.3.0).

Errors, like the other channels (ports/notifications.py):
- URL that cannot be used (an unset `${VAR}`, a URL apprise does not understand): permanent, code
  `invalid-url` — falls back at once, the reason is stored and logged with the URL masked;
- HTTP 4xx other than 408/429: permanent, code `http-4xx` as `http-404`;
- HTTP 5xx, 408, 429, no answer (refused, reset, timed out): temporary, retried with backoff.

apprise has no idempotency key (nor do the chat services' incoming webhooks), so a post the
service accepted but whose answer never arrived (read timeout, dropped connection) is posted again
by the retry: chat is at-least-once in that one case, bounded by the retry policy's attempts.
The post carries the message id, so a reader can tell a repeat. See docs/messages.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import apprise

from switchboard.adapters.chat_urls import ChatUrlError, environment, expand, mask
from switchboard.domain.chat_text import render_chat
from switchboard.domain.messages import Message
from switchboard.domain.notifications import Channel, Notification, NotificationStatus
from switchboard.logs import get_logger
from switchboard.ports.notifications import (
    NotifyError,
    PermanentNotifyError,
    SendResult,
    TemporaryNotifyError,
)

log = get_logger(__name__)

DEFAULT_TIMEOUT = 30.0  # the whole post; apprise's own socket timeouts are 4 s connect / 4 s read
_STATUS = re.compile(r"error=(\d{3})\b")
_RETRYABLE_4XX = frozenset({408, 429})  # timeout and rate limit: the service asks us to come back


def classify(status: int | None, detail: str) -> NotifyError:
    """The NotifyError for a failed post: `status` is the service's HTTP status when it answered."""
    if status is None:
        return TemporaryNotifyError(f"chat service did not answer: {detail}", code="no-answer")
    if 400 <= status < 500 and status not in _RETRYABLE_4XX:
        return PermanentNotifyError(f"chat service refused: {detail}", code=f"http-{status}")
    return TemporaryNotifyError(f"chat service failed: {detail}", code=f"http-{status}")


def _failure(result: apprise.AppriseResult) -> tuple[int | None, str]:
    """The HTTP status (when the service answered) and the reason apprise logged."""
    messages = [entry.message for service in result for entry in service.logs()]
    statuses = [int(m.group(1)) for text in messages if (m := _STATUS.search(text))]
    detail = " ".join(messages[-2:]) or f"apprise status {result.status.name}"
    return (statuses[-1] if statuses else None), detail


class AppriseChatNotifier:
    """Posts one message to one chat URL. `env` is where `${VAR}`s are looked up (default: the
    process environment and .env, read once here; the simulator adds its chat service's address).
    `console_base_url` (WEBHOOK_BASE_URL): a voicemail's recording is linked to the console."""

    channel = Channel.CHAT

    def __init__(
        self,
        *,
        company: str,
        timezone: str,
        env: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        console_base_url: str | None = None,
    ) -> None:
        self._company = company
        self._console = console_base_url
        self._timezone = timezone
        self._env = dict(env) if env is not None else environment()
        self._timeout = timeout

    async def send(self, notification: Notification, message: Message) -> SendResult:
        """Post the message; raises PermanentNotifyError / TemporaryNotifyError on failure."""
        shown = mask(notification.to)
        try:
            url = expand(notification.to, self._env)
        except ChatUrlError as exc:
            raise PermanentNotifyError(f"chat URL {shown}: {exc}", code="invalid-url") from None
        service = apprise.Apprise.instantiate(url)
        if service is None:
            raise PermanentNotifyError(
                f"chat URL {shown}: apprise does not understand it", code="invalid-url"
            )
        server = apprise.Apprise()
        server.add(service)
        content = render_chat(
            message, self._timezone, self._company, console_base_url=self._console
        )
        result = await server.async_notify(
            body=content.body,
            title=content.title,
            notify_type=apprise.NotifyType.WARNING if message.urgent else apprise.NotifyType.INFO,
            body_format=apprise.NotifyFormat.TEXT,
            timeout=self._timeout,
        )
        if result:
            return SendResult(status=NotificationStatus.SENT)
        status, detail = _failure(result)
        error = classify(status, detail)
        log.warning(
            "chat post failed",
            id=notification.id,
            to=shown,
            code=error.code,
            retry=error.retryable,
        )
        raise error
