"""Messaging wired from settings (part of the composition root): the notifiers, the notification
worker and the webhook service.

Used by `switchboard serve` and `switchboard worker`. Channels are chosen by what is configured:
email when SMTP_HOST and SMTP_FROM are set, SMS when Twilio credentials and TWILIO_SMS_NUMBER are
set, chat always (the URLs are in the directory), and always the local outbox (the file `<data dir>/outbox.jsonl`, marked as not delivered).
A notification on a channel that is not configured fails at once and falls back to the next one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from switchboard.adapters.notifications import LocalOutboxNotifier, SmtpConfig, SmtpEmailNotifier
from switchboard.adapters.notifications.chat import AppriseChatNotifier
from switchboard.adapters.notifications.sms import TwilioSmsNotifier
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.adapters.sqlalchemy.status_callbacks import GroupCommitStatusWriter
from switchboard.adapters.sqlalchemy.webhook_receipts import SqlAlchemyWebhookReceipts
from switchboard.adapters.sqlalchemy.webhook_stores import SqlAlchemyWebhookStores
from switchboard.adapters.twilio import close_async_client, make_async_twilio_client
from switchboard.adapters.voice.voicemail import OfflineVoicemailTranscriber
from switchboard.bootstrap import Application
from switchboard.domain.directory import Directory
from switchboard.domain.notifications import Channel
from switchboard.logs import get_logger
from switchboard.ports.notifications import Notifier
from switchboard.services.messages.desk import OutboxMessageDesk
from switchboard.services.messages.directory_cache import DirectoryCache, front_desk
from switchboard.services.messages.webhooks import (
    WebhookCollaborators,
    WebhookService,
)
from switchboard.services.messages.worker import NotificationWorker
from switchboard.settings import Settings

log = get_logger(__name__)


@dataclass
class Messaging:
    """Everything messaging needs at run time; close it with `aclose()` (via `open_messaging`)."""

    worker: NotificationWorker
    webhooks: WebhookService
    directory: DirectoryCache
    receipts: SqlAlchemyWebhookReceipts
    channels: tuple[Channel, ...]
    _twilio: Any = None
    _stores: SqlAlchemyWebhookStores | None = None
    _transcriber: OfflineVoicemailTranscriber | None = None

    async def aclose(self) -> None:
        if self._stores is not None:
            await self._stores.aclose()  # let queued webhook writes commit
        if self._transcriber is not None:
            self._transcriber.close()
        if self._twilio is not None:
            await close_async_client(self._twilio)


def _company(directory: Directory) -> tuple[str, str]:
    return directory.company.name, directory.company.timezone


def voicemail_transcriber(settings: Settings) -> OfflineVoicemailTranscriber | None:
    """The offline voicemail transcriber (VOICEMAIL_TRANSCRIPTION); without the `voice` extra it
    answers None and voicemails say "(voicemail, not transcribed)", still linked."""
    if not settings.voicemail_transcription:
        return None
    auth = None
    if settings.twilio_account_sid and settings.twilio_auth_token:
        auth = (settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value())
    return OfflineVoicemailTranscriber(auth=auth)


@asynccontextmanager
async def open_messaging(app: Application) -> AsyncIterator[Messaging]:
    """Build messaging for `app`; the Twilio HTTP session is closed on exit."""
    settings: Settings = app.settings
    cache = DirectoryCache(app.storage.reading_unit_of_work)
    directory = await cache.refresh()
    company, timezone = _company(directory)
    notifiers: dict[Channel, Notifier] = {
        Channel.LOCAL: LocalOutboxNotifier.in_data_dir(settings.data_dir)
    }
    # `serve` serves the console at WEBHOOK_BASE_URL too: recordings are linked to its pages.
    console_url = settings.webhook_base_url
    notifiers[Channel.CHAT] = AppriseChatNotifier(
        company=company,
        timezone=timezone,
        timeout=settings.chat_timeout_seconds,
        console_base_url=console_url,
    )
    smtp = SmtpConfig.from_settings(settings)
    if smtp is not None:
        notifiers[Channel.EMAIL] = SmtpEmailNotifier(
            smtp, company=company, timezone=timezone, console_base_url=console_url
        )
    twilio = None
    if settings.twilio_sms_number and settings.twilio_account_sid and settings.twilio_auth_token:
        twilio = make_async_twilio_client(settings)
        notifiers[Channel.SMS] = TwilioSmsNotifier(
            twilio,
            from_number=settings.twilio_sms_number,
            timezone=timezone,
            webhook_base_url=settings.webhook_base_url,
            messaging_service_sid=settings.twilio_messaging_service_sid,
            console_base_url=console_url,
        )
    outbox = SqlAlchemyMessageOutbox(app.storage.engine)
    stores = SqlAlchemyWebhookStores(app.storage.engine, app.clock)
    receipts = SqlAlchemyWebhookReceipts(app.storage.engine, app.clock)
    desk = OutboxMessageDesk(outbox, cache.refresh, app.clock)
    collaborators = WebhookCollaborators(
        calls=stores,
        employees=stores,
        inbound=stores,
        voicemails=stores,
        desk=desk,
        clock=app.clock,
        front_desk=front_desk(directory, settings.front_desk),
        status_writer=GroupCommitStatusWriter(app.storage.engine),
        transcriber=(transcriber := voicemail_transcriber(settings)),
    )
    messaging = Messaging(
        worker=NotificationWorker(outbox, notifiers, app.clock, cache.get),
        webhooks=WebhookService(collaborators),
        directory=cache,
        receipts=receipts,
        channels=tuple(notifiers),
        _twilio=twilio,
        _stores=stores,
        _transcriber=transcriber,
    )
    log.info("messaging ready", channels=[c.value for c in notifiers])
    try:
        yield messaging
    finally:
        await messaging.aclose()
