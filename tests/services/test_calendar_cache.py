"""The calendar cache: the call path never waits for a fetch, failures keep stale data and are
logged with the employee id, a hung server is cut off, and the background fetch is owned."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from structlog.testing import capture_logs

from switchboard.adapters.calendar.static import StaticCalendarSource
from switchboard.adapters.simulator import SimulatedClock
from switchboard.domain.calendar import BusyInterval, CalendarConfig
from switchboard.domain.directory import CompanyProfile, Directory, Employee
from switchboard.services.calendars import CalendarCache

NOW = datetime(2026, 11, 24, 20, 20, tzinfo=UTC)  # 2:20 PM in Chicago
MEETING = BusyInterval(NOW - timedelta(minutes=20), NOW + timedelta(minutes=30))
ICS = CalendarConfig(ics="https://cal.example/nora.ics")
NORA = Employee("nora", "Nora Quinn", "+13125550121", calendar=ICS)
LENA = Employee("lena", "Lena Ortiz", "+13125550120")
DIRECTORY = Directory(CompanyProfile("Acme", "America/Chicago"), employees=(NORA, LENA))


class HungSource:
    """A server that accepts the connection and never answers."""

    def __init__(self) -> None:
        self.started = asyncio.Event()

    async def fetch(self, *args: object, **kwargs: object) -> list[BusyInterval]:
        self.started.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_refresh_fetches_only_employees_with_a_calendar() -> None:
    source = StaticCalendarSource({"nora": [MEETING]})
    cache = CalendarCache(source, SimulatedClock(NOW))
    assert await cache.refresh(DIRECTORY) == {"nora": True}
    assert source.fetches == ["nora"]
    assert cache.busy("nora") == (MEETING,)
    assert cache.busy("lena") is None


async def test_a_failed_fetch_keeps_the_stale_data_and_logs_the_employee() -> None:
    source = StaticCalendarSource({"nora": [MEETING]})
    cache = CalendarCache(source, SimulatedClock(NOW))
    await cache.refresh(DIRECTORY)
    source.down.add("nora")
    with capture_logs() as logs:
        assert await cache.refresh(DIRECTORY) == {"nora": False}
    assert cache.busy("nora") == (MEETING,)
    entry = cache.entries["nora"]
    assert entry.error is not None
    assert entry.failed_at is not None
    (record,) = [e for e in logs if e["event"] == "calendar.fetch_failed"]
    assert record["employee_id"] == "nora"
    assert record["using_stale"] is True
    assert record["log_level"] == "warning"


async def test_a_first_fetch_that_fails_leaves_nothing_rather_than_guessing() -> None:
    source = StaticCalendarSource({"nora": [MEETING]})
    source.down.add("nora")
    cache = CalendarCache(source, SimulatedClock(NOW))
    assert await cache.refresh(DIRECTORY) == {"nora": False}
    assert cache.busy("nora") is None


async def test_a_hung_server_is_cut_off_by_the_timeout() -> None:
    cache = CalendarCache(HungSource(), SimulatedClock(NOW), timeout=0.05)
    with capture_logs() as logs:
        assert await cache.refresh(DIRECTORY) == {"nora": False}
    assert any("within" in str(e.get("error", "")) for e in logs)


async def test_the_call_path_never_waits_and_one_background_fetch_at_most() -> None:
    source = HungSource()
    cache = CalendarCache(source, SimulatedClock(NOW), timeout=3600)
    cache.refresh_if_stale(DIRECTORY)  # returns at once: nothing awaited
    await asyncio.wait_for(source.started.wait(), 1)
    first = cache._task
    cache.refresh_if_stale(DIRECTORY)
    assert cache._task is first  # still running: not started twice
    assert cache.busy("nora") is None  # reading never waits for the fetch
    await cache.aclose()  # the owner's lifetime ends: the fetch is cancelled
    assert first is not None
    assert first.cancelled()


async def test_fresh_data_is_not_fetched_again_until_the_ttl_passes() -> None:
    source = StaticCalendarSource({"nora": [MEETING]})
    clock = SimulatedClock(NOW)
    cache = CalendarCache(source, clock, ttl=300)
    await cache.refresh(DIRECTORY)
    assert not cache.is_stale()
    cache.refresh_if_stale(DIRECTORY)
    assert cache._task is None


async def test_employees_who_lose_their_calendar_are_forgotten() -> None:
    source = StaticCalendarSource({"nora": [MEETING]})
    cache = CalendarCache(source, SimulatedClock(NOW))
    await cache.refresh(DIRECTORY)
    without = Directory(DIRECTORY.company, employees=(NORA.with_changes(calendar=None), LENA))
    await cache.refresh(without)
    assert cache.busy("nora") is None
