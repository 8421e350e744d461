"""A department's routing (ring group, after-hours rule) to its JSON column and back.

The stored form is the directory file's form (adapters/directory_file/routing.py), so one reader
validates both and an export writes back exactly what was imported.
"""

from __future__ import annotations

from typing import Any

from switchboard.adapters.directory_file.routing import (
    after_hours_to_mapping,
    parse_after_hours,
    parse_ring,
    ring_to_mapping,
)
from switchboard.domain.directory import Department
from switchboard.domain.routing.config import AfterHours, RingGroup


def routing_to_json(department: Department) -> dict[str, Any] | None:
    if department.ring is None and department.after_hours is None:
        return None
    return {
        "ring": ring_to_mapping(department.ring) if department.ring else None,
        "after_hours": (
            after_hours_to_mapping(department.after_hours) if department.after_hours else None
        ),
    }


def routing_from_json(value: Any, department_id: str) -> tuple[RingGroup | None, AfterHours | None]:
    """The inverse of `routing_to_json`; raises ValueError naming the department when unreadable."""
    if value is None:
        return None, None
    problems: list[str] = []

    def report(field: str, reason: str) -> None:
        problems.append(f"{field}: {reason}")

    if not isinstance(value, dict):
        problems.append("routing: not a JSON object")
        ring = after_hours = None
    else:
        ring = parse_ring(value.get("ring"), report)
        after_hours = parse_after_hours(value.get("after_hours"), report)
    if problems:
        raise ValueError(
            f"stored department {department_id!r} is unreadable: {'; '.join(problems)}"
        )
    return ring, after_hours
