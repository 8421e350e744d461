"""Notification channels: SMTP email, Twilio SMS, chat (apprise) and the local (not delivered)
outbox."""

from switchboard.adapters.notifications.chat import AppriseChatNotifier
from switchboard.adapters.notifications.email import SmtpConfig, SmtpEmailNotifier
from switchboard.adapters.notifications.local_outbox import LocalOutboxNotifier
from switchboard.adapters.notifications.sms import TwilioSmsNotifier, status_callback_url

__all__ = [
    "AppriseChatNotifier",
    "LocalOutboxNotifier",
    "SmtpConfig",
    "SmtpEmailNotifier",
    "TwilioSmsNotifier",
    "status_callback_url",
]
