"""Directory value objects to table rows and back.

Weekly hours are stored as {"mon": ["08:30-17:30"], ..., "sun": []}; dates as ISO strings;
statuses by their value. A row that cannot be read raises `ValueError` naming the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from typing import Any

from switchboard.adapters.sqlalchemy.routing_mapping import routing_from_json, routing_to_json
from switchboard.domain.calendar import CalendarConfig
from switchboard.domain.directory import (
    END_OF_DAY,
    WEEKDAYS,
    CompanyProfile,
    Department,
    Employee,
    EmployeeStatus,
    TimeRange,
    WeeklyHours,
)
from switchboard.domain.screening import BlockList

Row = Mapping[Any, Any]  # SQLAlchemy RowMapping keys are str or Column


def hours_to_json(hours: WeeklyHours) -> dict[str, list[str]]:
    """Every weekday in order, each with its ranges ("HH:MM-HH:MM"); a closed day is []."""
    return {
        name: [f"{_time_text(r.start)}-{_time_text(r.end)}" for r in ranges]
        for name, ranges in zip(WEEKDAYS, hours.days, strict=True)
    }


def hours_from_json(value: Mapping[str, Any]) -> WeeklyHours:
    """The inverse of `hours_to_json`; a missing day is closed."""
    unknown = set(value) - set(WEEKDAYS)
    if unknown:
        raise ValueError(f"unknown weekday(s) {sorted(unknown)} in stored hours")
    return WeeklyHours(tuple(tuple(_range(text) for text in value.get(d, ())) for d in WEEKDAYS))


def company_to_row(company: CompanyProfile) -> dict[str, Any]:
    return {
        "name": company.name,
        "timezone": company.timezone,
        "hours": hours_to_json(company.hours),
        "holidays": [d.isoformat() for d in company.holidays],
        "greeting": company.greeting,
        "info": dict(company.info),
    }


def company_from_row(row: Row) -> CompanyProfile:
    try:
        return CompanyProfile(
            name=row["name"],
            timezone=row["timezone"],
            hours=hours_from_json(row["hours"]),
            holidays=tuple(date.fromisoformat(d) for d in row["holidays"]),
            greeting=row["greeting"],
            info=dict(row["info"]),
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"stored company profile is unreadable: {exc}") from exc


def blocked_from_row(row: Row | None) -> BlockList:
    """The stored block list (already validated on the way in: read as is)."""
    entries = row.get("blocked") if row is not None else None
    return BlockList(tuple(entries or ()))


def department_to_row(department: Department, position: int) -> dict[str, Any]:
    return {
        "id": department.id,
        "name": department.name,
        "aliases": list(department.aliases),
        "position": position,
        "routing": routing_to_json(department),
        "chat": list(department.chat) or None,
        "hours": hours_to_json(department.hours) if department.hours is not None else None,
    }


def department_from_row(row: Row) -> Department:
    ring, after_hours = routing_from_json(row.get("routing"), row["id"])
    return Department(
        id=row["id"],
        name=row["name"],
        aliases=tuple(row["aliases"]),
        ring=ring,
        after_hours=after_hours,
        chat=_chat(row),
        hours=_department_hours(row),
    )


def _department_hours(row: Row) -> WeeklyHours | None:
    # A row written before migration 0013 (or read by a narrower select) has none: the company's.
    value = row.get("hours")
    if value is None:
        return None
    try:
        return hours_from_json(value)
    except (TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"stored department {row['id']!r} is unreadable: hours: {exc}") from exc


def employee_to_row(employee: Employee, position: int) -> dict[str, Any]:
    return {
        "id": employee.id,
        "name": employee.name,
        "aliases": list(employee.aliases),
        "title": employee.title,
        "department_id": employee.department,
        "phone": employee.phone,
        "email": employee.email,
        "sms": employee.sms,
        "sip_uri": employee.sip_uri,
        "status": employee.status.value,
        "hours": hours_to_json(employee.hours) if employee.hours is not None else None,
        # The calendar rides in `extra` (no column of its own): {"calendar": {"ics": URL}}.
        "extra": dict(employee.extra) | calendar_json(employee.calendar),
        "position": position,
        "chat": list(employee.chat) or None,
    }


def employee_from_row(row: Row) -> Employee:
    try:
        return Employee(
            id=row["id"],
            name=row["name"],
            phone=row["phone"],
            aliases=tuple(row["aliases"]),
            title=row["title"],
            department=row["department_id"],
            email=row["email"],
            sms=row["sms"],
            sip_uri=row["sip_uri"],
            status=EmployeeStatus(row["status"]),
            hours=hours_from_json(row["hours"]) if row["hours"] is not None else None,
            extra={k: v for k, v in row["extra"].items() if k != CALENDAR_KEY},
            calendar=calendar_from_json(row["extra"].get(CALENDAR_KEY)),
            chat=_chat(row),
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"stored employee {row['id']!r} is unreadable: {exc}") from exc


def _chat(row: Row) -> tuple[str, ...]:
    # A row written before migration 0011 (or by a reader that selects fewer columns) has none.
    return tuple(row.get("chat") or ())


def _time_text(t: time) -> str:
    # Minutes are the norm; keep seconds only when present so nothing is lost. A range that runs
    # to midnight ends at "24:00", as in the directory file.
    if t == END_OF_DAY:
        return "24:00"
    return t.isoformat() if t.second or t.microsecond else f"{t:%H:%M}"


def _range(text: str) -> TimeRange:
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError(f"{text!r} is not a time range like 08:30-17:30")
    return TimeRange(
        time.fromisoformat(start), END_OF_DAY if end == "24:00" else time.fromisoformat(end)
    )


CALENDAR_KEY = "calendar"


def calendar_json(config: CalendarConfig | None) -> dict[str, Any]:
    """{"calendar": {...}} to merge into the stored `extra`, or {} without a calendar."""
    return {CALENDAR_KEY: config.as_mapping()} if config is not None else {}


def calendar_from_json(value: Any) -> CalendarConfig | None:
    """The inverse of `calendar_json` (a password is never stored, so none is read)."""
    if not isinstance(value, Mapping):
        return None
    if "ics" in value:
        return CalendarConfig(ics=str(value["ics"]))
    dav = value.get("caldav")
    if not isinstance(dav, Mapping):
        raise ValueError("stored calendar has neither ics nor caldav")
    return CalendarConfig(
        caldav=str(dav["url"]), username=dav.get("username"), password_env=dav.get("password_env")
    )
