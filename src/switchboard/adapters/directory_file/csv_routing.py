"""A department row's routing cells in a directory CSV (docs/directory-format.md, "CSV").

    ring            simultaneous | hunt
    ring_seconds    20
    ring_members    eve-park;tom-reed;ivy-cho
    after_hours     message | on_call | voicemail
    on_call         ivy-cho;tom-reed                      (a weekly rotation, with on_call_starts)
                    2026-12-24..2026-12-27=bea-kent;2026-12-28=priya-raman   (dated shifts)
    on_call_starts  2026-11-23                            (weekly rotations only)

The cells are turned into the YAML form and read by the same parser (`routing.py`), so both
formats accept exactly the same routing; problems are reported under the CSV column names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from switchboard.domain.routing.config import AfterHours, RingGroup

from .routing import Report, after_hours_to_mapping, parse_after_hours, parse_ring, ring_to_mapping

RING_COLUMNS = ("ring", "ring_seconds", "ring_members")
AFTER_HOURS_COLUMNS = ("after_hours", "on_call", "on_call_starts")
ROUTING_COLUMNS = (*RING_COLUMNS, *AFTER_HOURS_COLUMNS)

# The YAML field paths `routing.py` reports, longest first, to the CSV column holding them.
_COLUMN_OF = (
    ("ring.strategy", "ring"),
    ("ring.ring_seconds", "ring_seconds"),
    ("ring.members", "ring_members"),
    ("ring", "ring"),
    ("after_hours.action", "after_hours"),
    ("after_hours.on_call.people", "on_call"),
    ("after_hours.on_call.starts", "on_call_starts"),
    ("after_hours.on_call.rotation", "on_call"),
    ("after_hours.on_call.dates", "on_call"),
    ("after_hours.on_call", "on_call"),
    ("after_hours", "after_hours"),
)
_ITEM = re.compile(r"^\[(\d+)\](?:\.(\w+))?$")


def _csv_report(report: Report) -> Report:
    """A `Report` taking YAML field paths and passing on CSV columns ("ring_members: entry 2: …")."""

    def translated(path: str, reason: str) -> None:
        for prefix, column in _COLUMN_OF:
            if path == prefix or path.startswith(prefix + "[") or path.startswith(prefix + "."):
                rest = path[len(prefix) :]
                item = _ITEM.match(rest)
                if item is not None:
                    noun = "shift" if prefix.endswith("dates") else "entry"
                    part = f" {item.group(2)}" if item.group(2) else ""
                    reason = f"{noun} {int(item.group(1)) + 1}{part}: {reason}"
                report(column, reason)
                return
        report(path, reason)

    return translated


def _list(cell: str | None) -> list[str] | None:
    if cell is None:
        return None
    return [part.strip() for part in cell.split(";") if part.strip()]


def _seconds(cell: str | None) -> object:
    if cell is None:
        return None
    try:
        value = float(cell)
    except ValueError:
        return cell  # the parser reports it: "must be a number of seconds from 5 to 120"
    return int(value) if value.is_integer() else value


def _rota(people: str | None, starts: str | None, report: Report) -> dict[str, Any] | None:
    entries = _list(people)
    if not entries and starts is None:
        return None
    if entries and any("=" in e for e in entries):
        if starts is not None:
            report("on_call_starts", "only for a weekly rotation; dated shifts carry their dates")
        return {"dates": [_shift(e) for e in entries]}
    return {"rotation": "weekly", "people": entries or [], "starts": starts}


def _shift(entry: str) -> dict[str, Any]:
    """ "2026-12-24..2026-12-27=bea-kent" or "2026-12-28=priya-raman" (one day)."""
    days, _, person = entry.partition("=")
    start, dots, end = days.strip().partition("..")
    shift: dict[str, Any] = {"from": start.strip() or None, "person": person.strip() or None}
    if dots:
        shift["to"] = end.strip() or None
    return shift


def parse_routing_cells(
    cells: Mapping[str, str | None], report: Callable[[str, str], None]
) -> tuple[RingGroup | None, AfterHours | None]:
    """The ring group and after-hours rule a department row's cells give (None: no such cells).
    `report(column, reason)` is told of every problem."""
    csv_report = _csv_report(report)
    ring = None
    if any(cells.get(c) is not None for c in RING_COLUMNS):
        raw_ring = {
            "strategy": cells.get("ring"),
            "ring_seconds": _seconds(cells.get("ring_seconds")),
            "members": _list(cells.get("ring_members")),
        }
        ring = parse_ring({k: v for k, v in raw_ring.items() if v is not None}, csv_report)
    after_hours = None
    if any(cells.get(c) is not None for c in AFTER_HOURS_COLUMNS):
        rota = _rota(cells.get("on_call"), cells.get("on_call_starts"), report)
        raw_after: dict[str, Any] = {"action": cells.get("after_hours") or "message"}
        if rota is not None:
            raw_after["on_call"] = rota
        after_hours = parse_after_hours(raw_after, csv_report)
    return ring, after_hours


def routing_cells(ring: RingGroup | None, after_hours: AfterHours | None) -> dict[str, str]:
    """The routing columns' cells for a department (read back by `parse_routing_cells`)."""
    cells: dict[str, str] = {}
    if ring is not None:
        data = ring_to_mapping(ring)
        cells["ring"] = data["strategy"]
        cells["ring_seconds"] = str(data["ring_seconds"])
        cells["ring_members"] = ";".join(ring.members)
    if after_hours is not None:
        data = after_hours_to_mapping(after_hours)
        cells["after_hours"] = data["action"]
        rota = after_hours.on_call
        if rota is not None and rota.shifts:
            cells["on_call"] = ";".join(
                f"{s.start.isoformat()}={s.person}"
                if s.start == s.end
                else f"{s.start.isoformat()}..{s.end.isoformat()}={s.person}"
                for s in rota.shifts
            )
        elif rota is not None and rota.starts is not None:
            cells["on_call"] = ";".join(rota.people)
            cells["on_call_starts"] = rota.starts.isoformat()
    return cells
