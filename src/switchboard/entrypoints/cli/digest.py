"""`switchboard digest send`: the daily digest email per employee (missed calls, messages)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import typer

from switchboard.adapters.sqlalchemy.digest_sources import SqlAlchemyDigestSources
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.bootstrap import Application
from switchboard.entrypoints.cli._runtime import EXIT_USAGE, console, fail, plain, run_with_app
from switchboard.services.directory import load_directory
from switchboard.services.messages.digest import DigestReport, digest_daily, send_digests

digest_app = typer.Typer(
    help="The daily digest email: each employee's missed calls and messages.",
    no_args_is_help=True,
)


async def run_digest(app: Application, day: date | None, *, dry_run: bool) -> DigestReport:
    """Queue (or with `dry_run` only list) `day`'s digests; `day` None: yesterday, locally."""
    directory = await load_directory(app.unit_of_work)
    if day is None:
        day = app.clock.now().astimezone(ZoneInfo(directory.company.timezone)).date()
        day -= timedelta(days=1)
    return await send_digests(
        day,
        directory,
        SqlAlchemyDigestSources(app.storage.engine, app.unit_of_work),
        SqlAlchemyMessageOutbox(app.storage.engine),
        app.clock,
        dry_run=dry_run,
    )


async def digest_in_serve(app: Application, stop: asyncio.Event) -> int:
    """The daily run inside `serve` (DIGEST_HOUR); returns at `stop`."""

    async def run(day: date) -> DigestReport:
        return await run_digest(app, day, dry_run=False)

    return await digest_daily(
        run,
        lambda: load_directory(app.unit_of_work),
        app.clock,
        app.settings.digest_hour,
        stop,
    )


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--date: {value!r} is not a date like 2026-12-06", EXIT_USAGE)
        raise  # unreachable: fail() exits


@digest_app.command("send")
def send(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Show what would be sent; queue nothing."
    ),
    day: str | None = typer.Option(
        None, "--date", metavar="YYYY-MM-DD", help="The day to report (default: yesterday)."
    ),
) -> None:
    """Queue each employee's digest of a day (at most one per employee per day; `serve` also
    sends them daily at DIGEST_HOUR). The notification worker emails them."""
    wanted = _day(day)
    report = run_with_app(lambda app: run_digest(app, wanted, dry_run=dry_run))
    verb = "would queue" if dry_run else "queued"
    console.print(f"digest for {report.day}: {verb} {len(report.queued)}", highlight=False)
    for message in report.queued:
        console.print(f"  {plain(message.recipient_id)}  ({plain(message.id)})", highlight=False)
        if dry_run:
            for line in message.text.splitlines():
                console.print(f"    {plain(line)}", highlight=False)
    if report.already:
        console.print(f"already sent: {plain(', '.join(report.already))}", highlight=False)
    if report.no_email:
        console.print(
            f"no email address (no digest): {plain(', '.join(report.no_email))}", highlight=False
        )
