"""The composition root: where the application and every call are wired from `Settings`.

`bootstrap(settings)` opens storage and builds the `Application` every entrypoint receives: the
CLI (`run_with_app`), the agent worker (one per call) and `switchboard call`. Every collaborator
can be passed in instead (storage, clock, brain, resolver cache), so tests and the simulator wire
fakes through this same code. `call_factory` is the call wiring: a real call, `switchboard call`
and `switchboard simulate` all build their calls with it, so a simulated call exercises the wiring
a real call uses.

The package holds the rest of the wiring from settings: `bootstrap.messages` builds the
notification senders, the notification worker and the webhook service for `serve` and `worker`.
Two things are built elsewhere, by design: each call's phone line, by whoever holds the call
(LiveKit telephony and media in the agent worker, the simulated network in a local call), handed
to `CallParts.connect`; and the provider clients of the one-shot commands (setup, doctor,
diagnostics), opened and closed by the command that reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from livekit.agents import llm

from switchboard.adapters.brain.offline import OfflineBrain
from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.adapters.sqlalchemy.caller_memory import SqlAlchemyCallerMemory
from switchboard.adapters.sqlalchemy.message_outbox import SqlAlchemyMessageOutbox
from switchboard.domain.availability import describe_hours
from switchboard.domain.calls import CallContext
from switchboard.domain.directory import Directory
from switchboard.logs import configure_logging
from switchboard.ports.clock import Clock, SystemClock
from switchboard.ports.repositories import UnitOfWork
from switchboard.services.calendars import CalendarCache
from switchboard.services.calls import CallFactory, CallPolicy, ResolverCache
from switchboard.settings import Settings


@dataclass
class Application:
    """Long-lived collaborators shared by every entrypoint (CLI, web server, agent worker)."""

    settings: Settings
    storage: Storage
    calls: CallFactory  # every call's parts (see `call_factory`)
    clock: Clock = field(default_factory=SystemClock)
    owns_calendars: bool = False  # built here (closed here), not handed in by the worker

    def unit_of_work(self) -> UnitOfWork:
        return self.storage.unit_of_work()

    async def close(self) -> None:
        if self.owns_calendars and self.calls.calendars is not None:
            await self.calls.calendars.aclose()
        await self.storage.dispose()


async def bootstrap(
    settings: Settings,
    *,
    configure_logs: bool = True,
    migrate: bool = True,
    storage: Storage | None = None,
    clock: Clock | None = None,
    brain: llm.LLM[Any] | None = None,
    resolvers: ResolverCache | None = None,
    calendars: CalendarCache | None = None,
) -> Application:
    """Open storage (applying migrations unless `migrate=False`) and wire the application.
    `brain` is the hosted LLM every call uses (None: each call gets the offline brain).
    `calendars` is a calendar cache that outlives this application (the worker's, warmed before
    calls arrive); without one, one is built here and closed with the application."""
    if configure_logs:
        configure_logging(settings.log_level, settings.log_format)
    if storage is None:
        storage = await open_storage(settings.effective_database_url, migrate=migrate)
    clock = clock or SystemClock()
    owned = calendars is None
    calendars = calendars or calendar_cache(settings, clock)
    calls = call_factory(
        storage, CallPolicy.from_settings(settings), clock=clock, brain=brain, resolvers=resolvers,
        calendars=calendars,
    )  # fmt: skip
    return Application(
        settings=settings, storage=storage, clock=clock, calls=calls,
        owns_calendars=owned and calendars is not None,
    )  # fmt: skip


def calendar_cache(settings: Settings, clock: Clock) -> CalendarCache | None:
    """The cache of employees' busy times over their real calendars (CalDAV, ICS), or None when
    the `calendars` extra is not installed (then nobody is ever "in a meeting")."""
    try:
        from switchboard.adapters.calendar.source import CalendarFetcher
    except ImportError:
        return None
    fetcher = CalendarFetcher(timeout=settings.calendar_fetch_timeout)
    return CalendarCache(
        fetcher, clock, ttl=settings.calendar_refresh_seconds,
        timeout=settings.calendar_fetch_timeout,
    )  # fmt: skip


def call_factory(
    storage: Storage,
    policy: CallPolicy | None = None,
    *,
    clock: Clock | None = None,
    brain: llm.LLM[Any] | None = None,
    resolvers: ResolverCache | None = None,
    calendars: CalendarCache | None = None,
) -> CallFactory:
    """The call wiring on `storage`: messages go to its outbox, records to its calls table,
    returning callers to its caller memory."""
    return CallFactory(
        unit_of_work=storage.unit_of_work,
        outbox=SqlAlchemyMessageOutbox(storage.engine),
        clock=clock or SystemClock(),
        offline_brain=offline_brain,
        policy=policy or CallPolicy(),
        brain=brain,
        resolvers=resolvers or ResolverCache(),
        caller_memory=SqlAlchemyCallerMemory(storage.engine),
        calendars=calendars,
        read_unit_of_work=storage.reading_unit_of_work,
    )


def offline_brain(directory: Directory, call: CallContext, default_region: str) -> llm.LLM[Any]:
    """The rules brain for this company and this caller (no model, no network)."""
    company = directory.company
    return OfflineBrain(
        company,
        hours=describe_hours(company),
        caller_number=call.caller_number,
        default_region=default_region,
    )
