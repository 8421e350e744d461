"""Email notifications over SMTP (aiosmtplib): TLS, STARTTLS or plain, multipart text + HTML.

SMTP replies decide retrying: 5xx is permanent (the server refused for good), 4xx and connection
failures/timeouts are temporary. A partial refusal is impossible here: one recipient per email.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Literal

import aiosmtplib

from switchboard.domain.messages import Message
from switchboard.domain.messages.text import render_email
from switchboard.domain.notifications import Channel, Notification, NotificationStatus
from switchboard.ports.notifications import (
    NotifyError,
    PermanentNotifyError,
    SendResult,
    TemporaryNotifyError,
)
from switchboard.settings import Settings


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password: str | None = None
    timeout: float = 20.0
    validate_certs: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig | None:
        """The SMTP configuration, or None when SMTP is not configured (host or from missing)."""
        if not settings.smtp_host or not settings.smtp_from:
            return None
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            security=settings.smtp_security,
            username=settings.smtp_username,
            password=password,
        )


def _classify(exc: Exception) -> NotifyError:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        exc = exc.recipients[0]
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        kind = PermanentNotifyError if 500 <= exc.code < 600 else TemporaryNotifyError
        return kind(f"SMTP {exc.code}: {exc.message}", code=str(exc.code))
    # Refused/dropped connections, timeouts, TLS trouble: the server may be back later.
    return TemporaryNotifyError(f"SMTP {type(exc).__name__}: {exc}")


class SmtpEmailNotifier:
    """Sends one email per notification; `company` and `timezone` shape the text, and a
    voicemail's recording is linked to the console at `console_base_url` (WEBHOOK_BASE_URL)."""

    channel = Channel.EMAIL

    def __init__(
        self,
        config: SmtpConfig,
        *,
        company: str,
        timezone: str,
        console_base_url: str | None = None,
    ) -> None:
        self._config = config
        self._console = console_base_url
        self._company = company
        self._timezone = timezone

    def build(self, notification: Notification, message: Message) -> EmailMessage:
        """The MIME message: text/plain with a text/html alternative."""
        content = render_email(
            message, self._timezone, self._company, console_base_url=self._console
        )
        email = EmailMessage()
        email["From"] = self._config.sender
        email["To"] = notification.to
        email["Subject"] = content.subject
        email["Message-ID"] = make_msgid(idstring=notification.id.replace(".", "-"))
        if message.urgent:
            email["X-Priority"] = "1"
        email.set_content(content.text)
        email.add_alternative(content.html, subtype="html")
        return email

    async def send(self, notification: Notification, message: Message) -> SendResult:
        """Send the email; raises PermanentNotifyError / TemporaryNotifyError on failure."""
        email = self.build(notification, message)
        cfg = self._config
        try:
            await aiosmtplib.send(
                email,
                hostname=cfg.host,
                port=cfg.port,
                username=cfg.username,
                password=cfg.password,
                use_tls=cfg.security == "tls",
                start_tls=cfg.security == "starttls",
                timeout=cfg.timeout,
                validate_certs=cfg.validate_certs,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise _classify(exc) from exc
        return SendResult(status=NotificationStatus.SENT, provider_id=str(email["Message-ID"]))
