"""An ICS URL (a published or "secret address" calendar feed) fetched with httpx."""

from __future__ import annotations

from datetime import datetime

import httpx

from switchboard.adapters.calendar.ical import busy_from_ics
from switchboard.domain.calendar import BusyInterval
from switchboard.ports.calendar import CalendarFetchError

MAX_ICS_BYTES = 10 * 1024 * 1024  # a feed larger than this is refused, not read into memory


async def fetch_ics(
    client: httpx.AsyncClient, url: str, start: datetime, end: datetime, *, timezone: str
) -> list[BusyInterval]:
    """GET `url` and read its busy times; CalendarFetchError for any failure (the URL is not put
    in the message: a feed URL is often a secret)."""
    try:
        async with client.stream("GET", url, follow_redirects=True) as response:
            if response.status_code != 200:
                raise CalendarFetchError(f"ICS feed answered HTTP {response.status_code}")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_ICS_BYTES:
                    raise CalendarFetchError("ICS feed is larger than 10 MB")
    except httpx.HTTPError as exc:
        raise CalendarFetchError(f"ICS feed unreachable: {type(exc).__name__}") from None
    return busy_from_ics(bytes(body), start, end, timezone=timezone)
