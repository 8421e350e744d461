"""Where busy times come from: a calendar source (CalDAV, an ICS URL, or the simulator's fake)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from switchboard.domain.calendar import BusyInterval, CalendarConfig
from switchboard.domain.errors import SwitchboardError


class CalendarFetchError(SwitchboardError):
    """A calendar could not be fetched or read; the message never holds a password."""


class CalendarSource(Protocol):
    async def fetch(
        self, employee_id: str, config: CalendarConfig, start: datetime, end: datetime, *,
        timezone: str,
    ) -> list[BusyInterval]:  # fmt: skip
        """The busy times overlapping [start, end). `timezone` places all-day events and
        floating times (the company's). Raises CalendarFetchError; never blocks the loop."""
        ...
