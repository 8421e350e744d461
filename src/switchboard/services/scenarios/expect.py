"""Checking a scenario's `expect:` against what the call produced (docs/scenarios.md,
"`expect:`"). Every check returns readable failures; none raises."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from switchboard.domain.directory import Directory, Employee
from switchboard.services.local_call import LocalCallResult

_SIMPLE = ("outcome", "transferred_to")


def check(
    expect: Mapping[str, Any], result: LocalCallResult, directory: Directory, caller: str | None
) -> list[str]:
    """Failures of `result` against `expect` (empty: passed). Orphans always fail a scenario."""
    failures = [
        f"{key}: expected {expect[key]!r}, got {_actual(result, key)!r}"
        for key in _SIMPLE
        if key in expect and expect[key] != _actual(result, key)
    ]
    if result.leftovers != type(result.leftovers)():
        failures.append(f"left live on the phone network: {result.leftovers}")
    if "attempts" in expect:
        failures += _attempts(expect["attempts"], result)
    if "dialed" in expect and list(expect["dialed"]) != result.dialed:
        failures.append(f"dialed: expected {expect['dialed']!r}, got {result.dialed!r}")
    if "message" in expect:
        failures += _message(expect["message"], result.message)
    agent = [ln.text for ln in result.lines if ln.role == "agent"]
    for pattern in expect.get("agent_says", []):
        if not any(re.search(str(pattern), line) for line in agent):
            failures.append(f"agent_says: no agent line matches {pattern!r}")
    for pattern in expect.get("agent_never_says", []):
        said = [line for line in agent if re.search(str(pattern), line)]
        if said:
            failures.append(f"agent_never_says: {pattern!r} matched {said[0]!r}")
    if expect.get("notify_only_recipient") or "notified" in expect:
        failures += _notified(expect, result, directory, caller)
    if "paged" in expect:
        failures += _paged(expect["paged"], result, directory)
    return failures


def _paged(who: str | None, result: LocalCallResult, directory: Directory) -> list[str]:
    """`paged: <employee id>`: an SMS went to that employee's sms number (the on-call page);
    `paged: null`: no SMS went to anyone but the message's recipient."""
    texted = {to for channel, to in result.sent_to if channel == "sms"}
    if who is None:
        recipient = _recipient(result.message, directory) if result.message else None
        others = texted - _addresses(recipient)
        return [f"paged: expected nobody, {len(others)} other SMS sent"] if others else []
    person = directory.employee(who)
    if person is None or person.sms is None:
        return [f"paged: {who!r} is not an employee with an sms number"]
    return [] if person.sms in texted else [f"paged: no SMS to {who}"]


def _actual(result: LocalCallResult, key: str) -> Any:
    return result.outcome.value if key == "outcome" else result.transferred_to


def _attempts(expected: Sequence[Any], result: LocalCallResult) -> list[str]:
    if not expected:
        if result.attempts or result.dialed:
            return [f"attempts: expected none, got {result.attempts!r} (dialed {result.dialed!r})"]
        return []
    remaining = iter(result.attempts)  # in order, not necessarily contiguous
    for item in expected:
        want = item if isinstance(item, Mapping) else {"employee": item}
        if not any(all(got.get(k) == v for k, v in want.items()) for got in remaining):
            return [f"attempts: {dict(want)!r} not found in order in {result.attempts!r}"]
    return []


def _message(expected: Mapping[str, Any] | None, got: Mapping[str, Any] | None) -> list[str]:
    if expected is None:
        return [] if got is None else [f"message: expected none, got one for {got['for']!r}"]
    if got is None:
        return ["message: expected a message, none was taken"]
    failures = []
    for key, want in expected.items():
        if key == "text_min_length":
            if len(got["text"]) < int(want):
                failures.append(f"message.text: {len(got['text'])} characters, expected ≥ {want}")
        elif key == "text_has":  # words the text must contain, whatever the case
            missing = [w for w in want if str(w).lower() not in got["text"].lower()]
            if missing:
                failures.append(f"message.text: {got['text']!r} lacks {missing!r}")
        elif got.get(key) != want:
            failures.append(f"message.{key}: expected {want!r}, got {got.get(key)!r}")
    return failures


def _notified(
    expect: Mapping[str, Any], result: LocalCallResult, directory: Directory, caller: str | None
) -> list[str]:
    if result.message is None:
        return ["notifications: expected some, but no message was taken"]
    recipient = _recipient(result.message, directory)
    mine = _addresses(recipient)
    department = directory.department(result.message["for"])
    mine |= set(department.chat) if department is not None else set()  # its team channel
    allowed = mine | {a for a in (caller, result.message["callback_number"]) if a}
    failures = []
    if expect.get("notify_only_recipient"):
        for channel, to in result.sent_to:
            if to not in allowed:
                failures.append(
                    f"notify_only_recipient: the {channel} notification went to someone else"
                )
    for channel in expect.get("notified", []):
        addressed = [to for ch, to in result.sent_to if ch == channel]
        if not addressed:
            failures.append(f"notified: no {channel} notification")
        elif not any(to in mine for to in addressed):
            failures.append(f"notified: no {channel} notification to the recipient")
    return failures


def _recipient(message: Mapping[str, Any], directory: Directory) -> Employee | None:
    target = message["for"]
    if directory.employee(target) is not None:
        return directory.employee(target)
    return directory.front_contact(target) if directory.department(target) else None


def _addresses(employee: Employee | None) -> set[str]:
    if employee is None:
        return set()
    return {a for a in (employee.id, employee.email, employee.sms, *employee.chat) if a}
