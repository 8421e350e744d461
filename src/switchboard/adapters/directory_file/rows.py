"""One employee from raw key/value input (a YAML mapping, a CSV row, a CLI update), validated."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from switchboard.domain.directory import Employee

from . import calendar_field
from . import fields as rules
from .errors import FieldError, ProblemLog

# Field name → validator(raw value, default region). Order is the file order of the columns.
_Validator = Callable[[object, str], Any]
VALIDATORS: dict[str, _Validator] = {
    "id": lambda v, _: rules.slug(v),
    "name": lambda v, _: rules.required_text(v),
    "aliases": lambda v, _: rules.aliases(v),
    "title": lambda v, _: rules.text(v),
    "department": lambda v, _: rules.optional_slug(v),
    "phone": rules.phone,
    "email": lambda v, _: rules.email(v),
    "sms": rules.optional_phone,
    "sip_uri": lambda v, _: rules.sip_uri(v),
    "status": lambda v, _: rules.status(v),
    "hours": lambda v, _: rules.optional_weekly_hours(v),
    "calendar": lambda v, _: calendar_field.calendar(v),
    "chat": lambda v, _: rules.chat_urls(v),
}
EMPLOYEE_FIELDS: tuple[str, ...] = tuple(VALIDATORS)
_UNSEEN = object()


def employee_location(base: str, raw: Mapping[str, object]) -> str:
    """`base` plus the employee id when the input has a readable one: "row 4 (id=ann-lee)"."""
    try:
        return f"{base} (id={rules.slug(raw.get('id'))})"
    except FieldError:
        return base


# (field, raw text or None) → the validated value, or the FieldError it raised.
Verdicts = dict[tuple[str, str | None], Any]


def employee_from_mapping(
    raw: Mapping[str, object],
    log: ProblemLog,
    base_location: str,
    region: str,
    verdicts: Verdicts | None = None,
) -> Employee | None:
    """Validate every field, log each problem, and return the Employee only when all are valid.

    `verdicts` (bulk files, one region): a memo of each field's verdict on text cells already
    seen, so the departments, statuses and empty cells of 100,000 rows are validated once.
    """
    location = employee_location(base_location, raw)
    values: dict[str, Any] = {}
    before = len(log.problems)
    for name, validate in VALIDATORS.items():
        cell = raw.get(name)
        key = (name, cell) if verdicts is not None and (cell is None or type(cell) is str) else None
        try:
            if key is None:
                values[name] = validate(cell, region)
                continue
            verdict = verdicts.get(key, _UNSEEN)  # type: ignore[union-attr]
            if verdict is _UNSEEN:
                try:
                    verdict = validate(cell, region)
                except FieldError as exc:
                    verdict = exc
                verdicts[key] = verdict  # type: ignore[index]
            if isinstance(verdict, FieldError):
                raise verdict
            values[name] = verdict
        except FieldError as exc:
            log.add(location, name, str(exc))
    extra = {str(k): json_safe(v) for k, v in raw.items() if str(k) not in VALIDATORS}
    if len(log.problems) > before:
        return None
    return Employee(extra=extra, **values)


def json_safe(value: object) -> object:
    """Extra values are stored as JSON: dates become ISO text, tuples lists, keys text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def parse_employee_fields(
    fields: Mapping[str, str], default_region: str = "US", source: str = "command line"
) -> dict[str, object]:
    """Validate a partial `field=value` update and return the typed changes for `Employee`.

    An empty value clears an optional field (title, department, email, sms, sip_uri, hours;
    aliases and chat become empty). Unknown fields and empty required fields (id, name, phone, status) are
    problems. Raises DirectoryFileError listing every problem; returns nothing partial.
    """
    log = ProblemLog(source)
    location = f"id={fields['id']}" if "id" in fields else ""
    changes: dict[str, object] = {}
    for name, raw in fields.items():
        validate = VALIDATORS.get(name)
        if validate is None:
            log.add(location, name, f"unknown field (known: {', '.join(EMPLOYEE_FIELDS)})")
            continue
        if name == "status" and not raw.strip():
            log.add(location, name, "is required and must not be empty")
            continue
        try:
            changes[name] = validate(raw, default_region)
        except FieldError as exc:
            log.add(location, name, str(exc))
    log.raise_if_any()
    return changes
