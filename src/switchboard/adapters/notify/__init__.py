"""Notification channels: SMTP email, Twilio SMS, chat (apprise) and the local (not delivered)
outbox."""

from switchboard.adapters.notify.chat import AppriseChatNotifier
from switchboard.adapters.notify.email import SmtpConfig, SmtpEmailNotifier
from switchboard.adapters.notify.local_outbox import LocalOutboxNotifier
from switchboard.adapters.notify.sms import TwilioSmsNotifier, status_callback_url

__all__ = [
    "AppriseChatNotifier",
    "LocalOutboxNotifier",
    "SmtpConfig",
    "SmtpEmailNotifier",
    "TwilioSmsNotifier",
    "status_callback_url",
]
