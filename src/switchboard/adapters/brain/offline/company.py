"""What the offline brain derives from the directory once per call: the email-address format it
may describe (never an address) and where a caller goes when nobody is named. Pure."""

from __future__ import annotations

import re
from collections import Counter

from switchboard.adapters.brain.offline.dialogue import FrontDesk
from switchboard.domain.directory import Directory
from switchboard.domain.resolution.normalize import fold

_DESK = re.compile(
    r"\b(?:front desk|front office|reception|receptionist|operator|switchboard)\b", re.I
)


def email_format(directory: Directory) -> str | None:
    """ "Our email addresses are first name dot last name, at lakeshoresupply dot example." when
    most employees' addresses follow one pattern; the domain is spoken, no address is given."""
    styles: Counter[tuple[str, str]] = Counter()
    for emp in directory.employees:
        if not emp.email or "@" not in emp.email:
            continue
        local, _, domain = emp.email.lower().partition("@")
        parts = [p.replace(" ", "") for p in fold(emp.name).split(" ", 1)]
        if len(parts) < 2:
            continue
        first, last = parts[0], fold(emp.name.split()[-1]).replace(" ", "")
        full_last = parts[1]
        for style, shape in (
            ("first name dot last name", {f"{first}.{last}", f"{first}.{full_last}"}),
            ("first initial and last name", {f"{first[:1]}{last}", f"{first[:1]}{full_last}"}),
            ("first name and last name with no separator", {f"{first}{last}"}),
            ("first name underscore last name", {f"{first}_{last}"}),
            ("first name", {first}),
        ):
            if local in shape:
                styles[(style, domain)] += 1
                break
    if not styles:
        return None
    (style, domain), count = styles.most_common(1)[0]
    if count * 2 < sum(styles.values()):
        return None
    spoken = " dot ".join(domain.split("."))
    return f"Our email addresses are {style}, at {spoken}."


def front_desk(directory: Directory) -> FrontDesk | None:
    """The reception department if there is one, else the first department, else nobody."""
    for dept in directory.departments:
        if any(_DESK.search(n) for n in (dept.name, *dept.aliases)) and directory.members(dept.id):
            return FrontDesk(dept.name, f"our {dept.name.lower()}")
    for dept in directory.departments:
        if directory.members(dept.id):
            return FrontDesk(dept.name, f"our {dept.name} team")
    if directory.employees:
        first = directory.employees[0]
        return FrontDesk(first.name, first.name)
    return None
