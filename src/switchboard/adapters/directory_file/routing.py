"""A department's `ring:` and `after_hours:` in the directory file (docs/directory-format.md).

    ring: {strategy: simultaneous|hunt, ring_seconds: 20, members: [ann-lee, bo-chen]}
    after_hours:
      action: message|on_call|voicemail
      on_call: {rotation: weekly, people: [ann-lee, bo-chen], starts: 2026-01-05}
      # or   {dates: [{from: 2026-12-24, to: 2026-12-27, person: ann-lee}, ...]}

Parsing checks shapes here; `check_references` checks employee ids once employees are known.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from switchboard.domain.directory import Department, Employee
from switchboard.domain.routing.config import (
    DEFAULT_RING_SECONDS,
    AfterHours,
    AfterHoursAction,
    OnCallRota,
    OnCallShift,
    RingGroup,
    RingStrategy,
)

from . import fields
from .errors import FieldError, ProblemLog

MAX_RING_SECONDS = 120.0
_RING = ("strategy", "ring_seconds", "members")
_AFTER_HOURS = ("action", "on_call")
_ON_CALL = ("rotation", "people", "starts", "dates")
_SHIFT = ("from", "to", "person")

Report = Callable[[str, str], None]  # (field path, reason)


def parse_ring(value: object, report: Report) -> RingGroup | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        report("ring", "must be a mapping with strategy, ring_seconds, members")
        return None
    _unknown(value, _RING, "ring", report)
    ok = True
    strategy = RingStrategy.SIMULTANEOUS
    raw = value.get("strategy")
    if raw is not None:
        try:
            strategy = RingStrategy(str(raw).strip().lower())
        except ValueError:
            report("ring.strategy", f"{raw!r} is not one of simultaneous, hunt")
            ok = False
    seconds = DEFAULT_RING_SECONDS
    raw = value.get("ring_seconds")
    if raw is not None:
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not 5 <= raw <= 120:
            report("ring.ring_seconds", f"{raw!r} must be a number of seconds from 5 to 120")
            ok = False
        else:
            seconds = float(raw)
    members = _ids(value.get("members"), "ring.members", report)
    if members is None:
        return None
    return RingGroup(strategy, seconds, members) if ok else None


def parse_after_hours(value: object, report: Report) -> AfterHours | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        report("after_hours", "must be a mapping with action and on_call")
        return None
    _unknown(value, _AFTER_HOURS, "after_hours", report)
    raw = value.get("action", "message")
    try:
        action = AfterHoursAction(str(raw).strip().lower())
    except ValueError:
        report("after_hours.action", f"{raw!r} is not one of message, on_call, voicemail")
        return None
    rota = _rota(value.get("on_call"), report)
    if action is AfterHoursAction.ON_CALL and rota is None and value.get("on_call") is None:
        report("after_hours.on_call", "is required when action is on_call")
        return None
    return AfterHours(action, rota)


def _rota(value: object, report: Report) -> OnCallRota | None:
    if value is None:
        return None
    where = "after_hours.on_call"
    if not isinstance(value, Mapping):
        report(where, "must be a mapping: {rotation: weekly, people, starts} or {dates: [...]}")
        return None
    _unknown(value, _ON_CALL, where, report)
    if "dates" in value and ("people" in value or "rotation" in value):
        report(where, "give either a weekly rotation (people, starts) or dates, not both")
        return None
    if "dates" in value:
        shifts = _shifts(value.get("dates"), report)
        return OnCallRota(shifts=shifts) if shifts is not None else None
    rotation = value.get("rotation", "weekly")
    if rotation != "weekly":
        report(f"{where}.rotation", f"{rotation!r} is not supported (only weekly)")
        return None
    people = _ids(value.get("people"), f"{where}.people", report)
    starts = _date(value.get("starts"), f"{where}.starts", report)
    if people is None or starts is None:
        return None
    if not people:
        report(f"{where}.people", "must name at least one employee id")
        return None
    return OnCallRota(people=people, starts=starts)


def _shifts(value: object, report: Report) -> tuple[OnCallShift, ...] | None:
    where = "after_hours.on_call.dates"
    if not isinstance(value, list) or not value:
        report(where, "must be a non-empty list of {from, to, person}")
        return None
    shifts: list[OnCallShift] = []
    positions: list[int] = []  # each shift's index in the file, for the overlap report
    ok = True
    for index, raw in enumerate(value):
        at = f"{where}[{index}]"
        if not isinstance(raw, Mapping):
            report(at, "must be a mapping with from, to, person")
            ok = False
            continue
        _unknown(raw, _SHIFT, at, report)
        start = _date(raw.get("from"), f"{at}.from", report)
        end = _date(raw.get("to", raw.get("from")), f"{at}.to", report)
        try:
            person = fields.slug(raw.get("person"))
        except FieldError as exc:
            report(f"{at}.person", str(exc))
            ok = False
            continue
        if start is None or end is None:
            ok = False
            continue
        if end < start:
            report(f"{at}.to", f"{end.isoformat()} is before from {start.isoformat()}")
            ok = False
            continue
        shifts.append(OnCallShift(start, end, person))
        positions.append(index)
    ordered = sorted(zip(positions, shifts, strict=True), key=lambda pair: pair[1].start)
    for (_, a), (i, b) in itertools.pairwise(ordered):
        if b.start <= a.end:
            report(
                f"{where}[{i}]",
                f"{b.start.isoformat()}..{b.end.isoformat()} overlaps "
                f"{a.start.isoformat()}..{a.end.isoformat()} ({a.person})",
            )
            ok = False
    return tuple(shifts) if ok else None


def check_references(
    log: ProblemLog,
    departments: list[Department],
    employees: list[Employee],
    location: Callable[[int, Department], str],
) -> None:
    """Every ring member and on-call person must be a directory employee."""
    known = {e.id for e in employees}
    for index, d in enumerate(departments):
        for field, employee_id in d.routing_names():
            if employee_id not in known:
                log.add(location(index, d), field, unknown_employee(employee_id))


def unknown_employee(employee_id: str) -> str:
    return f"unknown employee id {employee_id!r} (no employee with that id in the directory)"


def ring_to_mapping(ring: RingGroup) -> dict[str, Any]:
    data: dict[str, Any] = {"strategy": ring.strategy.value}
    seconds = ring.ring_seconds
    data["ring_seconds"] = int(seconds) if seconds == int(seconds) else seconds
    if ring.members:
        data["members"] = list(ring.members)
    return data


def after_hours_to_mapping(after: AfterHours) -> dict[str, Any]:
    data: dict[str, Any] = {"action": after.action.value}
    rota = after.on_call
    if rota is not None and rota.shifts:
        data["on_call"] = {
            "dates": [
                {"from": s.start.isoformat(), "to": s.end.isoformat(), "person": s.person}
                for s in rota.shifts
            ]
        }
    elif rota is not None and rota.starts is not None:
        data["on_call"] = {
            "rotation": "weekly",
            "people": list(rota.people),
            "starts": rota.starts.isoformat(),
        }
    return data


def _ids(value: object, where: str, report: Report) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if not isinstance(value, list):
        report(where, "must be a list of employee ids")
        return None
    ids: list[str] = []
    for index, item in enumerate(value):
        try:
            ids.append(fields.slug(item))
        except FieldError as exc:
            report(f"{where}[{index}]", str(exc))
            return None
    if len(set(ids)) != len(ids):
        report(where, "lists an employee id twice")
        return None
    return tuple(ids)


def _date(value: object, where: str, report: Report) -> date | None:
    if value is None:
        report(where, "is required (a date like 2026-01-05)")
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        report(where, f"{value!r} is not a date like 2026-12-25")
        return None


def _unknown(data: Mapping[Any, Any], known: tuple[str, ...], where: str, report: Report) -> None:
    for key in data:
        if key not in known:
            report(f"{where}.{key}", f"unknown key (allowed: {', '.join(known)})")
