"""Reading the parts of a scenario file; every problem is a ScenarioError naming file and key."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from switchboard.adapters.simulator import CallerScript, EmployeeScript
from switchboard.adapters.simulator.clock import DEFAULT_START
from switchboard.domain.errors import InvalidInput

EXPECT_KEYS = {
    "outcome", "transferred_to", "attempts", "dialed", "message", "agent_says", "agent_never_says",
    "notify_only_recipient", "notified", "record", "paged", "follow_up", "delivery", "chat_posts",
}  # fmt: skip
OUTCOMES = {
    "transferred", "message_taken", "voicemail", "info_only", "ended_by_caller", "no_transfer",
    "blocked",
}  # fmt: skip


class ScenarioError(InvalidInput, ValueError):
    """A scenario file that cannot be run as written: `<file>: <key>: <what is wrong>`."""

    def __init__(self, path: Path, key: str, reason: str) -> None:
        super().__init__(f"{path}: {key}: {reason}" if key else f"{path}: {reason}")
        self.path, self.key, self.reason = path, key, reason


def mapping(path: Path, key: str, value: Any) -> dict[str, Any]:
    """`value` as a mapping with string keys (None reads as empty)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ScenarioError(path, key or "(top level)", "must be a mapping")
    return {str(k): v for k, v in value.items()}


def known(path: Path, key: str, value: Mapping[str, Any], allowed: set[str]) -> None:
    """Refuse keys outside `allowed`: a misspelt key would otherwise be silently ignored."""
    unknown = sorted(set(value) - allowed)
    if unknown:
        where = f"{key}.{unknown[0]}" if key else unknown[0]
        raise ScenarioError(
            path, where, f"unknown key (expected one of {', '.join(sorted(allowed))})"
        )


def parse_text(path: Path, key: str, value: Any) -> str:
    """A non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(path, key, "must be a non-empty string")
    return value


def parse_directory(path: Path, value: Any) -> Path | None:
    """The directory file, resolved against the scenario's folder; it must exist."""
    if value is None:
        return None
    target = (path.parent / parse_text(path, "directory", value)).resolve()
    if not target.is_file():
        raise ScenarioError(path, "directory", f"{target} does not exist")
    return target


def parse_now(path: Path, value: Any) -> datetime:
    """The simulated start time; it must carry an offset, since hours depend on it."""
    if value is None:
        return DEFAULT_START
    if isinstance(value, datetime):
        at = value
    else:
        try:
            at = datetime.fromisoformat(str(value))
        except ValueError:
            raise ScenarioError(path, "now", f"{value!r} is not an ISO-8601 time") from None
    if at.tzinfo is None:
        raise ScenarioError(path, "now", "needs an offset or Z, e.g. 2026-11-24T10:15:00-06:00")
    return at


def parse_hangup(path: Path, value: Any) -> tuple[int | None, dict[str, Any] | None]:
    """(after_turn, None) or (None, {during, after}) or (None, None)."""
    spec = mapping(path, "caller.hangup", value)
    if not spec:
        return None, None
    if "after_turn" in spec:
        turn = spec["after_turn"]
        if len(spec) != 1 or not isinstance(turn, int) or isinstance(turn, bool) or turn < 0:
            raise ScenarioError(
                path, "caller.hangup.after_turn", "must be a whole number ≥ 0, alone"
            )
        return turn, None
    known(path, "caller.hangup", spec, {"during", "after"})
    try:
        script = CallerScript.from_spec(spec)
    except ValueError as exc:
        raise ScenarioError(path, "caller.hangup", str(exc)) from None
    if script.hangup_during is None:
        raise ScenarioError(path, "caller.hangup", "expected {after_turn: N} or {during: hold}")
    return None, spec


def parse_employees(path: Path, value: Any) -> dict[str, dict[str, Any]]:
    """Employee id → behaviour, each checked as the simulator will read it."""
    out: dict[str, dict[str, Any]] = {}
    for eid, spec in mapping(path, "employees", value).items():
        entry = mapping(path, f"employees.{eid}", spec)
        try:
            EmployeeScript.from_spec(entry)
        except ValueError as exc:
            raise ScenarioError(path, f"employees.{eid}", str(exc)) from None
        out[eid] = entry
    return out


def parse_expect(path: Path, value: Any) -> dict[str, Any]:
    """The `expect:` mapping, its keys, outcome and regexes checked."""
    expect = mapping(path, "expect", value)
    known(path, "expect", expect, EXPECT_KEYS)
    if "outcome" in expect and expect["outcome"] not in OUTCOMES:
        raise ScenarioError(path, "expect.outcome", f"must be one of {', '.join(sorted(OUTCOMES))}")
    for key in ("attempts", "dialed", "agent_says", "agent_never_says", "notified"):
        if key in expect and not isinstance(expect[key], list):
            raise ScenarioError(path, f"expect.{key}", "must be a list")
    if expect.get("message") is not None:
        mapping(path, "expect.message", expect["message"])
    if "record" in expect:
        known(path, "expect.record", mapping(path, "expect.record", expect["record"]),
              {"outcome", "verstat"})  # fmt: skip
    if "paged" in expect and expect["paged"] is not None:
        parse_text(path, "expect.paged", expect["paged"])
    for key in ("agent_says", "agent_never_says"):
        for pattern in expect.get(key, []):
            try:
                re.compile(str(pattern))
            except re.error as exc:
                raise ScenarioError(path, f"expect.{key}", f"{pattern!r}: {exc}") from None
    return expect
