"""The YAML directory file: company profile, departments and employees in one document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.screening import BlockList, BlockListError, block_entry

from . import fields, routing
from .errors import DirectoryFileError, FieldError, ProblemLog
from .rows import EMPLOYEE_FIELDS, employee_from_mapping, employee_location

# The libyaml safe loader is ~10x faster; same safe subset of YAML as yaml.safe_load.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TOP = ("company", "departments", "employees", "blocked")
_COMPANY = ("name", "timezone", "hours", "holidays", "info", "greeting")
_DEPARTMENT = ("id", "name", "aliases", "chat", "hours", "ring", "after_hours")


def parse_directory_yaml(
    text: str, source: str = "<yaml>", default_region: str = "US"
) -> Directory:
    """Parse and validate a whole directory; raise DirectoryFileError naming every problem."""
    try:
        data = yaml.load(text, Loader=_LOADER)  # safe: _LOADER is a SafeLoader
    except yaml.YAMLError as exc:
        raise DirectoryFileError.single(source, f"not valid YAML: {_one_line(exc)}") from None
    except ValueError as exc:  # the YAML date resolver reads 2026-13-01 and refuses it
        raise DirectoryFileError.single(source, f"not a valid date: {exc}") from None
    if data is None:
        raise DirectoryFileError.single(source, "the file is empty")
    if not isinstance(data, Mapping):
        raise DirectoryFileError.single(
            source, "the top level must be a mapping with company, departments, employees"
        )
    log = ProblemLog(source)
    _unknown_keys(log, "", data, _TOP)
    company = company_from_mapping(log, data.get("company"))
    departments = _departments(log, _list(log, data, "departments"))
    employees = _employees(log, _list(log, data, "employees"), default_region, departments)
    routing.check_references(log, departments, employees, _department_location)
    blocked = _blocked(log, _list(log, data, "blocked"))
    log.raise_if_any()
    assert company is not None  # no problems means the company parsed
    return Directory(company, tuple(departments), tuple(employees), blocked)


def _blocked(log: ProblemLog, items: list[Any]) -> BlockList:
    """The directory's caller block list: E.164 numbers and '+' prefixes, each checked."""
    entries: list[str] = []
    for index, raw in enumerate(items):
        if isinstance(raw, bool) or not isinstance(raw, str | int):
            log.add(f"blocked[{index}]", None, 'must be text like "+1900" or "+16125550100"')
            continue
        if isinstance(raw, int):
            # YAML reads an unquoted +16125550100 as a number: the + is lost.
            log.add(f"blocked[{index}]", None, f'{raw} is a number: quote it ("+{raw}")')
            continue
        try:
            entries.append(block_entry(raw))
        except BlockListError as exc:
            log.add(f"blocked[{index}]", None, str(exc))
    return BlockList(tuple(dict.fromkeys(entries)))


def _one_line(exc: yaml.YAMLError) -> str:
    return " ".join(str(exc).split())


def _unknown_keys(
    log: ProblemLog, location: str, data: Mapping[Any, Any], known: tuple[str, ...]
) -> None:
    # Unknown keys here would be silently lost (and a typo like `employes:` would empty a --replace).
    for key in data:
        if key not in known:
            log.add(location, str(key), f"unknown key (allowed: {', '.join(known)})")


def _list(log: ProblemLog, data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        log.add("", key, f"must be a list, not {type(value).__name__}")
        return []
    return value


def company_from_mapping(
    log: ProblemLog, raw: object, location: str = "company"
) -> CompanyProfile | None:
    """The company profile from its YAML mapping (or a CSV company row in that form)."""
    if not isinstance(raw, Mapping):
        log.add("", "company", "is required and must be a mapping (name, timezone, hours, ...)")
        return None
    _unknown_keys(log, "company", raw, _COMPANY)
    values: dict[str, Any] = {}
    checks: dict[str, Any] = {
        "name": fields.required_text,
        "timezone": fields.timezone,
        "hours": lambda v: fields.weekly_hours(v) if v is not None else _missing(),
        "greeting": fields.text,
        "holidays": _holidays,
        "info": _info,
    }
    for key, check in checks.items():
        try:
            values[key] = check(raw.get(key))
        except FieldError as exc:
            log.add(location, key, str(exc))
    return CompanyProfile(**values) if len(values) == len(checks) else None


def _missing() -> Any:
    raise FieldError("is required (a missing weekday is closed)")


def _holidays(value: object) -> tuple[Any, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise FieldError("must be a list of dates like 2026-12-25")
    return tuple(sorted(set(fields.holiday(v) for v in value)))


def _info(value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise FieldError("must be a mapping like {address: ..., website: ...}")
    result = {str(k): fields.text(v) for k, v in value.items()}
    return {k: v for k, v in result.items() if v is not None}


def _departments(log: ProblemLog, items: list[Any]) -> list[Department]:
    result: list[Department] = []
    seen: set[str] = set()
    for index, raw in enumerate(items):
        location = f"departments[{index}]"
        if not isinstance(raw, Mapping):
            log.add(location, None, "must be a mapping with id, name, aliases")
            continue
        if isinstance(raw.get("id"), str):
            location += f" (id={raw['id']})"
        _unknown_keys(log, location, raw, _DEPARTMENT)
        values: dict[str, Any] = {}
        for key, check in (
            ("id", fields.slug),
            ("name", fields.required_text),
            ("aliases", fields.aliases),
            ("chat", fields.chat_urls),
            ("hours", fields.optional_weekly_hours),
        ):
            try:
                values[key] = check(raw.get(key))
            except FieldError as exc:
                log.add(location, key, str(exc))
        if values.get("id") in seen:
            log.add(location, "id", f"duplicate department id {values['id']!r}")
        seen.add(values.get("id", ""))
        routed = _routing(log, location, raw)
        if len(values) == 5 and routed is not None:
            result.append(Department(**values, ring=routed[0], after_hours=routed[1]))
    return result


def _routing(log: ProblemLog, location: str, raw: Mapping[str, Any]) -> tuple[Any, Any] | None:
    """The department's ring group and after-hours rule; None when either is refused."""
    before = len(log.problems)

    def report(field: str, reason: str) -> None:
        log.add(location, field, reason)

    ring = routing.parse_ring(raw.get("ring"), report)
    after_hours = routing.parse_after_hours(raw.get("after_hours"), report)
    return (ring, after_hours) if len(log.problems) == before else None


def _department_location(index: int, department: Department) -> str:
    return f"departments[{index}] (id={department.id})"


def _employees(
    log: ProblemLog, items: list[Any], region: str, departments: list[Department]
) -> list[Employee]:
    result: list[Employee] = []
    seen: set[str] = set()
    known = {d.id for d in departments}
    for index, raw in enumerate(items):
        base = f"employees[{index}]"
        if not isinstance(raw, Mapping):
            log.add(base, None, f"must be a mapping with {', '.join(EMPLOYEE_FIELDS[:3])}, ...")
            continue
        employee = employee_from_mapping(raw, log, base, region)
        department = raw.get("department")
        if isinstance(department, str) and department.strip() and department.strip() not in known:
            log.add(
                employee_location(base, raw),
                "department",
                f"unknown department {department.strip()!r} (not in departments)",
            )
        if employee is not None and employee.id in seen:
            log.add(f"{base} (id={employee.id})", "id", f"duplicate employee id {employee.id!r}")
        elif employee is not None:
            seen.add(employee.id)
            result.append(employee)
    return result
