"""Calendars: where an employee's busy times come from, and what "in a meeting" means.

Pure. An employee's `calendar:` in the directory file names an ICS URL or a CalDAV calendar
(docs/calendars.md). The busy times are fetched in the background (services/calendars.py); a
call only reads what was fetched. The agent may say when the person is free again ("back around
3 PM"), never what the meeting is: a `BusyInterval` carries no title, location or attendees.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from switchboard.domain.errors import InvalidInput

ROUND_TO_MINUTES = 15  # "back around" is said to the next quarter hour
# Busy chains longer than this are not "a meeting": the agent says no back time.
LONGEST_MEETING = timedelta(hours=12)


class CalendarConfigError(InvalidInput, ValueError):
    """A `calendar:` entry that cannot be used (message names the key)."""


@dataclass(frozen=True, slots=True)
class CalendarConfig:
    """One employee's calendar: exactly one of `ics` (an http(s) URL) or `caldav` (a calendar
    collection URL, with a username and the *name* of the environment variable holding the
    password: a password is never stored in the directory)."""

    ics: str | None = None
    caldav: str | None = None
    username: str | None = None
    password_env: str | None = None

    def __post_init__(self) -> None:
        if (self.ics is None) == (self.caldav is None):
            raise CalendarConfigError("calendar: give exactly one of ics or caldav")
        url = self.ics or self.caldav or ""
        if not url.startswith(("http://", "https://")):
            raise CalendarConfigError(f"calendar: {url!r} must be an http:// or https:// URL")
        if self.password_env is not None and not _env_name(self.password_env):
            raise CalendarConfigError(
                f"calendar.caldav.password_env: {self.password_env!r} is not an environment "
                "variable name (the password itself never goes in the directory file)"
            )

    @property
    def kind(self) -> str:
        return "ics" if self.ics else "caldav"

    def as_mapping(self) -> dict[str, object]:
        """The directory-file form."""
        if self.ics:
            return {"ics": self.ics}
        caldav: dict[str, object] = {"url": self.caldav}
        if self.username:
            caldav["username"] = self.username
        if self.password_env:
            caldav["password_env"] = self.password_env
        return {"caldav": caldav}


def _env_name(text: str) -> bool:
    return (
        bool(text)
        and (text[0].isalpha() or text[0] == "_")
        and all(c.isalnum() or c == "_" for c in text)
    )


@dataclass(frozen=True, slots=True, order=True)
class BusyInterval:
    """A busy time, from `start` up to, but not including, `end` (both aware)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("busy intervals need aware datetimes")


def merge(intervals: Iterable[BusyInterval]) -> tuple[BusyInterval, ...]:
    """Sorted, with overlapping and back-to-back intervals joined; empty ones dropped."""
    out: list[BusyInterval] = []
    for item in sorted(i for i in intervals if i.end > i.start):
        if out and item.start <= out[-1].end:
            if item.end > out[-1].end:
                out[-1] = BusyInterval(out[-1].start, item.end)
        else:
            out.append(item)
    return tuple(out)


def busy_until(intervals: Iterable[BusyInterval], at: datetime) -> datetime | None:
    """When the meeting under way at `at` ends (back-to-back meetings count as one), or None
    when `at` is free. Runs past LONGEST_MEETING (a blocked-out day) return the end anyway;
    `back_around` declines to put those into words."""
    if at.tzinfo is None:
        raise ValueError("`at` must be timezone-aware")
    for item in merge(intervals):
        if item.start <= at < item.end:
            return item.end
    return None


def back_around(until: datetime, at: datetime, timezone: str) -> str | None:
    """ "3 PM", "3:15 PM", "tomorrow at 9 AM": the end of the meeting rounded up to the quarter
    hour, in the company's time zone; None for a busy run longer than LONGEST_MEETING."""
    if until - at > LONGEST_MEETING:
        return None
    zone = ZoneInfo(timezone)
    local = until.astimezone(zone)
    minutes = local.hour * 60 + local.minute + (1 if local.second or local.microsecond else 0)
    rounded = math.ceil(minutes / ROUND_TO_MINUTES) * ROUND_TO_MINUTES
    day = local.date() + timedelta(days=rounded // (24 * 60))
    rounded %= 24 * 60
    clock = time(rounded // 60, rounded % 60)
    hour = clock.hour % 12 or 12
    suffix = "AM" if clock.hour < 12 else "PM"
    spoken = f"{hour} {suffix}" if clock.minute == 0 else f"{hour}:{clock.minute:02d} {suffix}"
    if day != at.astimezone(zone).date():
        return f"tomorrow at {spoken}"
    return spoken


def window(at: datetime, *, days: int = 2) -> tuple[datetime, datetime]:
    """The span fetched from a calendar around `at`: from a day before (a meeting that started
    yesterday) to `days` ahead, in UTC."""
    at = at.astimezone(UTC)
    return at - timedelta(days=1), at + timedelta(days=days)
