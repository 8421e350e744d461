"""Scenario files (docs/scenarios.md): reading and checking them, with errors that name the file
and the key, so a typo never silently changes what a scenario tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from switchboard.domain.phone import is_e164
from switchboard.services.local_call import DEFAULT_CALLER
from switchboard.services.scenarios.extras import ScenarioExtras, parse_extras
from switchboard.services.scenarios.fields import (
    ScenarioError,
    known,
    mapping,
    parse_directory,
    parse_employees,
    parse_expect,
    parse_hangup,
    parse_now,
    parse_text,
)
from switchboard.services.scenarios.follow_ups import check_expect_keys, parse_chat_service
from switchboard.services.scenarios.voicemail import parse_voicemail

TOP_KEYS = {
    "name", "description", "directory", "now", "caller", "employees", "expect",
    "history", "screening", "calendars", "chat_service", "voicemail",
}  # fmt: skip
CALLER_KEYS = {"number", "turns", "hangup", "verstat"}


@dataclass(frozen=True, slots=True)
class Scenario:
    """One scripted call and what it must produce."""

    name: str
    path: Path
    directory: Path | None
    now: datetime
    caller_number: str | None
    turns: tuple[str, ...]
    after_turn: int | None = None  # hang up right after this many turns
    hangup: Mapping[str, Any] | None = None  # {during: hold|ringing|consultation}
    employees: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    expect: Mapping[str, Any] = field(default_factory=dict)
    # Calendars, caller memory and screening (services/scenarios/extras.py).
    extras: ScenarioExtras = field(default_factory=ScenarioExtras)
    chat_service: Mapping[str, Any] | None = None  # deliver to a local chat service after the call
    voicemail: Mapping[str, Any] | None = None  # the fallback path: a recorded voicemail, no call


def is_scenario_file(path: Path) -> bool:
    """False for a directory file (it has `company:`) kept next to the scenarios."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return True  # let load_scenario report the problem
    return not (isinstance(data, dict) and "company" in data)


def load_scenario(path: Path) -> Scenario:
    """Read and check one scenario file; raises ScenarioError naming the file and key."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError(path, "", f"cannot read it: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(path, "", f"not valid YAML: {exc}") from None
    top = mapping(path, "", data)
    known(path, "", top, TOP_KEYS)
    caller = mapping(path, "caller", top.get("caller", {}))
    known(path, "caller", caller, CALLER_KEYS)
    turns = caller.get("turns", [])
    if not isinstance(turns, list) or not all(isinstance(t, str) for t in turns):
        raise ScenarioError(path, "caller.turns", "must be a list of strings")
    number = caller.get("number", DEFAULT_CALLER)
    if number is not None and not (isinstance(number, str) and is_e164(number)):
        raise ScenarioError(path, "caller.number", f"{number!r} is not an E.164 number")
    after_turn, during = parse_hangup(path, caller.get("hangup"))
    expect = parse_expect(path, top.get("expect", {}))
    check_expect_keys(path, expect)
    return Scenario(
        name=parse_text(path, "name", top.get("name", path.stem)),
        path=path,
        directory=parse_directory(path, top.get("directory")),
        now=parse_now(path, top.get("now")),
        caller_number=number,
        turns=tuple(turns),
        after_turn=after_turn,
        hangup=during,
        employees=parse_employees(path, top.get("employees", {})),
        expect=expect,
        extras=parse_extras(path, top, caller),
        chat_service=parse_chat_service(path, top.get("chat_service")),
        voicemail=parse_voicemail(path, top.get("voicemail")),
    )
