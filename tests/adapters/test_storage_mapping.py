"""Directory values to rows and back, and how database refusals are worded (no database needed)."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from switchboard.adapters.sqlalchemy.directory_mapping import (
    employee_from_row,
    employee_to_row,
    hours_from_json,
    hours_to_json,
)
from switchboard.adapters.sqlalchemy.errors import ConstraintViolation, constraint_violation
from switchboard.domain.directory import Employee, TimeRange, WeeklyHours


def test_hours_list_every_weekday_in_order() -> None:
    hours = WeeklyHours(((TimeRange(time(8, 30), time(17, 30)),),) + ((),) * 6)
    assert hours_to_json(hours) == {
        "mon": ["08:30-17:30"],
        "tue": [],
        "wed": [],
        "thu": [],
        "fri": [],
        "sat": [],
        "sun": [],
    }


def test_hours_keep_seconds_and_several_ranges() -> None:
    day = (TimeRange(time(0, 0), time(9, 0, 30)), TimeRange(time(12), time(23, 59, 59)))
    hours = WeeklyHours(((),) * 6 + (day,))
    assert hours_from_json(hours_to_json(hours)) == hours


def test_a_missing_day_is_closed() -> None:
    assert hours_from_json({"tue": ["09:00-10:00"]}).on(0) == ()


@pytest.mark.parametrize(
    "value",
    [
        {"monday": ["09:00-10:00"]},
        {"mon": ["09:00"]},
        {"mon": ["nine-ten"]},
        {"mon": ["25:00-26:00"]},
    ],
)
def test_unreadable_hours_are_refused(value: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the messages come from datetime and vary
        hours_from_json(value)


def test_an_unreadable_employee_row_names_the_employee() -> None:
    row = employee_to_row(Employee("ann", "Ann", "+13125550100"), 0) | {"status": "asleep"}
    with pytest.raises(ValueError, match="stored employee 'ann' is unreadable"):
        employee_from_row(row)


@pytest.mark.parametrize(
    ("driver_message", "kind"),
    [
        ("FOREIGN KEY constraint failed", "foreign_key"),
        (
            'insert or update on table "employees" violates foreign key constraint "fk_x"',
            "foreign_key",
        ),
        ("UNIQUE constraint failed: employees.id", "unique"),
        (
            'duplicate key value violates unique constraint "pk_employees"\nDETAIL: Key (id)=(a)',
            "unique",
        ),
        ("NOT NULL constraint failed: employees.phone", "not_null"),
        ('null value in column "phone" violates not-null constraint', "not_null"),
        ("CHECK constraint failed: singleton", "check"),
        ("something else entirely", "other"),
    ],
)
def test_refusals_are_classified_for_both_databases(driver_message: str, kind: str) -> None:
    error = IntegrityError("INSERT ...", {}, Exception(driver_message))
    violation = constraint_violation("save employee 'a'", error)
    assert isinstance(violation, ConstraintViolation)
    assert violation.kind == kind
    assert str(violation).startswith("save employee 'a' failed: ")
    assert "DETAIL" not in str(violation)  # the detail line can hold personal data
