"""Who is on call, and what a department does outside business hours. Pure.

Days are the company's local days (its time zone), like business hours. A weekly rotation hands
over at local midnight on the weekday of `starts`; before `starts` it runs backwards, so every
instant has someone. Dated shifts cover whole local days, both ends included.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from switchboard.domain.availability import department_open
from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.routing.config import AfterHoursAction, OnCallRota


def on_call_id(rota: OnCallRota, company: CompanyProfile, at: datetime) -> str | None:
    """The employee id on call at the aware instant `at`, or None when the rota has a gap."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("`at` must be timezone-aware (naive datetimes are ambiguous)")
    day = at.astimezone(ZoneInfo(company.timezone)).date()
    for shift in rota.shifts:
        if shift.start <= day <= shift.end:
            return shift.person
    if rota.people and rota.starts is not None:
        week = (day - rota.starts).days // 7
        return rota.people[week % len(rota.people)]
    return None


def on_call_person(directory: Directory, department: Department, at: datetime) -> Employee | None:
    """The department's on-call employee at `at` (None without a rota, a gap, or an unknown id)."""
    rota = department.after_hours.on_call if department.after_hours else None
    if rota is None:
        return None
    person = on_call_id(rota, directory.company, at)
    return directory.employee(person) if person is not None else None


def after_hours_action(
    department: Department, company: CompanyProfile, at: datetime
) -> AfterHoursAction | None:
    """What the department does with a call at `at`: None while it is open (its own hours, else
    the company's; the company's holidays count as closed), else its after-hours action
    (`message` when it has none)."""
    if department_open(company, department, at):
        return None
    if department.after_hours is None:
        return AfterHoursAction.MESSAGE
    return department.after_hours.action


def department_of(
    directory: Directory, recipient_kind: str, recipient_id: str
) -> Department | None:
    """The department a message is for: the department itself, or an employee's department."""
    if recipient_kind == "department":
        return directory.department(recipient_id)
    employee = directory.employee(recipient_id)
    if employee is None or employee.department is None:
        return None
    return directory.department(employee.department)
