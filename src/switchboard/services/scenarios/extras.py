"""Scenario keys for calendars, caller memory and screening (docs/scenarios.md):

    caller: {verstat: TN-Validation-Failed-A}          # X-Twilio-VerStat on the incoming call
    history:                                           # what the store knows before the call
      caller_name: Ann Lee                             # caller memory: a returning caller
      messages: [{for: dana-whitfield, text: "…"}]     # open messages this caller left earlier
    screening: {blocked: ["+1900"], failed_attestation: message_only}
    calendars:                                         # simulated calendar servers
      dana-whitfield: {busy: [{start: …, end: …}], down: true}
    expect: {record: {outcome: blocked, verstat: …}}   # the call record as stored

Each is read here, with errors naming file and key, and applied by the runner.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from switchboard.adapters.calendar.static import StaticCalendarSource
from switchboard.domain.calendar import BusyInterval
from switchboard.domain.directory import Directory
from switchboard.domain.screening import BlockList, BlockListError, ScreeningPolicy
from switchboard.ports.calls import MessageRequest
from switchboard.services.calendars import CalendarCache
from switchboard.services.scenarios.fields import ScenarioError, known, mapping, parse_now

HISTORY_KEYS = {"caller_name", "messages"}
SCREENING_KEYS = {"blocked", "failed_attestation"}
CALENDAR_KEYS = {"busy", "down"}
RECORD_KEYS = {"outcome", "verstat"}
# A whole day: the simulated calendars never go stale during a scenario.
_NEVER_STALE = 86400.0


@dataclass(frozen=True, slots=True)
class History:
    caller_name: str | None = None
    messages: tuple[tuple[str, str], ...] = ()  # (for id, text)


@dataclass(frozen=True, slots=True)
class CalendarScript:
    busy: tuple[BusyInterval, ...] = ()
    down: bool = False  # fetched once, then the server fails: the call must use the stale data


@dataclass(frozen=True, slots=True)
class ScenarioExtras:
    verstat: str | None = None
    history: History = field(default_factory=History)
    screening: ScreeningPolicy | None = None
    calendars: Mapping[str, CalendarScript] = field(default_factory=dict)


def parse_extras(path: Path, top: Mapping[str, Any], caller: Mapping[str, Any]) -> ScenarioExtras:
    verstat = caller.get("verstat")
    if verstat is not None and (not isinstance(verstat, str) or not verstat.strip()):
        raise ScenarioError(path, "caller.verstat", "must be text like TN-Validation-Passed-A")
    return ScenarioExtras(
        verstat=verstat,
        history=_history(path, top.get("history")),
        screening=_screening(path, top.get("screening")),
        calendars=_calendars(path, top.get("calendars")),
    )


def _history(path: Path, value: Any) -> History:
    spec = mapping(path, "history", value)
    known(path, "history", spec, HISTORY_KEYS)
    name = spec.get("caller_name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise ScenarioError(path, "history.caller_name", "must be a non-empty string")
    items = spec.get("messages", [])
    if not isinstance(items, list):
        raise ScenarioError(path, "history.messages", "must be a list of {for, text}")
    messages = []
    for i, item in enumerate(items):
        entry = mapping(path, f"history.messages[{i}]", item)
        known(path, f"history.messages[{i}]", entry, {"for", "text"})
        for_id, text = entry.get("for"), entry.get("text")
        if not isinstance(for_id, str) or not isinstance(text, str) or not text.strip():
            raise ScenarioError(path, f"history.messages[{i}]", "needs for (an id) and text")
        messages.append((for_id, text))
    return History(name, tuple(messages))


def _screening(path: Path, value: Any) -> ScreeningPolicy | None:
    if value is None:
        return None
    spec = mapping(path, "screening", value)
    known(path, "screening", spec, SCREENING_KEYS)
    blocked = spec.get("blocked", [])
    if not isinstance(blocked, list) or not all(isinstance(b, str) for b in blocked):
        raise ScenarioError(path, "screening.blocked", "must be a list of E.164 numbers/prefixes")
    try:
        block_list = BlockList.parse(blocked)
    except BlockListError as exc:
        raise ScenarioError(path, "screening.blocked", str(exc)) from None
    failed = spec.get("failed_attestation", "allow")
    if failed not in ("allow", "message_only"):
        raise ScenarioError(path, "screening.failed_attestation", "must be allow or message_only")
    return ScreeningPolicy(block_list, failed == "message_only")


def _calendars(path: Path, value: Any) -> dict[str, CalendarScript]:
    out: dict[str, CalendarScript] = {}
    for eid, raw in mapping(path, "calendars", value).items():
        key = f"calendars.{eid}"
        spec = mapping(path, key, raw)
        known(path, key, spec, CALENDAR_KEYS)
        items = spec.get("busy", [])
        if not isinstance(items, list):
            raise ScenarioError(path, f"{key}.busy", "must be a list of {start, end}")
        busy = []
        for i, item in enumerate(items):
            entry = mapping(path, f"{key}.busy[{i}]", item)
            known(path, f"{key}.busy[{i}]", entry, {"start", "end"})
            start = _moment(path, f"{key}.busy[{i}].start", entry.get("start"))
            end = _moment(path, f"{key}.busy[{i}].end", entry.get("end"))
            if end <= start:
                raise ScenarioError(path, f"{key}.busy[{i}]", "end must be after start")
            busy.append(BusyInterval(start, end))
        down = spec.get("down", False)
        if not isinstance(down, bool):
            raise ScenarioError(path, f"{key}.down", "must be true or false")
        out[eid] = CalendarScript(tuple(busy), down)
    return out


def _moment(path: Path, key: str, value: Any) -> datetime:
    """An ISO-8601 time with an offset (the same rule as `now`), errors naming `key`."""
    if value is None:
        raise ScenarioError(path, key, "is required")
    try:
        return parse_now(path, value)
    except ScenarioError as exc:
        raise ScenarioError(path, key, exc.reason) from None


def check_calendar_employees(path: Path, extras: ScenarioExtras, directory: Directory) -> None:
    """Simulated calendars belong to employees whose directory entry has a `calendar:`."""
    for eid in extras.calendars:
        employee = directory.employee(eid)
        if employee is None or employee.calendar is None:
            raise ScenarioError(
                path, f"calendars.{eid}", "not an employee with a calendar: in the directory"
            )


async def simulated_calendars(
    extras: ScenarioExtras, directory: Directory, now: datetime
) -> CalendarCache | None:
    """The cache as a running service would hold it at `now`: fetched once; for calendars that
    are `down`, a second fetch failed (logged) and the first fetch's busy times are kept."""
    if not extras.calendars:
        return None
    source = StaticCalendarSource({eid: c.busy for eid, c in extras.calendars.items()})
    cache = CalendarCache(source, _Fixed(now), ttl=_NEVER_STALE)
    await cache.refresh(directory)
    down = {eid for eid, c in extras.calendars.items() if c.down}
    if down:
        source.down |= down
        await cache.refresh(directory)
    return cache


def history_messages(extras: ScenarioExtras, caller: str, now: datetime) -> list[MessageRequest]:
    """The earlier messages, as left from the caller's number two days before the call."""
    name = extras.history.caller_name or "The caller"
    return [
        MessageRequest(
            call_id=f"history-{i}",
            recipient_kind="employee",
            recipient_id=for_id,
            caller_name=name,
            callback_number=caller,
            text=text,
            caller_number=caller,
        )
        for i, (for_id, text) in enumerate(extras.history.messages)
    ]


HISTORY_AGE = timedelta(days=2)


class _Fixed:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    async def sleep(self, seconds: float) -> None:
        return None
