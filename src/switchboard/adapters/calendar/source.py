"""The real calendar source: ICS URLs over httpx, CalDAV through the caldav library."""

from __future__ import annotations

from datetime import datetime

import httpx

from switchboard.adapters.calendar.caldav import fetch_caldav
from switchboard.adapters.calendar.ics import fetch_ics
from switchboard.domain.calendar import BusyInterval, CalendarConfig


class CalendarFetcher:
    """`CalendarSource` for employees' real calendars. Close it with `aclose()`."""

    def __init__(self, *, timeout: float = 10.0) -> None:
        self.timeout = timeout
        self._http = httpx.AsyncClient(timeout=timeout, headers={"Accept": "text/calendar"})

    async def fetch(
        self, employee_id: str, config: CalendarConfig, start: datetime, end: datetime, *,
        timezone: str,
    ) -> list[BusyInterval]:  # fmt: skip
        if config.ics:
            return await fetch_ics(self._http, config.ics, start, end, timezone=timezone)
        return await fetch_caldav(config, start, end, timezone=timezone, seconds=self.timeout)

    async def aclose(self) -> None:
        await self._http.aclose()
