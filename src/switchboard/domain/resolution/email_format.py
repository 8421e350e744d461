"""The company's email-address format, in words, from the directory: what a receptionist may tell
a caller who asks how emails are formatted. Never an address. Pure."""

from __future__ import annotations

from collections import Counter

from switchboard.domain.directory import Directory
from switchboard.domain.resolution.normalize import fold


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
