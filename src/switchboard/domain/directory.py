"""The company directory: profile, departments and employees.

Pure value objects. Validation of raw input (files, CLI) lives in
`switchboard.adapters.directory_file`; these types assume valid data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, time
from enum import StrEnum

from switchboard.domain.calendar import CalendarConfig
from switchboard.domain.routing.config import AfterHours, RingGroup, routing_names
from switchboard.domain.screening import BlockList

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class EmployeeStatus(StrEnum):
    """Presence as the directory records it. Only `busy` is presence-only (docs/call-behaviour.md)."""

    AVAILABLE = "available"
    BUSY = "busy"
    DND = "dnd"
    OUT_OF_OFFICE = "out_of_office"


# A range that ends at midnight (written "24:00") ends at the last instant of the day.
END_OF_DAY = time.max


@dataclass(frozen=True, slots=True)
class TimeRange:
    """Opening interval on one day: from `start` up to, but not including, `end`
    (`END_OF_DAY`: up to midnight, so "00:00-24:00" is the whole day)."""

    start: time
    end: time

    def contains(self, t: time) -> bool:
        return self.start <= t < self.end or (self.end == END_OF_DAY and t == END_OF_DAY)

    def __str__(self) -> str:
        end = "24:00" if self.end == END_OF_DAY else f"{self.end:%H:%M}"
        return f"{self.start:%H:%M}-{end}"


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """Opening ranges per weekday (0 = Monday). A day with no ranges is closed."""

    days: tuple[tuple[TimeRange, ...], ...] = ((),) * 7

    def on(self, weekday: int) -> tuple[TimeRange, ...]:
        return self.days[weekday]

    def as_mapping(self) -> dict[str, str]:
        """The file form: {"mon": "08:30-17:30", "sat": "closed", ...}."""
        return {
            name: (",".join(str(r) for r in ranges) if ranges else "closed")
            for name, ranges in zip(WEEKDAYS, self.days, strict=True)
        }


@dataclass(frozen=True, slots=True)
class CompanyProfile:
    name: str
    timezone: str = "UTC"
    hours: WeeklyHours = field(default_factory=WeeklyHours)
    holidays: tuple[date, ...] = ()
    greeting: str | None = None
    # Facts the agent may share with any caller (address, website, fax, ...).
    info: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Department:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    # Call routing (domain/routing/config.py); None keeps the plain front-contact behaviour.
    ring: RingGroup | None = None
    after_hours: AfterHours | None = None
    # Chat URLs (apprise form, `${VAR}` allowed) told of every message for the department.
    chat: tuple[str, ...] = ()
    # Own opening hours (company time zone; company holidays still close it); None: the company's.
    # Its employees without hours of their own work these (domain/availability.py).
    hours: WeeklyHours | None = None

    def routing_names(self) -> tuple[tuple[str, str], ...]:
        """(field, employee id) for every employee its ring group and on-call rota name, the
        field in the directory file's form: ("ring.members", "ann-lee")."""
        return routing_names(self.ring, self.after_hours)


@dataclass(frozen=True, slots=True)
class RoutingReference:
    """A department's ring group or rota naming an employee id (see `Directory.unknown_in_routing`)."""

    index: int  # the department's position in the directory
    department: str  # its id
    field: (
        str  # "ring.members", "after_hours.on_call.people", "after_hours.on_call.dates[1].person"
    )
    employee: str


@dataclass(frozen=True, slots=True)
class Employee:
    id: str
    name: str
    phone: str  # E.164; the private transfer target, never spoken or shown to callers
    aliases: tuple[str, ...] = ()
    title: str | None = None
    department: str | None = None  # a Department.id
    email: str | None = None
    sms: str | None = None  # E.164
    sip_uri: str | None = None
    status: EmployeeStatus = EmployeeStatus.AVAILABLE
    hours: WeeklyHours | None = None  # own hours; None: the department's, else the company's
    # Unknown keys from the directory file, kept so an export round-trips them.
    extra: Mapping[str, object] = field(default_factory=dict)
    # Where busy times come from (docs/calendars.md); None: no calendar.
    calendar: CalendarConfig | None = None
    # Chat URLs (apprise form: slack://, msteams://, discord://, json://, ...; `${VAR}` allowed).
    chat: tuple[str, ...] = ()

    def with_changes(self, **changes: object) -> Employee:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Directory:
    """The whole directory. Employee order is meaningful: a department's first listed employee is
    its front contact. `blocked` is the directory's own caller block list (screening uses it
    together with the BLOCKED_NUMBERS setting)."""

    company: CompanyProfile
    departments: tuple[Department, ...] = ()
    employees: tuple[Employee, ...] = ()
    blocked: BlockList = field(default_factory=BlockList)

    def employee(self, employee_id: str) -> Employee | None:
        return next((e for e in self.employees if e.id == employee_id), None)

    def department(self, department_id: str) -> Department | None:
        return next((d for d in self.departments if d.id == department_id), None)

    def members(self, department_id: str) -> tuple[Employee, ...]:
        return tuple(e for e in self.employees if e.department == department_id)

    def front_contact(self, department_id: str) -> Employee | None:
        """The employee a department request goes to: its first listed member."""
        members = self.members(department_id)
        return members[0] if members else None

    def routing_references(self) -> tuple[RoutingReference, ...]:
        """Every employee id the departments' ring groups and rotas name, in department order."""
        return tuple(
            RoutingReference(index, d.id, where, employee_id)
            for index, d in enumerate(self.departments)
            for where, employee_id in d.routing_names()
        )

    def unknown_in_routing(self) -> tuple[RoutingReference, ...]:
        """The references to employee ids that are not in this directory (refused on import)."""
        known = {e.id for e in self.employees}
        return tuple(r for r in self.routing_references() if r.employee not in known)

    def is_empty(self) -> bool:
        return not self.employees and not self.departments
