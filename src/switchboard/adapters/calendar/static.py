"""A calendar source with fixed busy times per employee: `switchboard simulate` and tests.

It models what the cache relies on from a real source: busy times for a window, or a
CalendarFetchError when the server is down (`down` set for the employee).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from switchboard.domain.calendar import BusyInterval, CalendarConfig
from switchboard.ports.calendar import CalendarFetchError


class StaticCalendarSource:
    def __init__(self, busy: Mapping[str, Iterable[BusyInterval]] | None = None) -> None:
        self.busy = {k: tuple(v) for k, v in (busy or {}).items()}
        self.down: set[str] = set()
        self.fetches: list[str] = []

    async def fetch(
        self, employee_id: str, config: CalendarConfig, start: datetime, end: datetime, *,
        timezone: str,
    ) -> list[BusyInterval]:  # fmt: skip
        self.fetches.append(employee_id)
        if employee_id in self.down:
            raise CalendarFetchError("calendar server unreachable (simulated)")
        return [b for b in self.busy.get(employee_id, ()) if b.end > start and b.start < end]
