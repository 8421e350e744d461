"""Property: next_opening agrees with is_open, including across DST changes in Chicago."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from switchboard.domain.availability import is_open, next_opening
from switchboard.domain.directory import CompanyProfile, TimeRange, WeeklyHours

WEEKDAY = (TimeRange(time(8, 30), time(12, 0)), TimeRange(time(13, 0), time(17, 30)))
# US clocks change at 02:00 on a Sunday: 02:30 does not exist on spring-forward day.
SUNDAY = (TimeRange(time(2, 30), time(5, 0)),)
COMPANY = CompanyProfile(
    name="x",
    timezone="America/Chicago",
    hours=WeeklyHours((WEEKDAY,) * 5 + ((), SUNDAY)),
    holidays=(date(2026, 12, 25), date(2027, 1, 1)),
)
STEP = timedelta(minutes=15)

instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=150, deadline=None)
@given(at=instants)
@example(at=datetime(2027, 3, 13, 0, 0, tzinfo=UTC))  # the night before spring forward
@example(at=datetime(2026, 3, 8, 7, 59, tzinfo=UTC))  # one minute before the 2026 jump
@example(at=datetime(2026, 11, 1, 6, 30, tzinfo=UTC))  # inside the repeated hour
def test_next_opening_is_the_first_open_moment(at: datetime) -> None:
    local_opening = next_opening(COMPANY, at)
    assert local_opening is not None  # this company opens at least weekly
    # Step in UTC: arithmetic on a zoned datetime is wall-clock arithmetic, wrong across DST.
    opening = local_opening.astimezone(UTC)
    assert at <= opening <= at + timedelta(days=14)
    assert is_open(COMPANY, opening)
    if opening != at:
        assert not is_open(COMPANY, opening - timedelta(minutes=1))
    probe = at
    while probe < opening:
        assert not is_open(COMPANY, probe), probe
        probe += STEP
