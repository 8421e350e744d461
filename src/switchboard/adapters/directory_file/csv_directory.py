"""The whole directory as one CSV: a `kind` column says what each row is (docs/directory-format.md).

    kind,id,name,...,phone,...,hours,...,ring,ring_seconds,ring_members,after_hours,on_call,...
    company,,Lakeshore Supply Co.,...,,...,mon-fri=08:30-17:30,...     (timezone, holidays, greeting)
    info,address,,...                                                  (value: the fact)
    department,it,IT,...,,...,mon-sun=07:00-22:00,...,hunt,10,eve-park;tom-reed,on_call,ivy-cho;...
    employee,priya-raman,Priya Raman,...,+13125550101,...
    blocked,,,...,+1900,...

A file without a `kind` column is the employee list it always was (`csv_format.py`): every row is
an employee and every other column an extra key. With a `kind` column, an empty kind is an
employee; employee rows keep any column they do not use as an extra key, other rows refuse a
value in a column they do not use. A file with a company row is a whole directory (like a YAML
file); without one, its department and blocked rows are merged into the stored directory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.screening import BlockList, BlockListError, block_entry

from . import fields
from .calendar_field import calendar_text
from .csv_routing import ROUTING_COLUMNS, parse_routing_cells, routing_cells
from .errors import DirectoryFileError, FieldError, ProblemLog
from .rows import EMPLOYEE_FIELDS, Verdicts, employee_from_mapping, employee_location
from .yaml_format import company_from_mapping

KIND = "kind"
KINDS = ("employee", "department", "company", "info", "blocked")
COMPANY_COLUMNS = ("timezone", "holidays", "greeting")
INFO_COLUMNS = ("value",)
DEPARTMENT_COLUMNS = ("id", "name", "aliases", "chat", "hours", *ROUTING_COLUMNS)
# The columns each kind other than employee reads; a value anywhere else on its row is refused.
USED_BY: dict[str, tuple[str, ...]] = {
    "department": DEPARTMENT_COLUMNS,
    "company": ("name", "hours", *COMPANY_COLUMNS),
    "info": ("id", "value"),
    "blocked": ("phone",),
}
NEEDED_BY: dict[str, tuple[str, ...]] = {
    "employee": ("id", "name", "phone"),
    "department": ("id", "name"),
    "company": ("name", "timezone", "hours"),
    "info": ("id", "value"),
    "blocked": ("phone",),
}
# Columns with a meaning in a file with a `kind` column (matched without regard to case).
RESERVED = frozenset({KIND, *EMPLOYEE_FIELDS, *ROUTING_COLUMNS, *COMPANY_COLUMNS, *INFO_COLUMNS})


@dataclass
class CsvDirectory:
    """What a directory CSV holds. `company` None: a partial file (employees, maybe departments
    and blocked numbers, merged into the stored directory)."""

    employees: list[Employee] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    company: CompanyProfile | None = None
    info: dict[str, str] = field(default_factory=dict)
    blocked: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)  # the kinds of row the file has

    def directory(self) -> Directory | None:
        if self.company is None:
            return None
        return Directory(
            self.company,
            tuple(self.departments),
            tuple(self.employees),
            BlockList(tuple(dict.fromkeys(self.blocked))),
        )


def has_kind_column(header: Sequence[str]) -> bool:
    return any(h.strip().lower() == KIND for h in header)


def column(name: str) -> str:
    """Headers of known columns are matched without regard to case ("Phone", "Ring"); others
    (extra keys) keep their spelling."""
    key = name.strip()
    return key.lower() if key.lower() in RESERVED else key


class _Rows:
    """Reads the rows of a file with a `kind` column, one kind at a time."""

    def __init__(self, log: ProblemLog, header: list[str], region: str) -> None:
        self.log, self.header, self.region = log, header, region
        self.result = CsvDirectory()
        self.verdicts: Verdicts = {}
        self.employee_ids: set[str] = set()
        self.department_rows: dict[str, int] = {}
        self.company_row: int | None = None
        self.info_rows: dict[str, int] = {}
        self.missing_reported: set[str] = set()
        self.department_of: list[tuple[int, Employee]] = []  # to check in a whole-directory file
        self._readers: dict[str, Callable[[int, dict[str, str]], None]] = {
            "employee": self.employee,
            "department": self.department,
            "company": self.company,
            "info": self.info,
            "blocked": self.blocked,
        }

    def row(self, number: int, raw: dict[str, str]) -> None:
        kind_cell = raw.pop(KIND, "").strip().lower() or "employee"
        if kind_cell not in KINDS:
            self.log.add(
                f"row {number}",
                KIND,
                f"{kind_cell!r} is not a row kind (use {', '.join(KINDS)}; empty is employee)",
            )
            return
        self.result.kinds.add(kind_cell)
        if not self._header_has(kind_cell):
            return
        if kind_cell != "employee" and not self._only_used(number, kind_cell, raw):
            return
        self._readers[kind_cell](number, raw)

    def _header_has(self, kind: str) -> bool:
        missing = [c for c in NEEDED_BY[kind] if c not in self.header]
        if missing and kind not in self.missing_reported:
            self.missing_reported.add(kind)
            self.log.add(
                "row 1",
                None,
                f"the header lacks column(s) {', '.join(missing)}, used by {kind} rows",
            )
        return not missing

    def _only_used(self, number: int, kind: str, raw: dict[str, str]) -> bool:
        used = USED_BY[kind]
        stray = [c for c in raw if c not in used]
        for name in stray:
            self.log.add(
                f"row {number} (kind={kind})",
                name,
                f"{kind} rows do not use this column (they use {', '.join(used)}); leave it empty",
            )
        return not stray

    def employee(self, number: int, raw: dict[str, str]) -> None:
        employee = employee_from_mapping(raw, self.log, f"row {number}", self.region, self.verdicts)
        if employee is None:
            return
        if employee.id in self.employee_ids:
            self.log.add(
                f"row {number} (id={employee.id})", "id", f"duplicate employee id {employee.id!r}"
            )
            return
        self.employee_ids.add(employee.id)
        self.result.employees.append(employee)
        if employee.department is not None:
            self.department_of.append((number, employee))

    def department(self, number: int, raw: dict[str, str]) -> None:
        location = employee_location(f"row {number} (kind=department)", raw).replace(
            ") (id=", ", id="
        )
        before = len(self.log.problems)
        values: dict[str, Any] = {}
        for key, check in (
            ("id", fields.slug),
            ("name", fields.required_text),
            ("aliases", fields.aliases),
            ("chat", fields.chat_urls),
            ("hours", fields.optional_weekly_hours),  # the employee column's text form
        ):
            try:
                values[key] = check(raw.get(key))
            except FieldError as exc:
                self.log.add(location, key, str(exc))
        ring, after_hours = parse_routing_cells(
            {c: raw.get(c) for c in ROUTING_COLUMNS},
            lambda column_name, reason: self.log.add(location, column_name, reason),
        )
        department_id = values.get("id")
        if department_id in self.department_rows:
            first = self.department_rows[department_id]
            self.log.add(
                location, "id", f"duplicate department id {department_id!r} (also row {first})"
            )
            return
        if department_id is not None:
            self.department_rows[department_id] = number
        if len(self.log.problems) == before:
            self.result.departments.append(Department(**values, ring=ring, after_hours=after_hours))

    def company(self, number: int, raw: dict[str, str]) -> None:
        location = f"row {number} (kind=company)"
        if self.company_row is not None:
            self.log.add(
                location, None, f"a second company row (the first is row {self.company_row})"
            )
            return
        self.company_row = number
        holidays = raw.get("holidays")
        mapping = {
            "name": raw.get("name"),
            "timezone": raw.get("timezone"),
            "hours": raw.get("hours"),
            "greeting": raw.get("greeting"),
            "holidays": [h for h in holidays.split(";") if h.strip()] if holidays else None,
        }
        self.result.company = company_from_mapping(self.log, mapping, location)

    def info(self, number: int, raw: dict[str, str]) -> None:
        key = (raw.get("id") or "").strip()
        location = f"row {number} (kind=info, id={key})" if key else f"row {number} (kind=info)"
        value = (raw.get("value") or "").strip()
        if not key:
            self.log.add(location, "id", "is required: the fact's name, like address or website")
        if not value:
            self.log.add(location, "value", "is required: the fact the agent may tell callers")
        if key in self.info_rows:
            self.log.add(location, "id", f"duplicate info {key!r} (also row {self.info_rows[key]})")
            return
        if key and value:
            self.info_rows[key] = number
            self.result.info[key] = value

    def blocked(self, number: int, raw: dict[str, str]) -> None:
        try:
            self.result.blocked.append(block_entry(raw.get("phone", "")))
        except BlockListError as exc:
            self.log.add(f"row {number} (kind=blocked)", "phone", str(exc))

    def finish(self) -> CsvDirectory:
        result = self.result
        if result.company is not None:
            result.company = replace(result.company, info=result.info)
            known = set(self.department_rows)  # a row with problems is reported on its own
            for number, employee in self.department_of:
                if employee.department not in known:
                    self.log.add(
                        f"row {number} (id={employee.id})",
                        "department",
                        f"unknown department {employee.department!r} (no department row has "
                        "that id; a file with a company row lists every department)",
                    )
            for ref in Directory(
                result.company, tuple(result.departments), tuple(result.employees)
            ).unknown_in_routing():
                row = self.department_rows.get(ref.department)
                self.log.add(
                    f"row {row} (kind=department, id={ref.department})",
                    _routing_column(ref.field),
                    f"unknown employee id {ref.employee!r} (no employee row has that id)",
                )
        elif "info" in result.kinds and self.company_row is None:
            self.log.add("", "info", "info rows need a company row (they are the company's facts)")
        return result


def _routing_column(yaml_field: str) -> str:
    if yaml_field.startswith("ring"):
        return "ring_members"
    return "on_call"


def parse_directory_csv(
    text: str, source: str = "<csv>", default_region: str = "US"
) -> CsvDirectory:
    """Parse and validate a directory CSV; raise DirectoryFileError naming every bad row (rows
    numbered as a spreadsheet shows them: the header is row 1)."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [column(h) for h in next(reader)]
    except StopIteration:
        raise DirectoryFileError.single(
            source, "the file is empty (a header row is required)"
        ) from None
    except csv.Error as exc:
        raise DirectoryFileError.single(source, f"not valid CSV: {exc}") from None
    log = ProblemLog(source)
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    if duplicates:
        log.add("row 1", None, f"duplicate column(s) {', '.join(duplicates)}")
    log.raise_if_any()
    rows = _Rows(log, header, default_region)
    start = reader.line_num + 1
    try:
        for cells in reader:
            number, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                log.add(
                    f"row {number}",
                    None,
                    f"has {len(cells)} cells but the header has {len(header)}",
                )
                continue
            rows.row(number, {h: c for h, c in zip(header, cells, strict=True) if h and c.strip()})
    except csv.Error as exc:
        log.add(f"row {start}", None, f"not valid CSV: {exc}")
    result = rows.finish()
    log.raise_if_any()
    return result


# --- writing ---------------------------------------------------------------------------------

_EMPLOYEE_COLUMNS = ("id", "name", "aliases", "title", "department", "phone", "email", "sms",
                     "status", "sip_uri", "hours", "calendar", "chat")  # fmt: skip
_COLUMNS = (KIND, *_EMPLOYEE_COLUMNS, *ROUTING_COLUMNS, *COMPANY_COLUMNS, *INFO_COLUMNS)


class CsvExportError(DirectoryFileError):
    """A directory that the CSV form cannot hold exactly (export it as YAML instead)."""


def dump_directory_csv(directory: Directory) -> str:
    """The whole directory as a CSV with a `kind` column: the company row, its info rows, the
    departments, the employees, then the blocked numbers. `parse_directory_csv` reads it back
    to an equal directory."""
    extra = list(dict.fromkeys(k for e in directory.employees for k in e.extra))
    clashing = [k for k in extra if (k.lower() in RESERVED and k not in RESERVED) or k == KIND]
    if clashing:
        owner = next(e for e in directory.employees if clashing[0] in e.extra)
        raise CsvExportError.single(
            "CSV export",
            f"employee {owner.id!r} has an extra key {clashing[0]!r}, which a directory CSV "
            "reads as its own column; export as YAML, or rename the key",
        )
    extra = [k for k in extra if k not in RESERVED]
    header = [*_COLUMNS, *extra]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)

    def write(cells: dict[str, str]) -> None:
        writer.writerow([cells.get(c, "") for c in header])

    c = directory.company
    write(
        {
            KIND: "company",
            "name": c.name,
            "hours": fields.hours_text(c.hours),
            "timezone": c.timezone,
            "holidays": ";".join(d.isoformat() for d in c.holidays),
            "greeting": c.greeting or "",
        }
    )
    for key, value in c.info.items():
        write({KIND: "info", "id": key, "value": value})
    for d in directory.departments:
        write(
            {KIND: "department", "id": d.id, "name": d.name, "aliases": ";".join(d.aliases),
             "chat": ";".join(d.chat), **routing_cells(d.ring, d.after_hours),
             "hours": fields.hours_text(d.hours) if d.hours is not None else ""}
        )  # fmt: skip
    for e in directory.employees:
        write({KIND: "employee", **employee_cells(e)})
    for entry in directory.blocked.entries:
        write({KIND: "blocked", "phone": entry})
    return out.getvalue()


def employee_cells(e: Employee) -> dict[str, str]:
    """An employee's cells: its fields, then its extra keys (values other than text as JSON)."""
    cells = {k: _cell(v) for k, v in e.extra.items()}
    cells |= {
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
    return cells


def _cell(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
