"""Calendar sources: CalDAV (`caldav`, run in a thread), ICS URLs (`httpx`), and the static source
the simulator uses. `icalendar` + `recurring-ical-events` read both real formats
(`ical.busy_from_ics`)."""

from switchboard.adapters.calendar.source import CalendarFetcher
from switchboard.adapters.calendar.static import StaticCalendarSource

__all__ = ["CalendarFetcher", "StaticCalendarSource"]
