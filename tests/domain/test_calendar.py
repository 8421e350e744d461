"""Busy times, "in a meeting", and the back time said to the caller."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from switchboard.domain.availability import ReachabilityReason, reachability
from switchboard.domain.calendar import (
    BusyInterval,
    CalendarConfig,
    CalendarConfigError,
    back_around,
    busy_until,
    merge,
)
from switchboard.domain.calendar.availability import with_calendars
from switchboard.domain.directory import (
    CompanyProfile,
    Employee,
    EmployeeStatus,
    TimeRange,
    WeeklyHours,
)

CHI = ZoneInfo("America/Chicago")
NINE_TO_FIVE = (TimeRange(datetime(2026, 1, 1, 9).time(), datetime(2026, 1, 1, 17).time()),)
COMPANY = CompanyProfile("Acme", "America/Chicago", WeeklyHours((NINE_TO_FIVE,) * 5 + ((), ())))
DANA = Employee("dana", "Dana Reyes", "+16125550101")


def at(hour: int, minute: int = 0, day: int = 24) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=CHI)


def busy(start: datetime, end: datetime) -> BusyInterval:
    return BusyInterval(start, end)


def test_back_to_back_and_overlapping_meetings_are_one_busy_run() -> None:
    meetings = [busy(at(14), at(14, 30)), busy(at(14, 30), at(15)), busy(at(14, 45), at(15, 10))]
    assert merge(meetings) == (busy(at(14), at(15, 10)),)
    assert busy_until(meetings, at(14, 5)) == at(15, 10)
    assert busy_until(meetings, at(15, 10)) is None  # the end is not included
    assert busy_until(meetings, at(13, 59)) is None


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        busy_until([], datetime(2026, 11, 24, 14))
    with pytest.raises(ValueError, match="aware"):
        BusyInterval(datetime(2026, 11, 24, 14), at(15))


@pytest.mark.parametrize(
    ("end", "said"),
    [
        (at(15), "3 PM"),
        (at(14, 50), "3 PM"),
        (at(15, 1), "3:15 PM"),
        (at(11, 45), "11:45 AM"),
        (at(12), "12 PM"),
        (at(23, 50), "tomorrow at 12 AM"),
    ],
)
def test_the_back_time_is_rounded_up_to_the_quarter_hour_in_the_company_zone(
    end: datetime, said: str
) -> None:
    now = end - timedelta(hours=1)
    assert back_around(end.astimezone(UTC), now, "America/Chicago") == said


def test_a_busy_run_longer_than_twelve_hours_gets_no_back_time() -> None:
    assert back_around(at(9) + timedelta(hours=13), at(9), "America/Chicago") is None


def test_in_a_meeting_is_not_reachable_and_says_when_back_never_what() -> None:
    check = with_calendars(lambda eid: (busy(at(14), at(14, 50)),) if eid == "dana" else None)
    answer = check(DANA, COMPANY, at(14, 20))
    assert not answer.reachable
    assert answer.reason is ReachabilityReason.IN_MEETING
    assert (
        answer.caller_message
        == "Dana is in a meeting right now, back around 3 PM. I can take a message."
    )
    assert check(DANA, COMPANY, at(15)).reachable
    other = Employee("tom", "Tom Reed", "+16125550102")
    assert check(other, COMPANY, at(14, 20)).reachable  # no calendar: the directory decides


def test_directory_reasons_come_before_the_calendar() -> None:
    check = with_calendars(lambda _: (busy(at(8), at(18)),))
    away = DANA.with_changes(status=EmployeeStatus.OUT_OF_OFFICE)
    assert check(away, COMPANY, at(14)).reason is ReachabilityReason.OUT_OF_OFFICE
    assert (
        check(DANA, COMPANY, at(14, day=22)).reason is ReachabilityReason.COMPANY_CLOSED
    )  # Sunday
    assert check(DANA, COMPANY, at(14)) != reachability(DANA, COMPANY, at(14))


def test_an_all_day_block_says_no_back_time() -> None:
    check = with_calendars(lambda _: (busy(at(0), at(0, day=25)),))
    assert check(DANA, COMPANY, at(10)).caller_message == (
        "Dana is in a meeting right now. I can take a message."
    )


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({}, "exactly one"),
        ({"ics": "https://a.example/x.ics", "caldav": "https://b.example/"}, "exactly one"),
        ({"ics": "webcal://a.example/x.ics"}, "http"),
        ({"caldav": "https://b.example/", "password_env": "not a name"}, "environment variable"),
    ],
)
def test_calendar_config_is_checked(kwargs: dict[str, str], error: str) -> None:
    with pytest.raises(CalendarConfigError, match=error):
        CalendarConfig(**kwargs)


def test_calendar_config_file_form_never_holds_a_password() -> None:
    config = CalendarConfig(caldav="https://dav.example/dana/", username="dana", password_env="PW")
    assert config.as_mapping() == {
        "caldav": {"url": "https://dav.example/dana/", "username": "dana", "password_env": "PW"}
    }
