"""How the simulated employees and the clock behave on `switchboard call`: everyone answers and
accepts unless told otherwise, and a call placed while the company is closed is moved to the next
morning it is open, so a newcomer trying it at night still gets a real transfer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from switchboard.adapters.simulator import EmployeeScript
from switchboard.domain.availability import is_open, next_opening
from switchboard.domain.directory import CompanyProfile, Directory
from switchboard.domain.errors import InvalidInput

EVERYONE_ACCEPTS: Mapping[str, Any] = {"answer": True, "decision": "accept"}
# Just after opening: far enough past it that "opening time" edge cases never decide the call.
SETTLE_AFTER_OPENING = timedelta(minutes=30)


class BehaviourError(InvalidInput, ValueError):
    """A bad --employee option or employees file; the message names the option, file and key."""


def parse_employee_option(text: str) -> tuple[str, dict[str, str]]:
    """`ID=answer:true,decision:accept` → (ID, {answer: "true", decision: "accept"})."""
    employee_id, sep, rest = text.partition("=")
    if not sep or not employee_id.strip():
        raise BehaviourError(f"--employee {text!r}: expected ID=answer:true,decision:accept")
    spec: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, colon, value = part.partition(":")
        if not colon or not key.strip() or not value.strip():
            raise BehaviourError(f"--employee {text!r}: {part!r} is not key:value")
        spec[key.strip()] = value.strip()
    return employee_id.strip(), spec


def read_employees_file(path: Path) -> dict[str, dict[str, Any]]:
    """A YAML mapping of employee id → behaviour, the same as a scenario's `employees:`."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BehaviourError(f"{path}: cannot read it as YAML: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise BehaviourError(f"{path}: expected a mapping of employee id to {{answer, decision}}")
    return {str(k): dict(v) for k, v in data.items()}


def employee_behaviour(
    directory: Directory,
    from_file: Mapping[str, Mapping[str, Any]] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Everyone answers and accepts; a file's entries replace that, and options replace both.
    Every entry is checked now, so a typo stops the command before the call starts."""
    known = {e.id for e in directory.employees}
    behaviour = {eid: dict(EVERYONE_ACCEPTS) for eid in known}
    for source, entries in (("--employees file", from_file), ("--employee", options)):
        for eid, spec in (entries or {}).items():
            if eid not in known:
                raise BehaviourError(f"{source}: no employee with id {eid!r} in the directory")
            try:
                EmployeeScript.from_spec(spec)
            except ValueError as exc:
                raise BehaviourError(f"{source}: {eid}: {exc}") from None
            behaviour[eid] = dict(spec)
    return behaviour


def call_time(company: CompanyProfile, now: datetime) -> tuple[datetime, bool]:
    """When the call happens: `now` if the company is open, else shortly after it next opens.
    The flag says whether the time was moved."""
    if is_open(company, now):
        return now, False
    opening = next_opening(company, now)
    if opening is None:
        return now, False  # closed for the next two weeks: the caller hears the closed message
    settled = opening + SETTLE_AFTER_OPENING
    return (settled if is_open(company, settled) else opening), True


def parse_call_time(text: str, company: CompanyProfile) -> datetime:
    """`--at` as ISO-8601; a time without an offset is in the company's timezone."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise BehaviourError(f"--at {text!r}: expected ISO-8601, e.g. 2026-11-24T10:15") from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=ZoneInfo(company.timezone))
    return at
