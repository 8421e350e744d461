"""Calendar sources against real servers on loopback: Radicale (CalDAV) and an aiohttp server
serving an ICS feed. Recurring events with a TZID, all-day events, cancelled and free events,
passwords from the environment, and every failure as a CalendarFetchError."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from structlog.testing import capture_logs
from tests.support.radicale_server import radicale

from switchboard.adapters.calendar.ical import busy_from_ics
from switchboard.adapters.calendar.source import CalendarFetcher
from switchboard.adapters.simulator import SimulatedClock
from switchboard.domain.calendar import BusyInterval, CalendarConfig
from switchboard.domain.directory import CompanyProfile, Directory, Employee
from switchboard.ports.calendar import CalendarFetchError
from switchboard.services.calendars import CalendarCache

TZ = "America/Chicago"
# Monday 2026-12-07; December in Chicago is UTC-6.
WINDOW = (datetime(2026, 12, 6, tzinfo=UTC), datetime(2026, 12, 9, tzinfo=UTC))
WEEKLY = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//switchboard tests//EN
BEGIN:VTIMEZONE
TZID:America/Chicago
BEGIN:STANDARD
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
TZOFFSETFROM:-0500
TZOFFSETTO:-0600
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
TZOFFSETFROM:-0600
TZOFFSETTO:-0500
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:weekly-board@test
DTSTART;TZID=America/Chicago:20260907T140000
DTEND;TZID=America/Chicago:20260907T150000
RRULE:FREQ=WEEKLY;BYDAY=MO
SUMMARY:Confidential board review
LOCATION:Room 4
END:VEVENT
END:VCALENDAR
"""
ALL_DAY = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//switchboard tests//EN
BEGIN:VEVENT
UID:offsite@test
DTSTART;VALUE=DATE:20261208
DTEND;VALUE=DATE:20261209
SUMMARY:Offsite
END:VEVENT
END:VCALENDAR
"""
FREE_AND_CANCELLED = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//switchboard tests//EN
BEGIN:VEVENT
UID:free@test
DTSTART:20261207T160000Z
DTEND:20261207T170000Z
TRANSP:TRANSPARENT
END:VEVENT
BEGIN:VEVENT
UID:cancelled@test
DTSTART:20261207T170000Z
DTEND:20261207T180000Z
STATUS:CANCELLED
END:VEVENT
END:VCALENDAR
"""
MONDAY_2PM = BusyInterval(
    datetime(2026, 12, 7, 20, tzinfo=UTC), datetime(2026, 12, 7, 21, tzinfo=UTC)
)
TUESDAY_ALL_DAY = BusyInterval(
    datetime(2026, 12, 8, 6, tzinfo=UTC), datetime(2026, 12, 9, 6, tzinfo=UTC)
)


def _put(base: str, path: str, body: str, auth: tuple[str, str]) -> None:
    response = httpx.put(
        f"{base}{path}", content=body, auth=auth, headers={"Content-Type": "text/calendar"}
    )
    assert response.status_code in (201, 204), response.text


def _calendar_with(base: str, event: str) -> None:
    made = httpx.request("MKCALENDAR", f"{base}/dana/work/", auth=("dana", "x"))
    assert made.status_code == 201, made.text
    _put(base, "/dana/work/event.ics", event, ("dana", "x"))


@pytest.fixture(scope="module")
def caldav_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Radicale with htpasswd (dana's password is "s3cret"), a calendar holding a weekly
    meeting with a TZID and an all-day event."""
    folder = tmp_path_factory.mktemp("radicale")
    users = folder / "users"
    users.write_text("dana:s3cret\n")
    with radicale(folder / "storage", htpasswd=users) as url:
        auth = ("dana", "s3cret")
        made = httpx.request("MKCALENDAR", f"{url}/dana/work/", auth=auth)
        assert made.status_code == 201, made.text
        _put(url, "/dana/work/weekly.ics", WEEKLY, auth)
        _put(url, "/dana/work/offsite.ics", ALL_DAY, auth)
        head, _, rest = FREE_AND_CANCELLED.partition("BEGIN:VEVENT")
        free, _, cancelled = rest.partition("BEGIN:VEVENT")
        _put(url, "/dana/work/free.ics", f"{head}BEGIN:VEVENT{free}END:VCALENDAR\n", auth)
        _put(url, "/dana/work/cancelled.ics", f"{head}BEGIN:VEVENT{cancelled}", auth)
        yield f"{url}/dana/work/"


async def test_caldav_busy_times_expand_weekly_meetings_in_their_zone_and_all_day_events(
    caldav_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DANA_CALDAV_PASSWORD", "s3cret")
    config = CalendarConfig(
        caldav=caldav_server, username="dana", password_env="DANA_CALDAV_PASSWORD"
    )
    fetcher = CalendarFetcher(timeout=5)
    try:
        busy = await fetcher.fetch("dana", config, *WINDOW, timezone=TZ)
    finally:
        await fetcher.aclose()
    assert sorted(busy) == [MONDAY_2PM, TUESDAY_ALL_DAY]


async def test_caldav_wrong_or_missing_password_is_a_fetch_error(
    caldav_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetcher = CalendarFetcher(timeout=5)
    config = CalendarConfig(
        caldav=caldav_server, username="dana", password_env="DANA_CALDAV_PASSWORD"
    )
    try:
        monkeypatch.delenv("DANA_CALDAV_PASSWORD", raising=False)
        with pytest.raises(CalendarFetchError, match="DANA_CALDAV_PASSWORD is not set"):
            await fetcher.fetch("dana", config, *WINDOW, timezone=TZ)
        monkeypatch.setenv("DANA_CALDAV_PASSWORD", "wrong")
        with pytest.raises(CalendarFetchError) as raised:
            await fetcher.fetch("dana", config, *WINDOW, timezone=TZ)
        assert "wrong" not in str(raised.value)
    finally:
        await fetcher.aclose()


async def test_caldav_server_down_keeps_the_stale_busy_times_and_logs_the_employee(
    tmp_path: Path,
) -> None:
    clock = SimulatedClock(datetime(2026, 12, 7, 19, 30, tzinfo=UTC))
    with radicale(tmp_path / "storage") as url:
        await asyncio.to_thread(_calendar_with, url, WEEKLY)
        dana = Employee("dana", "Dana Reyes", "+16125550101",
                        calendar=CalendarConfig(caldav=f"{url}/dana/work/", username="dana"))  # fmt: skip
        directory = Directory(CompanyProfile("Acme", timezone=TZ), employees=(dana,))
        cache = CalendarCache(CalendarFetcher(timeout=3), clock, ttl=60, timeout=3)
        assert await cache.refresh(directory) == {"dana": True}
    # The server is gone now.
    with capture_logs() as logs:
        assert await cache.refresh(directory) == {"dana": False}
    await cache.aclose()
    assert MONDAY_2PM in (cache.busy("dana") or ())
    failed = [e for e in logs if e["event"] == "calendar.fetch_failed"]
    assert failed
    assert failed[0]["employee_id"] == "dana"
    assert failed[0]["using_stale"] is True


@pytest.fixture
async def ics_server() -> AsyncIterator[str]:
    """An aiohttp server on loopback: /dana.ics (the weekly meeting), /broken.ics (not
    iCalendar), /gone.ics (HTTP 404)."""

    async def feed(request: web.Request) -> web.Response:
        return web.Response(text=WEEKLY + ALL_DAY, content_type="text/calendar")

    async def broken(request: web.Request) -> web.Response:
        return web.Response(text="<html>sign in</html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/dana.ics", feed)
    app.router.add_get("/broken.ics", broken)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_ics_feed_over_http(ics_server: str) -> None:
    fetcher = CalendarFetcher(timeout=5)
    try:
        busy = await fetcher.fetch(
            "dana", CalendarConfig(ics=f"{ics_server}/dana.ics"), *WINDOW, timezone=TZ
        )
        assert sorted(busy) == [MONDAY_2PM, TUESDAY_ALL_DAY]
        with pytest.raises(CalendarFetchError, match="HTTP 404"):
            await fetcher.fetch("dana", CalendarConfig(ics=f"{ics_server}/gone.ics"), *WINDOW,
                                timezone=TZ)  # fmt: skip
        with pytest.raises(CalendarFetchError, match="iCalendar"):
            await fetcher.fetch("dana", CalendarConfig(ics=f"{ics_server}/broken.ics"), *WINDOW,
                                timezone=TZ)  # fmt: skip
    finally:
        await fetcher.aclose()


async def test_ics_server_unreachable_is_a_fetch_error_without_the_url() -> None:
    fetcher = CalendarFetcher(timeout=2)
    secret = "http://127.0.0.1:9/private-abc123/basic.ics"  # port 9: nothing listens
    try:
        with pytest.raises(CalendarFetchError) as raised:
            await fetcher.fetch("dana", CalendarConfig(ics=secret), *WINDOW, timezone=TZ)
    finally:
        await fetcher.aclose()
    assert "abc123" not in str(raised.value)


def test_free_and_cancelled_events_are_not_busy_and_floating_times_use_the_company_zone() -> None:
    assert busy_from_ics(FREE_AND_CANCELLED, *WINDOW, timezone=TZ) == []
    floating = ALL_DAY.replace("DTSTART;VALUE=DATE:20261208", "DTSTART:20261207T090000").replace(
        "DTEND;VALUE=DATE:20261209", "DTEND:20261207T093000"
    )
    assert busy_from_ics(floating, *WINDOW, timezone=TZ) == [
        BusyInterval(
            datetime(2026, 12, 7, 15, tzinfo=UTC), datetime(2026, 12, 7, 15, 30, tzinfo=UTC)
        )
    ]


async def test_the_worker_warms_calendars_before_calls_and_survives_a_dead_server(
    ics_server: str, tmp_path: Path
) -> None:
    from switchboard.adapters.sqlalchemy import open_storage
    from switchboard.entrypoints.agent_worker import warm_calendars
    from switchboard.settings import Settings

    url = f"sqlite+aiosqlite:///{tmp_path / 'w.db'}"
    storage = await open_storage(url)
    dana = Employee("dana", "Dana Reyes", "+16125550101",
                    calendar=CalendarConfig(ics=f"{ics_server}/dana.ics"))  # fmt: skip
    gone = Employee("tom", "Tom Reed", "+16125550102",
                    calendar=CalendarConfig(ics="http://127.0.0.1:9/tom.ics"))  # fmt: skip
    async with storage.unit_of_work() as uow:
        await uow.directory.replace(Directory(CompanyProfile("Acme", TZ), employees=(dana, gone)))
        await uow.commit()
    await storage.dispose()
    settings = Settings(_env_file=None, database_url=url, calendar_fetch_timeout=3)
    with capture_logs() as logs:
        entries, refreshed = await warm_calendars(settings)
    assert refreshed is not None
    assert set(entries) == {"dana"}  # Tom's server is down and nothing was fetched before
    assert any(e.get("employee_id") == "tom" for e in logs)
