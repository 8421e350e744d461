"""`switchboard serve` (webhooks + health + the notification worker) and `switchboard worker`."""

from __future__ import annotations

import asyncio
import contextlib
import signal

import typer
import uvicorn

from switchboard.adapters.sqlalchemy.accounts import SqlAlchemyAccountStore
from switchboard.adapters.sqlalchemy.console_queries import SqlAlchemyConsoleQueries
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.adapters.sqlalchemy.message_queries import SqlAlchemyMessageQueries
from switchboard.adapters.sqlalchemy.message_stats import SqlAlchemyMessageStats
from switchboard.adapters.sqlalchemy.purge import SqlAlchemyPersonalData
from switchboard.adapters.twilio.recording_media import TwilioRecordingMedia
from switchboard.adapters.voice.recordings import RecordingFolder
from switchboard.bootstrap import Application
from switchboard.bootstrap.messages import Messaging, open_messaging
from switchboard.domain.diagnosis import Check
from switchboard.domain.directory import Directory
from switchboard.entrypoints.cli._runtime import EXIT_USAGE, console, fail, plain, run_with_app
from switchboard.entrypoints.cli.digest import digest_in_serve
from switchboard.entrypoints.web import create_app
from switchboard.entrypoints.web.console import ConsoleServices
from switchboard.services.console.accounts import Accounts
from switchboard.services.console.recordings import ConsoleRecordings
from switchboard.services.console.views import ConsoleViews
from switchboard.services.directory import load_directory
from switchboard.services.doctor import run_doctor
from switchboard.services.messages.message_log import MessageLog
from switchboard.services.messages.runner import LoopStats, NotificationLoop
from switchboard.services.retention import AllPersonalData, policy_from_settings, purge_daily
from switchboard.settings import Settings, SettingsError


def notification_loop(app: Application, messaging: Messaging) -> NotificationLoop:
    return NotificationLoop(
        messaging.worker,
        app.clock,
        receipts=messaging.receipts,
        before_pass=messaging.directory.refresh,
        poll_seconds=app.settings.notification_poll_seconds,
    )


def console_recordings(settings: Settings) -> ConsoleRecordings:
    """Recordings the console plays: the agent's files in VOICEMAIL_DIR (on this machine), and
    Twilio's, fetched with the account's credentials."""
    auth = None
    if settings.twilio_account_sid and settings.twilio_auth_token:
        auth = (settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value())
    media = TwilioRecordingMedia(auth, api_base_url=settings.twilio_api_base_url)
    return ConsoleRecordings(settings.effective_voicemail_dir, media)


def console_services(app: Application) -> ConsoleServices:
    """The web console's services on the application's storage and clock."""
    engine = app.storage.engine

    async def directory() -> Directory:
        return await load_directory(app.unit_of_work)

    async def doctor() -> list[Check]:
        return await run_doctor(app.settings)

    return ConsoleServices(
        accounts=Accounts(SqlAlchemyAccountStore(engine), app.clock),
        views=ConsoleViews(SqlAlchemyConsoleQueries(engine)),
        messages=MessageLog(
            SqlAlchemyMessageQueries(engine), SqlAlchemyMessageOutbox(engine), directory, app.clock
        ),
        unit_of_work=app.unit_of_work,
        clock=app.clock,
        doctor=doctor,
        default_region=app.settings.default_region,
        recordings=console_recordings(app.settings),
    )


async def serve_app(app: Application, *, host: str, port: int, worker: bool) -> None:
    """Serve until uvicorn is told to stop (SIGINT/SIGTERM); the notification loop, the daily
    retention purge and the daily digest stop with it."""
    async with open_messaging(app) as messaging:
        web = create_app(
            app.settings,
            messaging.webhooks,
            ready=app.storage.is_ready,
            stats=SqlAlchemyMessageStats(app.storage.engine).outbox_stats,
            console=console_services(app),
        )
        config = uvicorn.Config(
            web, host=host, port=port, log_config=None, access_log=False, lifespan="off"
        )
        server = uvicorn.Server(config)
        stop = asyncio.Event()
        channels = ", ".join(c.value for c in messaging.channels)
        console.print(
            f"Switchboard webhooks on http://{plain(host)}:{port}/twilio/* "
            f"(health /healthz, /readyz), console http://{plain(host)}:{port}/; notifications: {channels if worker else 'off (--no-worker)'}",
            highlight=False,
        )
        async with asyncio.TaskGroup() as tasks:
            if worker:
                tasks.create_task(notification_loop(app, messaging).run(stop))
            # Personal data past its retention period goes once a day (RETENTION_*_DAYS).
            personal = AllPersonalData(
                SqlAlchemyPersonalData(app.storage.engine),
                RecordingFolder(app.settings.effective_voicemail_dir),  # the agent's voicemails
            )
            policy = policy_from_settings(app.settings)
            tasks.create_task(purge_daily(personal, policy, app.clock, stop))
            if app.settings.digest_hour >= 0:  # each employee's digest email, once a day
                tasks.create_task(digest_in_serve(app, stop))
            try:
                await server.serve()
            finally:
                stop.set()


def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", metavar="ADDRESS", help="Address to listen on (0.0.0.0: all)."
    ),
    port: int = typer.Option(8080, "--port", metavar="PORT", min=1, max=65535),
    no_worker: bool = typer.Option(
        False, "--no-worker", help="Do not send notifications here (run `switchboard worker`)."
    ),
) -> None:
    """Serve the Twilio webhooks, /healthz and /readyz and the web console, and send
    notifications from the outbox."""

    async def work(app: Application) -> None:
        try:
            await serve_app(app, host=host, port=port, worker=not no_worker)
        except SettingsError as exc:
            fail(str(exc), EXIT_USAGE)

    run_with_app(work)


async def run_worker(app: Application, stop: asyncio.Event) -> LoopStats:
    async with open_messaging(app) as messaging:
        channels = ", ".join(c.value for c in messaging.channels)
        console.print(f"Notification worker running; channels: {channels}. Ctrl-C stops it.")
        return await notification_loop(app, messaging).run(stop)


def worker() -> None:
    """Send notifications from the outbox until SIGINT/SIGTERM (when not inside `serve`)."""

    async def work(app: Application) -> LoopStats:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # e.g. Windows
                loop.add_signal_handler(sig, stop.set)
        return await run_worker(app, stop)

    stats = run_with_app(work)
    console.print(f"stopped: {stats.handled} notifications handled, {stats.escalated} escalated")
