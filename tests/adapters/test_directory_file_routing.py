"""A department's `ring:` and `after_hours:` in the directory file: the documented shapes import and
export back, old files stay valid, and every mistake is named by department and field."""

from __future__ import annotations

from datetime import date

import pytest

from switchboard.adapters.directory_file import (
    DirectoryFileError,
    dump_directory_yaml,
    parse_directory_yaml,
)
from switchboard.adapters.sqlalchemy.routing_mapping import routing_from_json, routing_to_json
from switchboard.domain.routing.config import (
    AfterHoursAction,
    OnCallShift,
    RingStrategy,
)

HEAD = """\
company: {name: Acme, timezone: America/Chicago, hours: {mon: "09:00-17:00"}}
employees:
  - {id: ann, name: Ann Lee, department: it, phone: "+13125550101"}
  - {id: bo, name: Bo Chen, department: it, phone: "+13125550102"}
departments:
"""


def directory(department: str) -> str:
    return HEAD + department


def problems(department: str) -> list[str]:
    with pytest.raises(DirectoryFileError) as info:
        parse_directory_yaml(directory(department), source="d.yaml")
    return [str(p) for p in info.value.problems]


WEEKLY = """\
  - id: it
    name: IT
    ring: {strategy: hunt, ring_seconds: 12, members: [bo, ann]}
    after_hours:
      action: on_call
      on_call: {rotation: weekly, people: [ann, bo], starts: 2026-01-05}
"""
DATED = """\
  - id: it
    name: IT
    ring: {}
    after_hours:
      on_call:
        dates:
          - {from: 2026-12-24, to: 2026-12-26, person: ann}
          - {from: "2026-12-27", person: bo}
"""


def test_weekly_rotation_and_ring_group_import_and_round_trip() -> None:
    d = parse_directory_yaml(directory(WEEKLY))
    it = d.departments[0]
    assert it.ring is not None
    assert (it.ring.strategy, it.ring.ring_seconds, it.ring.members) == (
        RingStrategy.HUNT, 12.0, ("bo", "ann"),
    )  # fmt: skip
    assert it.after_hours is not None
    assert it.after_hours.action is AfterHoursAction.ON_CALL
    assert it.after_hours.on_call is not None
    assert it.after_hours.on_call.starts == date(2026, 1, 5)
    assert parse_directory_yaml(dump_directory_yaml(d)) == d


def test_dated_rota_defaults_and_round_trip() -> None:
    d = parse_directory_yaml(directory(DATED))
    it = d.departments[0]
    assert it.ring is not None
    assert (it.ring.strategy, it.ring.members) == (RingStrategy.SIMULTANEOUS, ())
    assert it.after_hours is not None
    assert it.after_hours.action is AfterHoursAction.MESSAGE  # the default action
    assert it.after_hours.on_call is not None
    assert it.after_hours.on_call.shifts[1] == OnCallShift(
        date(2026, 12, 27), date(2026, 12, 27), "bo"
    )
    assert parse_directory_yaml(dump_directory_yaml(d)) == d


def test_the_database_form_round_trips_and_refuses_a_damaged_value() -> None:
    for text in (WEEKLY, DATED):
        it = parse_directory_yaml(directory(text)).departments[0]
        assert routing_from_json(routing_to_json(it), "it") == (it.ring, it.after_hours)
    assert routing_from_json(None, "it") == (None, None)
    with pytest.raises(ValueError, match=r"stored department 'it'.*ring\.strategy"):
        routing_from_json({"ring": {"strategy": "round-robin"}}, "it")


def test_a_file_without_routing_is_unchanged() -> None:
    d = parse_directory_yaml(directory("  - {id: it, name: IT}\n"))
    assert (d.departments[0].ring, d.departments[0].after_hours) == (None, None)
    assert "ring" not in dump_directory_yaml(d)


@pytest.mark.parametrize(
    ("department", "expected"),
    [
        (
            "  - {id: it, name: IT, ring: {members: [ann, zed]}}\n",
            "d.yaml: departments[0] (id=it): ring.members: unknown employee id 'zed'",
        ),
        (
            "  - {id: it, name: IT, ring: {strategy: round-robin}}\n",
            "d.yaml: departments[0] (id=it): ring.strategy: 'round-robin' is not one of "
            "simultaneous, hunt",
        ),
        (
            "  - {id: it, name: IT, ring: {ring_seconds: 600}}\n",
            "ring.ring_seconds: 600 must be a number of seconds from 5 to 120",
        ),
        ("  - {id: it, name: IT, ring: {members: [ann, ann]}}\n", "lists an employee id twice"),
        ("  - {id: it, name: IT, ring: {member: [ann]}}\n", "ring.member: unknown key"),
        ("  - {id: it, name: IT, ring: hunt}\n", "ring: must be a mapping"),
        (
            "  - {id: it, name: IT, after_hours: {action: forward}}\n",
            "after_hours.action: 'forward' is not one of message, on_call, voicemail",
        ),
        (
            "  - {id: it, name: IT, after_hours: {action: on_call}}\n",
            "after_hours.on_call: is required when action is on_call",
        ),
        (
            "  - {id: it, name: IT, after_hours: {on_call: {people: [ann], starts: '2026-13-01'}}}\n",
            "after_hours.on_call.starts: '2026-13-01' is not a date like 2026-12-25",
        ),
        (
            "  - {id: it, name: IT, after_hours: {on_call: {people: [ann]}}}\n",
            "after_hours.on_call.starts: is required",
        ),
        (
            "  - {id: it, name: IT, after_hours: {on_call: {rotation: daily, people: [ann], "
            "starts: 2026-01-05}}}\n",
            "after_hours.on_call.rotation: 'daily' is not supported (only weekly)",
        ),
        (
            "  - {id: it, name: IT, after_hours: {on_call: {people: [ann], starts: 2026-01-05, "
            "dates: []}}}\n",
            "after_hours.on_call: give either a weekly rotation (people, starts) or dates",
        ),
        (
            "  - {id: it, name: IT, after_hours: {on_call: {people: [zed], starts: 2026-01-05}}}\n",
            "after_hours.on_call.people: unknown employee id 'zed'",
        ),
        (
            "  - {id: it, name: IT, after_hours: {on_call: {dates: "
            "[{from: 2026-12-24, to: 2026-12-20, person: ann}]}}}\n",
            "after_hours.on_call.dates[0].to: 2026-12-20 is before from 2026-12-24",
        ),
        (
            "  - {id: it, name: IT, after_hours: {on_call: {dates: "
            "[{from: 2026-12-24, to: 2026-12-28, person: ann}, "
            "{from: 2026-12-28, to: 2026-12-30, person: bo}]}}}\n",
            "after_hours.on_call.dates[1]: 2026-12-28..2026-12-30 overlaps 2026-12-24..2026-12-28"
            " (ann)",
        ),
        (
            "  - {id: it, name: IT, after_hours: {on_call: {dates: [{from: 2026-12-24, "
            "person: zed}]}}}\n",
            "after_hours.on_call.dates[0].person: unknown employee id 'zed'",
        ),
    ],
)
def test_mistakes_are_named_precisely(department: str, expected: str) -> None:
    found = problems(department)
    assert any(expected in p for p in found), found


def test_every_mistake_is_reported_at_once() -> None:
    found = problems(
        "  - {id: it, name: IT, ring: {strategy: x, members: [zed]}, after_hours: {action: y}}\n"
    )
    assert len(found) >= 2


def test_an_impossible_unquoted_date_is_an_error_not_a_crash() -> None:
    found = problems(
        "  - {id: it, name: IT, after_hours: {on_call: {people: [ann], starts: 2026-13-01}}}\n"
    )
    assert found == ["d.yaml: not a valid date: month must be in 1..12"]
