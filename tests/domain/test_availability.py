"""Business hours, next opening, reachability and spoken hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from switchboard.domain.availability import (
    ReachabilityReason,
    describe_hours,
    is_open,
    next_opening,
    reachability,
)
from switchboard.domain.directory import (
    CompanyProfile,
    Employee,
    EmployeeStatus,
    TimeRange,
    WeeklyHours,
)

CHI = ZoneInfo("America/Chicago")
NINE_TO_FIVE_30 = (TimeRange(time(8, 30), time(17, 30)),)
CLOSED: tuple[TimeRange, ...] = ()
WEEKDAYS_ONLY = WeeklyHours((NINE_TO_FIVE_30,) * 5 + (CLOSED,) * 2)
COMPANY = CompanyProfile(
    name="Acme",
    timezone="America/Chicago",
    hours=WEEKDAYS_ONLY,
    holidays=(date(2026, 12, 25), date(2027, 1, 1)),
)
PRIYA = Employee(id="priya-raman", name="Priya Raman", phone="+13125550101")


def chi(*args: int) -> datetime:
    return datetime(*args, tzinfo=CHI)  # type: ignore[misc]


# 2026-11-23 is a Monday.
@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (chi(2026, 11, 23, 8, 29, 59), False),
        (chi(2026, 11, 23, 8, 30), True),
        (chi(2026, 11, 23, 17, 29, 59), True),
        (chi(2026, 11, 23, 17, 30), False),  # the closing minute is closed
        (chi(2026, 11, 28, 12, 0), False),  # Saturday
        (chi(2026, 12, 25, 10, 0), False),  # holiday, a Friday
        (chi(2026, 12, 24, 10, 0), True),
    ],
)
def test_is_open_in_company_time(at: datetime, expected: bool) -> None:
    assert is_open(COMPANY, at) is expected


def test_is_open_converts_other_zones() -> None:
    # 15:00 UTC on a Monday in November is 09:00 in Chicago (CST, UTC-6).
    assert is_open(COMPANY, datetime(2026, 11, 23, 15, 0, tzinfo=UTC))
    assert not is_open(COMPANY, datetime(2026, 11, 23, 14, 0, tzinfo=UTC))
    # Holiday decided by the Chicago date: 03:00 UTC on the 26th is still the 25th in Chicago.
    late = CompanyProfile(
        name="x",
        timezone="America/Chicago",
        hours=WeeklyHours(((TimeRange(time(0, 0), time(23, 59)),),) * 7),
        holidays=(date(2026, 12, 25),),
    )
    assert not is_open(late, datetime(2026, 12, 26, 3, 0, tzinfo=UTC))
    assert is_open(late, datetime(2026, 12, 26, 7, 0, tzinfo=UTC))


def test_summer_time_shifts_utc_hours() -> None:
    # In July Chicago is UTC-5: 13:30 UTC is 08:30 local, open.
    assert is_open(COMPANY, datetime(2026, 7, 6, 13, 30, tzinfo=UTC))
    assert not is_open(COMPANY, datetime(2026, 7, 6, 13, 29, tzinfo=UTC))


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        is_open(COMPANY, datetime(2026, 11, 23, 10, 0))
    with pytest.raises(ValueError, match="aware"):
        next_opening(COMPANY, datetime(2026, 11, 23, 10, 0))
    with pytest.raises(ValueError, match="aware"):
        reachability(PRIYA, COMPANY, datetime(2026, 11, 23, 10, 0))


def test_next_opening() -> None:
    assert next_opening(COMPANY, chi(2026, 11, 23, 7, 0)) == chi(2026, 11, 23, 8, 30)
    assert next_opening(COMPANY, chi(2026, 11, 23, 17, 30)) == chi(2026, 11, 24, 8, 30)
    assert next_opening(COMPANY, chi(2026, 11, 27, 18, 0)) == chi(2026, 11, 30, 8, 30)  # weekend
    now = chi(2026, 11, 23, 10, 0)
    assert next_opening(COMPANY, now) == now  # already open
    # Christmas Eve evening → skip the 25th holiday and the weekend → Monday the 28th.
    assert next_opening(COMPANY, chi(2026, 12, 24, 18, 0)) == chi(2026, 12, 28, 8, 30)


def test_next_opening_returns_company_time_and_none_when_never_open() -> None:
    result = next_opening(COMPANY, datetime(2026, 11, 24, 0, 0, tzinfo=UTC))  # Mon 18:00 local
    assert result is not None
    assert result.tzinfo is not None
    assert result.utcoffset() == timedelta(hours=-6)
    assert result.replace(tzinfo=None) == datetime(2026, 11, 24, 8, 30)
    assert (
        next_opening(CompanyProfile(name="x", timezone="America/Chicago"), chi(2026, 11, 23))
        is None
    )


def test_next_opening_across_dst_gap() -> None:
    # 2027-03-14 02:00 → 03:00 in Chicago. An opening at 02:30 does not exist that day.
    early = CompanyProfile(
        name="x",
        timezone="America/Chicago",
        hours=WeeklyHours(((TimeRange(time(2, 30), time(5, 0)),),) * 7),
    )
    opening = next_opening(early, chi(2027, 3, 14, 1, 0))
    assert opening is not None
    assert opening.astimezone(UTC) == datetime(2027, 3, 14, 8, 0, tzinfo=UTC)  # 03:00 CDT
    assert is_open(early, opening)


def test_fall_back_hour_counts_both_times() -> None:
    # 2026-11-01 01:00–02:00 happens twice in Chicago; both are inside 00:30–01:45.
    night = CompanyProfile(
        name="x",
        timezone="America/Chicago",
        hours=WeeklyHours(((TimeRange(time(0, 30), time(1, 45)),),) * 7),
    )
    assert is_open(night, datetime(2026, 11, 1, 6, 30, tzinfo=UTC))  # 01:30 CDT
    assert is_open(night, datetime(2026, 11, 1, 7, 30, tzinfo=UTC))  # 01:30 CST
    assert not is_open(night, datetime(2026, 11, 1, 8, 0, tzinfo=UTC))  # 02:00 CST


def test_reachability_by_status_and_hours() -> None:
    monday = chi(2026, 11, 23, 10, 0)
    assert reachability(PRIYA, COMPANY, monday).reachable
    busy = reachability(PRIYA.with_changes(status=EmployeeStatus.BUSY), COMPANY, monday)
    assert (busy.reachable, busy.reason) == (True, ReachabilityReason.AVAILABLE)
    ooo = reachability(PRIYA.with_changes(status=EmployeeStatus.OUT_OF_OFFICE), COMPANY, monday)
    assert (ooo.reachable, ooo.reason) == (False, ReachabilityReason.OUT_OF_OFFICE)
    assert ooo.caller_message == "Priya is out of the office today. I can take a message."
    dnd = reachability(PRIYA.with_changes(status=EmployeeStatus.DND), COMPANY, monday)
    assert (dnd.reachable, dnd.reason) == (False, ReachabilityReason.DND)
    closed = reachability(PRIYA, COMPANY, chi(2026, 11, 23, 18, 0))
    assert (closed.reachable, closed.reason) == (False, ReachabilityReason.COMPANY_CLOSED)
    assert "tomorrow at 8:30 AM" in closed.caller_message
    holiday = reachability(PRIYA, COMPANY, chi(2026, 12, 25, 10, 0))
    assert (holiday.reachable, holiday.reason) == (False, ReachabilityReason.HOLIDAY)


def test_own_hours_replace_company_hours_but_not_holidays() -> None:
    saturday_only = WeeklyHours((CLOSED,) * 5 + ((TimeRange(time(9), time(13)),), CLOSED))
    weekender = PRIYA.with_changes(hours=saturday_only)
    assert reachability(weekender, COMPANY, chi(2026, 11, 28, 10, 0)).reachable
    r = reachability(weekender, COMPANY, chi(2026, 11, 23, 10, 0))
    assert (r.reachable, r.reason) == (False, ReachabilityReason.OUTSIDE_OWN_HOURS)
    assert "on Saturday at 9 AM" in r.caller_message
    assert (
        reachability(weekender, COMPANY, chi(2027, 1, 1, 10, 0)).reason
        == ReachabilityReason.HOLIDAY
    )


def test_caller_message_never_has_contact_details() -> None:
    e = PRIYA.with_changes(email="priya@x.example", sms="+13125550102")
    for status in EmployeeStatus:
        for at in (chi(2026, 11, 23, 10, 0), chi(2026, 11, 23, 20, 0), chi(2026, 12, 25, 10, 0)):
            message = reachability(e.with_changes(status=status), COMPANY, at).caller_message
            assert "555" not in message
            assert "@" not in message
            assert "Priya" in message


def test_describe_hours() -> None:
    assert describe_hours(COMPANY) == (
        "Monday to Friday, 8:30 AM to 5:30 PM; closed Saturday and Sunday"
    )
    split = (TimeRange(time(8), time(12)), TimeRange(time(13), time(17)))
    mixed = WeeklyHours((split,) * 4 + (NINE_TO_FIVE_30, (TimeRange(time(9), time(12)),), CLOSED))
    assert describe_hours(CompanyProfile(name="x", hours=mixed)) == (
        "Monday to Thursday, 8 AM to 12 PM and 1 PM to 5 PM; Friday, 8:30 AM to 5:30 PM; "
        "Saturday, 9 AM to 12 PM; closed Sunday"
    )
    assert describe_hours(CompanyProfile(name="x")) == "closed every day"
    every = WeeklyHours((NINE_TO_FIVE_30,) * 7)
    assert (
        describe_hours(CompanyProfile(name="x", hours=every))
        == "open every day, 8:30 AM to 5:30 PM"
    )
