"""Reading tool results and putting answers into words, for the offline dialogue. Pure."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from switchboard.adapters.brain.offline.acts import Act
from switchboard.adapters.brain.offline.state import Target
from switchboard.domain.resolution.result import MAX_OFFERED


def which_one(candidates: list[Target]) -> str:
    """ "Did you mean X in Sales or Y in Engineering?"; past `MAX_OFFERED` people nobody is
    named, and the department is asked for instead."""
    if len(candidates) > MAX_OFFERED:
        return (
            f"We have {len(candidates)} people by that name. "
            "Which department do they work in, or what's their surname?"
        )
    options = [f"{c.name} in {c.department}" if c.department else c.name for c in candidates]
    if len(options) == 1:
        return f"Did you mean {options[0]}?"
    return "Did you mean " + ", ".join(options[:-1]) + " or " + options[-1] + "?"


def read_back(number: str) -> str:
    """The callback number as the agent reads it back: "612-555-0199" for North America."""
    digits = number[2:] if number.startswith("+1") else number
    spoken = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}" if len(digits) == 10 else number
    return f"I have {spoken}. Is that right?"


@dataclass(frozen=True, slots=True)
class DepartmentHours:
    """A department with hours of its own, as the offline brain speaks of it."""

    id: str
    name: str
    words: tuple[str, ...]  # its name and aliases, lower case: how a caller names it
    hours: str  # spoken (domain/availability.py describe_weekly)


def named_department(text: str, departments: Sequence[DepartmentHours]) -> DepartmentHours | None:
    """The department with own hours that `text` names ("what time does support close?")."""
    low = text.lower()
    for d in departments:
        if any(re.search(rf"\b{re.escape(w)}\b", low) for w in d.words):
            return d
    return None


def company_answer(
    wanted: tuple[Act, ...],
    text: str,
    company: str,
    info: Mapping[str, str],
    hours: str | None,
    email_format: str | None = None,
    department: DepartmentHours | None = None,
) -> str:
    """Answer each info question the turn asks (hours, street address, website, email format,
    fax, parking) from the profile's shareable facts, the opening hours and the email format.
    Hours asked about a `department` with its own hours are that department's."""
    low = text.lower()
    keys = {k.lower().replace("_", " "): k for k in info}
    parts: list[str] = []
    for act in wanted:
        if act is Act.INFO_HOURS and department is not None:
            parts.append(f"{department.name} keeps its own hours: {department.hours}.")
        elif act is Act.INFO_HOURS:
            parts.append(f"Our hours are {hours}." if hours else "")
        elif act is Act.INFO_EMAIL_FORMAT:
            parts.append(email_format or "")
        else:
            key = _INFO_KEYS[act]
            found = next((keys[k] for k in keys if key in k), None)
            if found:
                label = "street address" if key == "address" else found.replace("_", " ")
                value = info[found]
                parts.append(value if key == "parking" and len(value.split()) > 3
                             else f"Our {label} is {value}.")  # fmt: skip
    # Anything else in the profile the caller named ("what's your parking situation").
    covered = set(_INFO_KEYS.values())
    for k, original in keys.items():
        if any(c in k for c in covered):
            continue  # asked for by its own act, or not at all ("email addresses")
        if re.search(rf"\b{re.escape(k)}\b", low) and all(info[original] not in p for p in parts):
            parts.append(f"Our {k} is {info[original]}.")
    parts = [p for p in parts if p]
    return " ".join(parts) or f"I'm sorry, I don't have that information about {company}."


_INFO_KEYS = {Act.INFO_ADDRESS: "address", Act.INFO_WEBSITE: "website", Act.INFO_FAX: "fax",
              Act.INFO_PARKING: "parking"}  # fmt: skip


def tool_json(output: str) -> dict[str, object]:
    """A tool's JSON output, or {} when it is not JSON (an error string)."""
    try:
        data = json.loads(output)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def targets(value: object) -> list[Target]:
    """The employees in a `find_employee` candidates list."""
    items = value if isinstance(value, list) else []
    return [target(v) for v in items if isinstance(v, dict)]


def target(c: Mapping[str, object]) -> Target:
    dept = c.get("department")
    return Target(
        id=str(c.get("id")),
        name=str(c.get("name")),
        available=bool(c.get("available", True)),
        note=str(c.get("availability_note") or ""),
        department=str(dept) if dept else None,
    )


def pick(text: str, candidates: list[Target]) -> Target | None:
    """The candidate the caller's answer singles out ("the one in sales", "the second"), if any."""
    words = set(re.findall(r"\w+", text.lower()))
    ordinal = {"first": 0, "second": 1, "third": 2, "last": len(candidates) - 1}
    for word, index in ordinal.items():
        if word in words and index < len(candidates):
            return candidates[index]
    scored = [
        (len(words & set(re.findall(r"\w+", f"{c.name} {c.department or ''}".lower()))), c)
        for c in candidates
    ]
    best = max((score for score, _ in scored), default=0)
    winners = [c for score, c in scored if score == best]
    return winners[0] if best and len(winners) == 1 else None


def department_target(department_id: str, name: str, route: dict[str, Any]) -> Target:
    """A department whose `route` (find_employee) decides who is rung: the department is the
    target, for the transfer and for a message alike."""
    return Target(
        id=department_id,
        name=name,
        available=bool(route.get("available")),
        note=str(route.get("availability_note") or ""),
        department=name,
        department_id=department_id,
    )
