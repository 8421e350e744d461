"""Employees' busy times, cached: fetched in the background, read by calls without waiting.

    cache = CalendarCache(source, clock, ttl=300)
    await cache.refresh(directory)         # before calls arrive (worker prewarm), bounded
    cache.refresh_if_stale(directory)      # at a call's start: starts one background fetch, at most
    cache.busy("dana")                     # the call path: only reads
    await cache.aclose()                   # with the process: the background fetch is cancelled

A failed fetch keeps the last busy times (stale beats nothing: a meeting is still a meeting) and
logs `calendar.fetch_failed` with the employee id; the next refresh tries again. Every fetch is
bounded by `timeout`, so a hung server never holds anything up, and the call path never awaits one.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from switchboard.domain.calendar import BusyInterval, merge, window
from switchboard.domain.directory import Directory, Employee
from switchboard.logs import get_logger
from switchboard.ports.calendar import CalendarFetchError, CalendarSource
from switchboard.ports.clock import Clock

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """What the cache knows about one employee's calendar."""

    busy: tuple[BusyInterval, ...]
    fetched_at: datetime  # the last successful fetch
    failed_at: datetime | None = None  # the last failed fetch since then, if any
    error: str | None = None


class CalendarCache:
    def __init__(
        self, source: CalendarSource, clock: Clock, *, ttl: float = 300.0, timeout: float = 10.0
    ) -> None:
        self.source = source
        self.clock = clock
        self.ttl = timedelta(seconds=ttl)
        self.timeout = timeout
        self.entries: dict[str, CalendarEntry] = {}
        self._last_refresh: datetime | None = None
        self._task: asyncio.Task[None] | None = None

    # --- the call path: reads only -------------------------------------------------------------

    def busy(self, employee_id: str) -> tuple[BusyInterval, ...] | None:
        """The busy times last fetched for `employee_id` (stale or not); None when never fetched."""
        entry = self.entries.get(employee_id)
        return entry.busy if entry is not None else None

    def is_stale(self) -> bool:
        return self._last_refresh is None or self.clock.now() - self._last_refresh >= self.ttl

    def refresh_if_stale(self, directory: Directory) -> None:
        """Start one background refresh when the data is older than the TTL and none is running.
        Never waits for it."""
        if not self.is_stale() or (self._task is not None and not self._task.done()):
            return
        self._task = asyncio.get_running_loop().create_task(
            self._quiet_refresh(directory), name="calendar-refresh"
        )

    def seed(self, entries: dict[str, CalendarEntry], refreshed_at: datetime | None) -> None:
        """Start from what another cache fetched (the worker's prewarm, in another event loop)."""
        self.entries.update(entries)
        self._last_refresh = refreshed_at

    @property
    def refreshed_at(self) -> datetime | None:
        return self._last_refresh

    # --- fetching --------------------------------------------------------------------------------

    async def refresh(self, directory: Directory) -> dict[str, bool]:
        """Fetch every employee's calendar at once, each bounded by `timeout`; {employee id:
        fetched}. A failure keeps the stale busy times and is logged; it never raises."""
        people = [e for e in directory.employees if e.calendar is not None]
        self._last_refresh = self.clock.now()
        start, end = window(self._last_refresh)
        results = await asyncio.gather(
            *(self._one(e, start, end, directory.company.timezone) for e in people)
        )
        known = {e.id for e in people}
        for gone in set(self.entries) - known:  # removed from the directory, or lost its calendar
            del self.entries[gone]
        return dict(zip((e.id for e in people), results, strict=True))

    async def _one(self, employee: Employee, start: datetime, end: datetime, zone: str) -> bool:
        assert employee.calendar is not None
        try:
            async with asyncio.timeout(self.timeout):
                busy = await self.source.fetch(
                    employee.id, employee.calendar, start, end, timezone=zone
                )
        except (CalendarFetchError, TimeoutError) as exc:
            reason = str(exc) or f"no answer within {self.timeout:g} seconds"
            self._failed(employee.id, reason)
            return False
        self.entries[employee.id] = CalendarEntry(merge(busy), self.clock.now())
        return True

    def _failed(self, employee_id: str, reason: str) -> None:
        entry = self.entries.get(employee_id)
        log.warning(
            "calendar.fetch_failed",
            employee_id=employee_id,
            error=reason,
            using_stale=entry is not None,
            stale_since=entry.fetched_at.isoformat() if entry else None,
        )
        if entry is not None:
            self.entries[employee_id] = CalendarEntry(
                entry.busy, entry.fetched_at, self.clock.now(), reason
            )

    async def _quiet_refresh(self, directory: Directory) -> None:
        try:
            await self.refresh(directory)
        except Exception:  # a bug here must never reach a call
            log.exception("calendar.refresh_crashed")

    async def aclose(self) -> None:
        """Cancel a background refresh still running (the process is going away)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None
        closer = getattr(self.source, "aclose", None)
        if closer is not None:
            await closer()
