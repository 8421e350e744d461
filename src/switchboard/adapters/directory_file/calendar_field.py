"""An employee's `calendar:` in a directory file (docs/directory-format.md, "Calendars").

YAML:   calendar: {ics: https://example.com/dana.ics}
        calendar: {caldav: {url: https://dav.example.com/dana/work/, username: dana,
                            password_env: DANA_CALDAV_PASSWORD}}
CSV:    one cell, `ics=https://…` or `caldav=https://…;username=dana;password_env=DANA_CALDAV_PASSWORD`

A password is never accepted in the file: `password_env` names the environment variable that
holds it.
"""

from __future__ import annotations

from collections.abc import Mapping

from switchboard.domain.calendar import CalendarConfig, CalendarConfigError

from .errors import FieldError

_CALDAV_KEYS = {"url", "username", "password_env"}


def calendar(value: object) -> CalendarConfig | None:
    """The validated calendar, None when not given; FieldError naming the problem."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        value = _from_text(value)
    if not isinstance(value, Mapping):
        raise FieldError("must be a mapping with ics: URL or caldav: {url, username, password_env}")
    keys = set(map(str, value))
    if keys - {"ics", "caldav"} or len(keys) != 1:
        raise FieldError("give exactly one of ics or caldav")
    try:
        if "ics" in keys:
            return CalendarConfig(ics=_text(value["ics"], "ics"))
        return _caldav(value["caldav"])
    except CalendarConfigError as exc:
        raise FieldError(str(exc).removeprefix("calendar: ")) from None


def _caldav(value: object) -> CalendarConfig:
    if isinstance(value, str):
        value = {"url": value}
    if not isinstance(value, Mapping):
        raise FieldError("caldav must be a mapping: {url, username, password_env}")
    keys = {str(k) for k in value}
    if "password" in keys:
        raise FieldError(
            "caldav.password is not allowed in the directory file: put the password in an "
            "environment variable and name it with password_env"
        )
    unknown = sorted(keys - _CALDAV_KEYS)
    if unknown:
        raise FieldError(f"caldav.{unknown[0]}: unknown key (expected url, username, password_env)")
    username = value.get("username")
    password_env = value.get("password_env")
    return CalendarConfig(
        caldav=_text(value.get("url"), "caldav.url"),
        username=_text(username, "caldav.username") if username is not None else None,
        password_env=_text(password_env, "caldav.password_env") if password_env else None,
    )


def _text(value: object, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FieldError(f"{key} must be non-empty text")
    return value.strip()


def _from_text(text: str) -> dict[str, object]:
    """The CSV cell form: `ics=URL` or `caldav=URL;username=…;password_env=…`."""
    parts = [p.strip() for p in text.split(";") if p.strip()]
    pairs: dict[str, str] = {}
    for part in parts:
        key, sep, val = part.partition("=")
        if not sep:
            raise FieldError(f"{part!r} is not key=value (e.g. ics=https://example.com/dana.ics)")
        pairs[key.strip().lower()] = val.strip()
    if "ics" in pairs:
        if len(pairs) > 1:
            raise FieldError("ics= takes no other keys")
        return {"ics": pairs["ics"]}
    if "caldav" in pairs:
        rest = {k: v for k, v in pairs.items() if k != "caldav"}
        return {"caldav": {"url": pairs["caldav"], **rest}}
    raise FieldError("must start with ics= or caldav=")


def calendar_text(config: CalendarConfig) -> str:
    """The CSV cell form of `config` (read back by `calendar`)."""
    if config.ics:
        return f"ics={config.ics}"
    parts = [f"caldav={config.caldav}"]
    if config.username:
        parts.append(f"username={config.username}")
    if config.password_env:
        parts.append(f"password_env={config.password_env}")
    return ";".join(parts)
