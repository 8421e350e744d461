"""The CSV employee list: one employee per row, header required, UTF-8 with or without BOM."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from switchboard.domain.directory import Employee

from . import fields
from .calendar_field import calendar_text
from .errors import DirectoryFileError, ProblemLog
from .rows import EMPLOYEE_FIELDS, Verdicts, employee_from_mapping

BASE_COLUMNS = ("id", "name", "aliases", "title", "department", "phone", "email", "sms", "status")
_REQUIRED_COLUMNS = ("id", "name", "phone")


def parse_employees_csv(
    text: str, source: str = "<csv>", default_region: str = "US"
) -> tuple[Employee, ...]:
    """Parse and validate every row; raise DirectoryFileError naming every bad row.

    Rows are numbered as a spreadsheet shows them: the header is row 1. Columns other than the
    known ones are kept in `Employee.extra` (as text); empty cells mean "not given".
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [_column(h) for h in next(reader)]
    except StopIteration:
        raise DirectoryFileError.single(
            source, "the file is empty (a header row is required)"
        ) from None
    except csv.Error as exc:
        raise DirectoryFileError.single(source, f"not valid CSV: {exc}") from None
    log = ProblemLog(source)
    _check_header(log, header)
    log.raise_if_any()
    employees: list[Employee] = []
    seen: set[str] = set()
    verdicts: Verdicts = {}  # bulk files repeat departments, statuses and empty cells
    start = reader.line_num + 1
    try:
        for cells in reader:
            row, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue  # blank lines and ",,,," rows that spreadsheets leave behind
            raw = {h: c for h, c in zip(header, cells, strict=False) if h and c.strip()}
            if len(cells) != len(header):
                log.add(
                    f"row {row}", None, f"has {len(cells)} cells but the header has {len(header)}"
                )
                continue
            employee = employee_from_mapping(raw, log, f"row {row}", default_region, verdicts)
            if employee is not None and employee.id in seen:
                log.add(
                    f"row {row} (id={employee.id})", "id", f"duplicate employee id {employee.id!r}"
                )
            elif employee is not None:
                seen.add(employee.id)
                employees.append(employee)
    except csv.Error as exc:
        log.add(f"row {start}", None, f"not valid CSV: {exc}")
    log.raise_if_any()
    return tuple(employees)


def _column(name: str) -> str:
    # Spreadsheets often capitalise headers ("Phone"); extra columns keep their spelling.
    key = name.strip()
    return key.lower() if key.lower() in EMPLOYEE_FIELDS else key


def _check_header(log: ProblemLog, header: list[str]) -> None:
    missing = [c for c in _REQUIRED_COLUMNS if c not in header]
    if missing:
        log.add(
            "row 1",
            None,
            f"the header lacks required column(s) {', '.join(missing)} "
            f"(expected {','.join(BASE_COLUMNS)})",
        )
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    if duplicates:
        log.add("row 1", None, f"duplicate column(s) {', '.join(duplicates)}")


def dump_employees_csv(employees: Sequence[Employee]) -> str:
    """The CSV form: the base columns, then sip_uri/hours/chat and extra keys when any employee has
    them (chat URLs ';'-separated, as written: `${VAR}` references stay references).

    Extra values that are not text are written as JSON (CSV cannot keep their type).
    """
    optional = [
        c
        for c in ("sip_uri", "hours", "calendar")
        if any(getattr(e, c) is not None for e in employees)
    ] + (["chat"] if any(e.chat for e in employees) else [])
    extra = list(dict.fromkeys(k for e in employees for k in e.extra if k not in EMPLOYEE_FIELDS))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*BASE_COLUMNS, *optional, *extra])
    for e in employees:
        known = {
            "id": e.id,
            "name": e.name,
            "aliases": ";".join(e.aliases),
            "title": e.title or "",
            "department": e.department or "",
            "phone": e.phone,
            "email": e.email or "",
            "sms": e.sms or "",
            "status": e.status.value,
            "sip_uri": e.sip_uri or "",
            "hours": fields.hours_text(e.hours) if e.hours is not None else "",
            "calendar": calendar_text(e.calendar) if e.calendar is not None else "",
            "chat": ";".join(e.chat),
        }
        writer.writerow(
            [known[c] for c in (*BASE_COLUMNS, *optional)] + [_cell(e.extra.get(k)) for k in extra]
        )
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
