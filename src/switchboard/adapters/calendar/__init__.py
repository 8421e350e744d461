"""Calendar sources: CalDAV (`caldav`, run in a thread) and ICS URLs (`httpx`) in `source`, read
with `icalendar` + `recurring-ical-events` (`ical`), all from the `calendars` extra; and the
static source the simulator uses (`static`, no extra needed). Import the submodules directly."""
