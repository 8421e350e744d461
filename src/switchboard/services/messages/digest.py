"""Sending the daily digest: `switchboard digest send` and the daily run inside `serve`.

Each digest is a message of kind `digest` with one email notification, stored in the outbox, so
the notification worker sends it with the usual retries and delivery tracking. Its id
(`dig_<day>_<employee>`) is the record that it was sent: a second run the same day — a rerun, a
restart, a second `serve` replica — finds it and queues nothing, so each employee gets at most
one digest per day. Employees with nothing to report, or without an email address, get none.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from switchboard.domain.digest import (
    collect,
    day_window,
    digest_message,
    digest_notification,
    due_day,
)
from switchboard.domain.directory import Directory
from switchboard.domain.messages import Message
from switchboard.logs import get_logger
from switchboard.ports.clock import Clock
from switchboard.ports.messages import DigestSources
from switchboard.ports.outbox import MessageOutbox

log = get_logger(__name__)

CHECK_EVERY = timedelta(minutes=10)
CALL_OVERLAP = timedelta(
    hours=2
)  # calls started this long before the day may still ring in it  # how often `serve` looks whether today's digest is due


@dataclass
class DigestReport:
    day: date
    queued: list[Message] = field(default_factory=list)  # (dry run: would be queued)
    already: list[str] = field(default_factory=list)  # employee ids that had this day's digest
    no_email: list[str] = field(default_factory=list)  # employee ids with something but no email


async def send_digests(
    day: date,
    directory: Directory,
    sources: DigestSources,
    outbox: MessageOutbox,
    clock: Clock,
    *,
    dry_run: bool = False,
) -> DigestReport:
    """Queue `day`'s digest for every employee who has one due; see the module docstring."""
    start, _ = day_window(day, directory.company.timezone)
    calls = await sources.calls_since(start - CALL_OVERLAP)  # a call may start before midnight
    stored = await sources.messages_since(start)
    report = DigestReport(day)
    now = clock.now()
    for digest in collect(directory, day, calls, stored):
        employee = digest.employee
        if employee.email is None:
            report.no_email.append(employee.id)
            continue
        message = digest_message(digest, directory.company.timezone, now)
        if await outbox.notifications_of(message.id):
            report.already.append(employee.id)
            continue
        if not dry_run:
            try:
                await outbox.add(message, [digest_notification(message, employee, now)])
            except Exception:
                # Another run stored it between our check and our write (the id is the key):
                # it is sent once; anything else is a real failure.
                if not await outbox.notifications_of(message.id):
                    raise
                report.already.append(employee.id)
                continue
        report.queued.append(message)
    return report


async def digest_daily(
    run: Callable[[date], Awaitable[DigestReport]],
    directory: Callable[[], Awaitable[Directory]],
    clock: Clock,
    hour: int,
    stop: asyncio.Event,
    *,
    every: timedelta = CHECK_EVERY,
) -> int:
    """Inside `serve`: every `every`, send yesterday's digests once the company's local time has
    reached `hour` (DIGEST_HOUR). Safe to repeat (see `send_digests`); a failure is logged and
    tried again at the next check. Returns how many checks ran."""
    checks = 0
    while not stop.is_set():
        try:
            found = await directory()
            day = due_day(clock.now(), found.company.timezone, hour)
            if day is not None:
                report = await run(day)
                if report.queued:
                    log.info("digest.queued", day=str(day), count=len(report.queued))
        except Exception:  # a database outage must not end serve; the next check retries
            log.exception("digest.failed")
        checks += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every.total_seconds())
    return checks
