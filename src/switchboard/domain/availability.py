"""Business hours and who can be reached now. Computed, never guessed by a model.

Hours are evaluated in the company's time zone and run from opening up to, but not including,
closing. Listed holidays are closed all day, for everyone, every department included.

Whose hours: a department with hours of its own keeps them instead of the company's
(`department_profile`); an employee with hours of their own keeps theirs, one without works their
department's when it has some, else the company's (`working_employee`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from switchboard.domain.directory import (
    END_OF_DAY,
    CompanyProfile,
    Department,
    Directory,
    Employee,
    EmployeeStatus,
    TimeRange,
    WeeklyHours,
)

SEARCH_DAYS = 14
_MINUTE = timedelta(minutes=1)
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class ReachabilityReason(StrEnum):
    AVAILABLE = "available"
    COMPANY_CLOSED = "company_closed"
    HOLIDAY = "holiday"
    OUT_OF_OFFICE = "out_of_office"
    DND = "dnd"
    OUTSIDE_OWN_HOURS = "outside_own_hours"
    IN_MEETING = "in_meeting"  # from the employee's calendar (domain/calendar/availability.py)
    CALLER_UNVERIFIED = "caller_unverified"  # screening: message only (domain/screening.py)


@dataclass(frozen=True, slots=True)
class Reachability:
    reachable: bool
    reason: ReachabilityReason
    caller_message: str  # safe to say to the caller: never a number or an address


def _local(company: CompanyProfile, at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("`at` must be timezone-aware (naive datetimes are ambiguous)")
    return at.astimezone(ZoneInfo(company.timezone))


def is_holiday(company: CompanyProfile, at: datetime) -> bool:
    """True when `at` falls on a listed holiday (in the company's time zone)."""
    return _local(company, at).date() in company.holidays


def is_open(company: CompanyProfile, at: datetime) -> bool:
    """True when the company is open at the aware moment `at`."""
    local = _local(company, at)
    if local.date() in company.holidays:
        return False
    now = local.time()
    return any(r.contains(now) for r in company.hours.on(local.weekday()))


def department_profile(company: CompanyProfile, department: Department) -> CompanyProfile:
    """The profile whose hours apply to `department`: the company's with the department's own
    hours in place of its own, when it has some. Time zone and holidays stay the company's."""
    if department.hours is None:
        return company
    return replace(company, hours=department.hours)


def department_open(company: CompanyProfile, department: Department, at: datetime) -> bool:
    """True when `department` takes calls at `at`: its own hours, else the company's; closed on
    the company's holidays either way."""
    return is_open(department_profile(company, department), at)


def working_hours(
    directory: Directory, employee: Employee, department: Department | None = None
) -> WeeklyHours | None:
    """The hours `employee` works: their own; else those of `department` (a ring group's, when
    given) or of their own department; None: the company's."""
    if employee.hours is not None:
        return employee.hours
    if department is None and employee.department is not None:
        department = directory.department(employee.department)
    return department.hours if department is not None else None


def working_employee(
    directory: Directory, employee: Employee, department: Department | None = None
) -> Employee:
    """`employee` as availability judges them: with the hours they work (`working_hours`) as their
    own. The same object when nothing changes; never stored or shown."""
    hours = working_hours(directory, employee, department)
    return employee if hours is employee.hours else replace(employee, hours=hours)


def next_opening(company: CompanyProfile, at: datetime) -> datetime | None:
    """The first moment at or after `at` when the company is open, within 14 days; else None.

    Returned in the company's time zone. An opening time that does not exist on a DST change
    day (the clock jumps over it) becomes the first real moment after the jump. The second pass
    through a repeated hour (clocks going back) is not reported as a new opening.
    """
    local = _local(company, at)
    if is_open(company, at):
        return local
    # Compare instants in UTC: aware datetimes sharing one tzinfo compare by wall time.
    at = at.astimezone(UTC)
    limit = at + timedelta(days=SEARCH_DAYS)
    for offset in range(SEARCH_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        if day in company.holidays:
            continue
        for r in sorted(company.hours.on(day.weekday()), key=lambda r: r.start):
            opening = _first_moment(company, day, r.start, at)
            if at < opening.astimezone(UTC) <= limit:
                return opening
    return None


def _first_moment(company: CompanyProfile, day: date, start: time, at: datetime) -> datetime:
    """The instant the wall clock first shows `start` (or later) on `day`."""
    zone = ZoneInfo(company.timezone)
    opening = datetime.combine(day, start, zone).astimezone(UTC)
    if opening.astimezone(zone).replace(tzinfo=None) != datetime.combine(day, start):
        # `start` falls in a DST gap: the clock jumps past it, so the opening is the jump itself.
        while opening - _MINUTE > at and is_open(company, opening - _MINUTE):
            opening -= _MINUTE
    return opening.astimezone(zone)


def reachability(employee: Employee, company: CompanyProfile, at: datetime) -> Reachability:
    """Whether the agent may try to transfer to `employee` now, and what to tell the caller.

    Status comes first (out_of_office, dnd), then holidays, then hours: the employee's own hours
    when set, otherwise the company's. `busy` is presence only and stays reachable.
    """
    first = employee.name.split()[0] if employee.name.split() else employee.name
    _local(company, at)  # validates `at` for every path
    if employee.status is EmployeeStatus.OUT_OF_OFFICE:
        return _no(
            ReachabilityReason.OUT_OF_OFFICE,
            f"{first} is out of the office today. I can take a message.",
        )
    if employee.status is EmployeeStatus.DND:
        return _no(
            ReachabilityReason.DND, f"{first} isn't taking calls right now. I can take a message."
        )
    if is_holiday(company, at):
        return _no(
            ReachabilityReason.HOLIDAY,
            f"We're closed today for a holiday. I can take a message for {first}.",
        )
    if employee.hours is not None:
        own = replace(company, hours=employee.hours)
        if not is_open(own, at):
            back = _when(own, at)
            return _no(
                ReachabilityReason.OUTSIDE_OWN_HOURS,
                f"{first} isn't in right now{back}. I can take a message.",
            )
    elif not is_open(company, at):
        back = _when(company, at)
        return _no(
            ReachabilityReason.COMPANY_CLOSED,
            f"We're closed right now{back}. I can take a message for {first}.",
        )
    return Reachability(True, ReachabilityReason.AVAILABLE, f"Let me see if {first} is available.")


def _no(reason: ReachabilityReason, message: str) -> Reachability:
    return Reachability(False, reason, message)


def closed_until(company: CompanyProfile, at: datetime) -> str:
    """ "; back tomorrow at 8:30 AM": when `company` (or a department's profile) next opens, as a
    suffix for "... is closed right now"; empty when it does not open within 14 days."""
    return _when(company, at)


def _when(company: CompanyProfile, at: datetime) -> str:
    """ "; back tomorrow at 8:30 AM" style suffix; empty when there is no opening soon."""
    opening = next_opening(company, at)
    if opening is None:
        return ""
    today = _local(company, at).date()
    return f"; back {_day_phrase(opening.date(), today)} at {spoken_time(opening.time())}"


def _day_phrase(day: date, today: date) -> str:
    ahead = (day - today).days
    if ahead <= 1:
        return "today" if ahead == 0 else "tomorrow"
    name = _DAY_NAMES[day.weekday()]
    return f"on {name}" if ahead < 7 else f"on {name} the {_ordinal(day.day)}"


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def spoken_time(t: time) -> str:
    """8:30 AM, 9 AM, 12 PM: how a receptionist says a clock time ("midnight" for a range's
    24:00 end)."""
    if t == END_OF_DAY:
        return "midnight"
    hour = t.hour % 12 or 12
    suffix = "AM" if t.hour < 12 else "PM"
    return f"{hour} {suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d} {suffix}"


def describe_hours(company: CompanyProfile) -> str:
    """The weekly hours as spoken text, consecutive days with equal hours grouped:
    "Monday to Friday, 8:30 AM to 5:30 PM; closed Saturday and Sunday"."""
    return describe_weekly(company.hours)


def describe_department_hours(department: Department) -> str | None:
    """A department's own hours as spoken text; None when it keeps the company's."""
    return describe_weekly(department.hours) if department.hours is not None else None


def describe_weekly(hours: WeeklyHours) -> str:
    """`describe_hours` for any weekly hours ("open every day, 24 hours" for 00:00-24:00)."""
    groups: list[tuple[int, int, tuple[TimeRange, ...]]] = []
    for day in range(7):
        ranges = hours.on(day)
        if groups and groups[-1][2] == ranges:
            groups[-1] = (groups[-1][0], day, ranges)
        else:
            groups.append((day, day, ranges))
    if len(groups) == 1:
        ranges = groups[0][2]
        return f"open every day, {_ranges_text(ranges)}" if ranges else "closed every day"
    parts = []
    for first, last, ranges in groups:
        days = _days_text(first, last)
        parts.append(f"{days}, {_ranges_text(ranges)}" if ranges else f"closed {days}")
    return "; ".join(parts)


def _days_text(first: int, last: int) -> str:
    if first == last:
        return _DAY_NAMES[first]
    joiner = " and " if last == first + 1 else " to "
    return f"{_DAY_NAMES[first]}{joiner}{_DAY_NAMES[last]}"


def _ranges_text(ranges: tuple[TimeRange, ...]) -> str:
    ordered = sorted(ranges, key=lambda r: r.start)
    if len(ordered) == 1 and ordered[0].start == time(0) and ordered[0].end == END_OF_DAY:
        return "24 hours"
    return " and ".join(f"{spoken_time(r.start)} to {spoken_time(r.end)}" for r in ordered)
