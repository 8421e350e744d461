"""Writing the YAML directory file (the inverse of `parse_directory_yaml`)."""

from __future__ import annotations

from typing import Any

import yaml

from switchboard.domain.directory import Department, Directory, Employee

from .routing import after_hours_to_mapping, ring_to_mapping


def dump_directory_yaml(directory: Directory) -> str:
    """The YAML file form; `parse_directory_yaml` turns it back into an equal Directory."""
    c = directory.company
    company: dict[str, Any] = {
        "name": c.name,
        "timezone": c.timezone,
        "hours": c.hours.as_mapping(),
    }
    company["holidays"] = [d.isoformat() for d in c.holidays]
    if c.info:
        company["info"] = dict(c.info)
    if c.greeting is not None:
        company["greeting"] = c.greeting
    data: dict[str, Any] = {
        "company": company,
        "departments": [department_to_mapping(d) for d in directory.departments],
        "employees": [employee_to_mapping(e) for e in directory.employees],
    }
    if directory.blocked:
        data["blocked"] = list(directory.blocked.entries)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def department_to_mapping(d: Department) -> dict[str, Any]:
    data: dict[str, Any] = {"id": d.id, "name": d.name, "aliases": list(d.aliases)}
    if d.hours is not None:
        data["hours"] = d.hours.as_mapping()
    if d.ring is not None:
        data["ring"] = ring_to_mapping(d.ring)
    if d.after_hours is not None:
        data["after_hours"] = after_hours_to_mapping(d.after_hours)
    if d.chat:
        data["chat"] = list(d.chat)
    return data


def employee_to_mapping(e: Employee) -> dict[str, Any]:
    """Known fields in file order (empty ones left out), then the extra keys as they came."""
    data: dict[str, Any] = {"id": e.id, "name": e.name}
    if e.aliases:
        data["aliases"] = list(e.aliases)
    optional = {
        "title": e.title,
        "department": e.department,
        "phone": e.phone,
        "email": e.email,
        "sms": e.sms,
        "sip_uri": e.sip_uri,
        "status": e.status.value,
    }
    data |= {k: v for k, v in optional.items() if v is not None}
    if e.hours is not None:
        data["hours"] = e.hours.as_mapping()
    if e.calendar is not None:
        data["calendar"] = e.calendar.as_mapping()
    if e.chat:
        data["chat"] = list(e.chat)
    data |= {k: v for k, v in e.extra.items() if k not in data}
    return data
