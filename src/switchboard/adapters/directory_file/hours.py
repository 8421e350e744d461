"""Opening hours in file form: "08:30-17:30", "08:00-12:00,13:00-17:00", "closed", per weekday.

"24:00" may end a range (up to midnight): "00:00-24:00" is the whole day.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from datetime import time

from switchboard.domain.directory import END_OF_DAY, WEEKDAYS, TimeRange, WeeklyHours

from .errors import FieldError

_CLOSED = {"closed", "off", "none", ""}


def _text(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldError(f"must be text like 08:30-17:30, not {type(value).__name__}")
    return str(value).strip()


def day_ranges(value: object) -> tuple[TimeRange, ...]:
    """ "08:30-17:30", "08:00-12:00,13:00-17:00" or "closed" (also empty, null or false)."""
    if value is None or value is False:
        return ()
    raw = _text(value)
    if raw.lower() in _CLOSED:
        return ()
    ranges = sorted((_time_range(part) for part in raw.split(",")), key=lambda r: r.start)
    for before, after in itertools.pairwise(ranges):
        if after.start < before.end:
            raise FieldError(f"ranges {before} and {after} overlap")
    return tuple(ranges)


def _time_range(part: str) -> TimeRange:
    start, sep, end = part.strip().partition("-")
    if not sep:
        raise FieldError(f"{part.strip()!r} is not a time range like 08:30-17:30")
    result = TimeRange(_clock(start), END_OF_DAY if end.strip() == "24:00" else _clock(end))
    if not result.start < result.end:
        raise FieldError(f"{part.strip()!r}: the start must be before the end")
    return result


def _clock(raw: str) -> time:
    if not re.fullmatch(r"\d{1,2}:\d{2}", raw.strip()):
        raise FieldError(f"{raw.strip()!r} is not a time like 08:30")
    hour, minute = (int(x) for x in raw.strip().split(":"))
    if hour > 23 or minute > 59:
        raise FieldError(
            f"{raw.strip()!r} is not a time of day (00:00 to 23:59; 24:00 only ends a range)"
        )
    return time(hour, minute)


def weekly_hours(value: object) -> WeeklyHours:
    """A mapping {mon: "08:30-17:30", ...} or the text form "mon=08:30-17:30; sat=closed".

    The text form also takes day spans ("mon-fri=08:30-17:30"). A missing weekday is closed.
    """
    if isinstance(value, str):
        value = _hours_text(value)
    if not isinstance(value, Mapping):
        raise FieldError("must be a mapping of weekdays (mon..sun) to hours")
    days: dict[str, tuple[TimeRange, ...]] = {}
    errors: list[str] = []  # every bad day at once, so one import shows them all
    for key, ranges in value.items():
        day = str(key).strip().lower()[:3]
        if day not in WEEKDAYS or str(key).strip().lower() not in (day, _LONG_DAYS[day]):
            errors.append(f"unknown weekday {key!r} (use mon, tue, wed, thu, fri, sat, sun)")
            continue
        try:
            days[day] = day_ranges(ranges)
        except FieldError as exc:
            errors.append(f"{day}: {exc}")
    if errors:
        raise FieldError("; ".join(errors))
    return WeeklyHours(tuple(days.get(d, ()) for d in WEEKDAYS))


def optional_weekly_hours(value: object) -> WeeklyHours | None:
    """Own hours of an employee or a department; empty means "the company's hours" (for an
    employee in a department with hours, the department's)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return weekly_hours(value)


_LONG_DAYS = dict(
    zip(
        WEEKDAYS,
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        strict=True,
    )
)


def _hours_text(raw: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in filter(None, (p.strip() for p in raw.split(";"))):
        days, sep, ranges = item.partition("=")
        if not sep:
            raise FieldError(f"{item!r} is not like mon=08:30-17:30")
        first, dash, last = days.strip().lower().partition("-")
        if dash and first in WEEKDAYS and last in WEEKDAYS:
            span = WEEKDAYS[WEEKDAYS.index(first) : WEEKDAYS.index(last) + 1]
            if not span:
                raise FieldError(f"{days.strip()!r}: the first day must come before the last")
            result.update(dict.fromkeys(span, ranges))
        else:
            result[days.strip()] = ranges
    return result


def hours_text(hours: WeeklyHours) -> str:
    """The CSV/command-line form of `weekly_hours`, every day written out."""
    return ";".join(f"{day}={value}" for day, value in hours.as_mapping().items())
