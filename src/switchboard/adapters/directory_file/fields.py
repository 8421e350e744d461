"""Validators for single values of a directory file. Each raises FieldError with the reason."""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime

from switchboard.adapters.chat_urls import MAX_CHAT_URLS, ChatUrlError
from switchboard.adapters.chat_urls import check as check_chat_url
from switchboard.domain.directory import EmployeeStatus
from switchboard.domain.phone import InvalidPhoneNumber, to_e164

from .errors import FieldError
from .hours import day_ranges, hours_text, optional_weekly_hours, weekly_hours

__all__ = ["day_ranges", "hours_text", "optional_weekly_hours", "weekly_hours"]

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Deliberately simple: one @, no spaces, a dotted domain. Deliverability is the mail server's job.
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
_EXTENSION = re.compile(r"(?i)(?:ext\.?|x|#)\s*\d+\s*$")
_SIP = re.compile(r"^sips?:[^\s@]+@[^\s@]+$")


def text(value: object, *, required: bool = False) -> str | None:
    """Trimmed text; numbers are accepted as text (YAML reads `title: 2024` as an int)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise FieldError("is required and must not be empty")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldError(f"must be text, not {type(value).__name__}")
    return str(value).strip()


def required_text(value: object) -> str:
    result = text(value, required=True)
    assert result is not None  # required=True never returns None
    return result


def slug(value: object) -> str:
    result = required_text(value)
    if not _SLUG.match(result):
        raise FieldError(f"{result!r} is not a valid id (lowercase letters, digits and hyphens)")
    return result


def optional_slug(value: object) -> str | None:
    return None if text(value) is None else slug(value)


def phone(value: object, region: str) -> str:
    raw = required_text(value)
    if _EXTENSION.search(raw):
        # The transfer target must reach the person directly; an extension would be dropped.
        raise FieldError(f"{raw!r} has an extension; give a direct number")
    try:
        return to_e164(raw, region)
    except InvalidPhoneNumber as exc:
        hint = " (write phone numbers in quotes in YAML)" if isinstance(value, int) else ""
        raise FieldError(f"{exc}{hint}") from None


def optional_phone(value: object, region: str) -> str | None:
    return None if text(value) is None else phone(value, region)


def email(value: object) -> str | None:
    result = text(value)
    if result is not None and not _EMAIL.match(result):
        raise FieldError(f"{result!r} is not a valid email address")
    return result


def sip_uri(value: object) -> str | None:
    result = text(value)
    if result is not None and not _SIP.match(result):
        raise FieldError(f"{result!r} is not a SIP URI like sip:user@host")
    return result


def status(value: object) -> EmployeeStatus:
    raw = text(value)
    if raw is None:
        return EmployeeStatus.AVAILABLE
    key = raw.lower().replace("-", "_").replace(" ", "_")
    try:
        return EmployeeStatus(key)
    except ValueError:
        known = ", ".join(s.value for s in EmployeeStatus)
        raise FieldError(f"unknown status {raw!r} (known: {known})") from None


def aliases(value: object) -> tuple[str, ...]:
    """A YAML list of names, or one ';'-separated string (CSV and command line)."""
    if value is None:
        return ()
    items: list[object] = value.split(";") if isinstance(value, str) else value  # type: ignore[assignment]
    if not isinstance(items, list):
        raise FieldError("must be a list of names or a ';'-separated string")
    cleaned = (text(item) for item in items)
    return tuple(dict.fromkeys(a for a in cleaned if a))


def holiday(value: object) -> date:
    if isinstance(value, datetime):
        raise FieldError(f"{value!s} has a time; holidays are whole dates like 2026-12-25")
    if isinstance(value, date):
        return value
    raw = required_text(value)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FieldError(f"{raw!r} is not a date like 2026-12-25") from None


def timezone(value: object) -> str:
    raw = required_text(value)
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise FieldError(f"{raw!r} is not an IANA time zone like America/Chicago") from None
    return raw


def chat_urls(value: object) -> tuple[str, ...]:
    """Chat URLs: a YAML list, or one ';'-separated string (CSV). Each must be an apprise URL
    once `${VAR}`s are expanded from the environment; the error names the item (1-based) and
    shows the URL masked, never its tokens."""
    if value is None:
        return ()
    items: list[object] = value.split(";") if isinstance(value, str) else value  # type: ignore[assignment]
    if not isinstance(items, list):
        raise FieldError("must be a list of chat URLs or a ';'-separated string")
    urls: list[str] = []
    for number, item in enumerate(items, start=1):
        raw = text(item)
        if raw is None:
            continue
        try:
            urls.append(check_chat_url(raw))
        except ChatUrlError as exc:
            raise FieldError(f"URL {number}: {exc}") from None
    if len(urls) > MAX_CHAT_URLS:
        raise FieldError(f"{len(urls)} chat URLs; at most {MAX_CHAT_URLS}")
    return tuple(dict.fromkeys(urls))
