"""`switchboard calls`: Twilio's call log joined with the call records kept here.

Twilio knows a call by its SID; our records know it by LiveKit room until the agent stores the SIP
participant's `sip.twilio.callSid`. So: join on that SID when a record has it, otherwise on the
caller's number and a start time within a small window (the nearest record wins, once).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from switchboard.adapters.twilio import make_twilio_client
from switchboard.domain.call_record import CallRecord
from switchboard.domain.errors import InvalidValue
from switchboard.services.call_records import UnitOfWorkFactory, list_calls
from switchboard.settings import Settings

_EPOCH = datetime.min.replace(tzinfo=UTC)
MATCH_WINDOW = timedelta(seconds=120)  # Twilio's start vs. our record's start, setup included
SID_KEYS = ("sip.twilio.callSid", "twilio_call_sid", "call_sid")
TWILIO_STATUSES = frozenset(
    {"queued", "ringing", "in-progress", "canceled", "completed", "failed", "busy", "no-answer"}
)


@dataclass(frozen=True, slots=True)
class TwilioCall:
    """One row of Twilio's call log."""

    sid: str
    from_number: str
    to_number: str
    status: str
    direction: str
    start_time: datetime | None
    duration_seconds: int | None


@dataclass(frozen=True, slots=True)
class JoinedCall:
    """A Twilio call, our record of it, or both."""

    twilio: TwilioCall | None
    record: CallRecord | None

    @property
    def started_at(self) -> datetime | None:
        if self.twilio is not None and self.twilio.start_time is not None:
            return self.twilio.start_time
        return self.record.started_at if self.record else None


def record_call_sid(record: CallRecord) -> str | None:
    """The record's Twilio call SID: its own column, else what its events carry (records made
    before the column existed, directly or in SIP attributes)."""
    if record.twilio_call_sid:
        return record.twilio_call_sid
    for event in record.events:
        for data in (event.data, event.data.get("attributes")):
            if isinstance(data, Mapping):
                for key in SID_KEYS:
                    value = data.get(key)
                    if isinstance(value, str) and value.startswith("CA"):
                        return value
    return None


def join_calls(
    calls: Sequence[TwilioCall], records: Iterable[CallRecord], window: timedelta = MATCH_WINDOW
) -> list[JoinedCall]:
    """Every Twilio call with its record (or None), then unmatched records; newest first."""
    unclaimed = list(records)
    by_sid = {sid: r for r in unclaimed if (sid := record_call_sid(r))}
    out: list[JoinedCall] = []
    for call in calls:
        match = by_sid.get(call.sid)
        start = call.start_time
        if match is None and start is not None:
            near = [
                r
                for r in unclaimed
                if r.caller_number == call.from_number
                and record_call_sid(r) is None
                and abs(r.started_at - start) <= window
            ]
            match = min(near, key=lambda r: abs(r.started_at - start), default=None)
        if match is not None:
            unclaimed.remove(match)
        out.append(JoinedCall(call, match))
    out += [JoinedCall(None, r) for r in unclaimed]
    return sorted(out, key=lambda j: j.started_at or _EPOCH, reverse=True)


def _twilio_call(c: Any) -> TwilioCall:
    duration = getattr(c, "duration", None)
    return TwilioCall(
        sid=c.sid,
        from_number=getattr(c, "_from", None) or "",
        to_number=c.to or "",
        status=str(c.status or ""),
        direction=str(c.direction or ""),
        start_time=c.start_time,
        duration_seconds=int(duration) if duration and str(duration).isdigit() else None,
    )


async def twilio_calls(
    settings: Settings, *, since: datetime | None, status: str | None, limit: int
) -> list[TwilioCall]:
    """Twilio's call log, newest first (blocking client in a worker thread)."""
    if status is not None and status not in TWILIO_STATUSES:
        raise InvalidValue(f"--status must be one of {', '.join(sorted(TWILIO_STATUSES))}")
    client = make_twilio_client(settings)
    filters: dict[str, Any] = {"limit": limit}
    if since is not None:
        filters["start_time_after"] = since
    if status is not None:
        filters["status"] = status
    found = await asyncio.to_thread(client.calls.list, **filters)
    return [_twilio_call(c) for c in found]


async def joined_calls(
    settings: Settings,
    uow_factory: UnitOfWorkFactory,
    *,
    since: datetime | None = None,
    status: str | None = None,
    limit: int = 50,
) -> list[JoinedCall]:
    """Twilio's calls with our records; with `status`, only Twilio calls in that status."""
    calls = await twilio_calls(settings, since=since, status=status, limit=limit)
    records = await list_calls(uow_factory, limit=limit, since=since)
    joined = join_calls(calls, records)
    return [j for j in joined if j.twilio is not None] if status else joined
