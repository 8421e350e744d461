"""Availability with calendars: an employee who is in a meeting is treated like do-not-disturb
(nothing is dialled; a message is offered), and the caller may hear when they are back. Pure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from switchboard.domain.availability import Reachability, ReachabilityReason, reachability
from switchboard.domain.calendar import BusyInterval, back_around, busy_until
from switchboard.domain.directory import CompanyProfile, Employee

# employee id -> the busy times the cache holds for them (None: no calendar or nothing fetched)
BusyLookup = Callable[[str], tuple[BusyInterval, ...] | None]
ReachabilityFn = Callable[[Employee, CompanyProfile, datetime], Reachability]


def in_meeting(
    employee: Employee, company: CompanyProfile, at: datetime, busy: tuple[BusyInterval, ...]
) -> Reachability | None:
    """The "in a meeting" answer when `busy` says the employee is in one at `at`, else None.
    Only when the back time is said is it a time; the meeting itself is never described."""
    until = busy_until(busy, at)
    if until is None:
        return None
    first = employee.name.split()[0] if employee.name.split() else employee.name
    back = back_around(until, at, company.timezone)
    when = f", back around {back}" if back else ""
    return Reachability(
        False,
        ReachabilityReason.IN_MEETING,
        f"{first} is in a meeting right now{when}. I can take a message.",
    )


def with_calendars(busy: BusyLookup, base: ReachabilityFn = reachability) -> ReachabilityFn:
    """`base` (status, holidays, hours), then the calendar: a reachable employee who is in a
    meeting now is not reachable. The directory's reasons come first ("out of the office" is
    said rather than a meeting)."""

    def check(employee: Employee, company: CompanyProfile, at: datetime) -> Reachability:
        answer = base(employee, company, at)
        if not answer.reachable:
            return answer
        intervals = busy(employee.id)
        if not intervals:
            return answer
        return in_meeting(employee, company, at, intervals) or answer

    return check
