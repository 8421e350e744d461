"""A CalDAV calendar collection, read with the `caldav` library.

`caldav` is synchronous (niquests underneath), so each fetch runs in a worker thread
(`asyncio.to_thread`) and never on the event loop. The time-range REPORT returns the events that
overlap the window, recurring ones whole; `ical.busy_from_ics` expands them on our side, so the
result does not depend on a server's support for server-side expansion.
"""

from __future__ import annotations

import asyncio
import os
from datetime import datetime
from urllib.parse import urlparse

from caldav.collection import Calendar
from caldav.davclient import DAVClient

from switchboard.adapters.calendar.ical import busy_from_ics
from switchboard.domain.calendar import BusyInterval, CalendarConfig
from switchboard.ports.calendar import CalendarFetchError

_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def password_for(config: CalendarConfig) -> str | None:
    """The password from the environment variable the directory names (None when not named);
    CalendarFetchError when it is named but unset."""
    if not config.password_env:
        return None
    value = os.environ.get(config.password_env)
    if value is None:
        raise CalendarFetchError(f"environment variable {config.password_env} is not set")
    return value


async def fetch_caldav(
    config: CalendarConfig, start: datetime, end: datetime, *, timezone: str, seconds: float
) -> list[BusyInterval]:
    """Busy times from the CalDAV calendar; each HTTP request gives up after `seconds`."""
    password = password_for(config)
    return await asyncio.to_thread(_fetch, config, password, start, end, timezone, seconds)


def _fetch(
    config: CalendarConfig,
    password: str | None,
    start: datetime,
    end: datetime,
    timezone: str,
    timeout: float,
) -> list[BusyInterval]:
    url = config.caldav or ""
    # Plain http only to a server on this machine (a password must not cross a network in clear).
    local = (urlparse(url).hostname or "") in _LOOPBACK
    try:
        with DAVClient(
            url=url,
            username=config.username,
            password=password,
            timeout=int(max(1, timeout)),
            require_tls=not local,
            enable_rfc6764=False,
        ) as client:
            calendar = Calendar(client=client, url=url)  # no request until the search
            found: object = calendar.search(start=start, end=end, event=True, expand=False)
            # The sync client returns a list (a coroutine only from caldav's async client).
            assert isinstance(found, list)
            texts: list[str] = [item.data for item in found]
    except CalendarFetchError:
        raise
    except Exception as exc:  # caldav raises its own errors and niquests' for the network
        raise CalendarFetchError(f"CalDAV fetch failed: {type(exc).__name__}") from None
    busy: list[BusyInterval] = []
    for text in texts:
        if text:
            busy += busy_from_ics(text, start, end, timezone=timezone)
    return busy
