"""Busy times from iCalendar text, with recurring events expanded (`recurring-ical-events`) and
time zones honoured (each event's TZID, UTC, or floating times in the company's zone).

What counts as busy: every VEVENT that is not cancelled and not marked free (TRANSP:TRANSPARENT).
All-day events cover their whole days in the company's time zone. Nothing but the start and end
is kept: titles, locations and attendees are never read into a BusyInterval.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from switchboard.domain.calendar import BusyInterval
from switchboard.ports.calendar import CalendarFetchError


def busy_from_ics(
    text: str | bytes, start: datetime, end: datetime, *, timezone: str
) -> list[BusyInterval]:
    """Busy intervals overlapping [start, end) in one or more VCALENDAR texts."""
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except ValueError as exc:
        raise CalendarFetchError(f"not valid iCalendar data: {exc}") from None
    zone = ZoneInfo(timezone)
    found: list[BusyInterval] = []
    for calendar in calendars:
        try:
            events = recurring_ical_events.of(calendar).between(start, end)
        except Exception as exc:  # the library raises several types for malformed rules
            raise CalendarFetchError(f"cannot expand the calendar's events: {exc}") from None
        for event in events:
            interval = _interval(event, zone)
            if interval is not None and interval.end > start and interval.start < end:
                found.append(interval)
    return found


def _interval(event: icalendar.cal.Component, zone: ZoneInfo) -> BusyInterval | None:
    if event.name != "VEVENT":
        return None
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None
    if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
        return None
    begin = event.get("DTSTART")
    if begin is None:
        return None
    first = begin.dt
    if event.get("DTEND") is not None:
        last = event["DTEND"].dt
    elif event.get("DURATION") is not None:
        last = first + event["DURATION"].dt
    else:  # RFC 5545 3.6.1: a date lasts one day, a date-time no time at all
        last = first + timedelta(days=1) if not isinstance(first, datetime) else first
    return BusyInterval(_aware(first, zone), _aware(last, zone))


def _aware(value: date | datetime, zone: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):
        return datetime.combine(value, time(0), zone).astimezone(UTC)
    if value.tzinfo is None:  # floating time: the company's wall clock
        return value.replace(tzinfo=zone).astimezone(UTC)
    return value.astimezone(UTC)
