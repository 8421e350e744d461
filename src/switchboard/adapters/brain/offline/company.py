"""Where a caller goes when nobody is named, derived from the directory once per call. Pure.

(`email_format` lives in the domain: the LLM path's prompt states it too.)"""

from __future__ import annotations

import re

from switchboard.adapters.brain.offline.dialogue import FrontDesk
from switchboard.adapters.brain.offline.wording import DepartmentHours
from switchboard.domain.availability import describe_weekly
from switchboard.domain.directory import Directory
from switchboard.domain.resolution.email_format import email_format

__all__ = ["department_hours", "email_format", "front_desk"]

_DESK = re.compile(
    r"\b(?:front desk|front office|reception|receptionist|operator|switchboard)\b", re.I
)


def front_desk(directory: Directory) -> FrontDesk | None:
    """The reception department if there is one, else the first department, else nobody."""
    for dept in directory.departments:
        if any(_DESK.search(n) for n in (dept.name, *dept.aliases)) and directory.members(dept.id):
            return FrontDesk(dept.name, f"our {dept.name.lower()}")
    for dept in directory.departments:
        if directory.members(dept.id):
            return FrontDesk(dept.name, f"our {dept.name} team", reception=False)
    if directory.employees:
        first = directory.employees[0]
        return FrontDesk(first.name, first.name, reception=False)
    return None


def department_hours(directory: Directory) -> tuple[DepartmentHours, ...]:
    """The departments that keep hours of their own, as the brain answers "when is X open?"."""
    return tuple(
        DepartmentHours(
            d.id,
            d.name,
            tuple(dict.fromkeys(w.lower() for w in (d.name, *d.aliases) if w.strip())),
            describe_weekly(d.hours),
        )
        for d in directory.departments
        if d.hours is not None
    )
