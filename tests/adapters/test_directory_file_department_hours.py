"""A department's own hours in the directory file (docs/directory-format.md, "departments" and
"CSV"): YAML `hours:` and the CSV department row's `hours` column take the same forms as the
company's and employees' hours, problems name the department and the day, and YAML → CSV → YAML
keeps them exactly."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from switchboard.adapters.directory_file import (
    DirectoryFileError,
    dump_directory_csv,
    dump_directory_yaml,
    parse_csv_text,
    parse_directory_yaml,
    read_directory_file,
)
from switchboard.domain.directory import END_OF_DAY, TimeRange, WeeklyHours

SCENARIOS = Path(__file__).parents[1] / "scenarios"
COMPANY = 'company: {name: Acme, timezone: America/Chicago, hours: {mon: "09:00-17:00"}}\n'
SEVEN_TO_TEN = WeeklyHours(((TimeRange(time(7), time(22)),),) * 7)
ALWAYS = WeeklyHours(((TimeRange(time(0), END_OF_DAY),),) * 7)


def yaml_problems(text: str) -> list[str]:
    with pytest.raises(DirectoryFileError) as caught:
        parse_directory_yaml(text, "dir.yaml")
    return [str(p) for p in caught.value.problems]


def test_yaml_department_hours_take_the_mapping_or_the_text_form() -> None:
    d = parse_directory_yaml(
        COMPANY
        + "departments:\n"
        + '  - {id: support, name: Support, hours: "mon-sun=07:00-22:00"}\n'
        + '  - {id: night, name: Night, hours: {mon: "00:00-24:00", tue: "00:00-24:00",'
        + ' wed: "00:00-24:00", thu: "00:00-24:00", fri: "00:00-24:00", sat: "00:00-24:00",'
        + ' sun: "00:00-24:00"}}\n'
        + "  - {id: closed, name: Closed, hours: {}}\n"
        + "  - {id: billing, name: Billing}\n"
        + "  - {id: empty, name: Empty, hours: }\n",
        "dir.yaml",
    )
    support, night, closed, billing, empty = d.departments
    assert support.hours == SEVEN_TO_TEN
    assert night.hours == ALWAYS
    assert (
        closed.hours == WeeklyHours()
    )  # `{}`: never open, every call takes the after-hours action
    assert billing.hours is None  # the company's
    assert empty.hours is None


@pytest.mark.parametrize(
    ("hours", "problem"),
    [
        (
            '{mon: "09:00-25:00"}',
            "dir.yaml: departments[0] (id=sales): hours: mon: '25:00' is not a time of day "
            "(00:00 to 23:59; 24:00 only ends a range)",
        ),
        (
            '{funday: "09:00-10:00"}',
            "dir.yaml: departments[0] (id=sales): hours: unknown weekday 'funday' (use mon, tue, "
            "wed, thu, fri, sat, sun)",
        ),
        (
            '{tue: "24:00-24:00"}',
            "dir.yaml: departments[0] (id=sales): hours: tue: '24:00' is not a time of day "
            "(00:00 to 23:59; 24:00 only ends a range)",
        ),
        (
            '{wed: "15:00-09:00"}',
            "dir.yaml: departments[0] (id=sales): hours: wed: '15:00-09:00': the start must be "
            "before the end",
        ),
        (
            '{thu: "09:00-12:00,11:00-15:00"}',
            "dir.yaml: departments[0] (id=sales): hours: thu: ranges 09:00-12:00 and 11:00-15:00 "
            "overlap",
        ),
        (
            "[mon, tue]",
            "dir.yaml: departments[0] (id=sales): hours: must be a mapping of weekdays (mon..sun) "
            "to hours",
        ),
        (
            '"mon 09:00-15:00"',
            "dir.yaml: departments[0] (id=sales): hours: 'mon 09:00-15:00' is not like "
            "mon=08:30-17:30",
        ),
    ],
)
def test_yaml_department_hours_problems_name_the_department_and_the_day(
    hours: str, problem: str
) -> None:
    text = COMPANY + f"departments:\n  - {{id: sales, name: Sales, hours: {hours}}}\n"
    assert yaml_problems(text) == [problem]


def test_a_bad_department_is_reported_with_every_other_problem() -> None:
    text = (
        COMPANY
        + "departments:\n"
        + '  - {id: sales, name: Sales, hours: {mon: "9-5"}, ring: {strategy: loud}}\n'
    )
    assert yaml_problems(text) == [
        "dir.yaml: departments[0] (id=sales): hours: mon: '9' is not a time like 08:30",
        "dir.yaml: departments[0] (id=sales): ring.strategy: 'loud' is not one of simultaneous, "
        "hunt",
    ]


HEADER = "kind,id,name,aliases,department,phone,hours,ring,after_hours,timezone\n"
CSV_COMPANY = "company,,Acme,,,,mon-fri=09:00-17:00,,,America/Chicago\n"
PAT = "employee,pat,Pat Moss,,support,+13125550121,,,,\n"


def test_a_csv_department_row_reads_hours_in_the_employee_columns_text_form() -> None:
    text = (
        HEADER
        + CSV_COMPANY
        + "department,support,Support,,,,mon-sun=07:00-22:00,simultaneous,on_call,\n"
        + "department,billing,Billing,,,,,,,\n"
        + PAT
    )
    with pytest.raises(DirectoryFileError, match="on_call: is required"):
        parse_csv_text(text, "dir.csv")  # on_call without a rota is still refused
    text = text.replace("simultaneous,on_call", "simultaneous,voicemail")
    d = parse_csv_text(text, "dir.csv").directory
    assert d is not None
    support, billing = d.departments
    assert support.hours == SEVEN_TO_TEN
    assert billing.hours is None


def test_a_bad_csv_hours_cell_names_the_row_the_department_and_the_column() -> None:
    text = HEADER + CSV_COMPANY + "department,sales,Sales,,,,mon-fri=09:00-15:00;sat=9-12,,,\n"
    with pytest.raises(DirectoryFileError) as caught:
        parse_csv_text(text, "dir.csv")
    assert [str(p) for p in caught.value.problems] == [
        "dir.csv: row 3 (kind=department, id=sales): hours: sat: '9' is not a time like 08:30"
    ]


def test_a_partial_csv_department_row_carries_its_hours() -> None:
    text = "kind,id,name,hours\ndepartment,support,Support,mon-sun=00:00-24:00\n"
    file = parse_csv_text(text, "dir.csv")
    assert file.directory is None
    assert [d.hours for d in file.departments or ()] == [ALWAYS]


def test_yaml_to_csv_to_yaml_keeps_department_hours() -> None:
    directory = read_directory_file(SCENARIOS / "depthours-directory.yaml").directory
    assert [d.hours is not None for d in directory.departments] == [True, True, False]
    csv_text = dump_directory_csv(directory)
    assert "department,support,Support,tech support;help desk,,,,,,,,mon=07:00-22:00;" in csv_text
    back = parse_csv_text(csv_text, "export.csv").directory
    assert back == directory
    yaml_text = dump_directory_yaml(back)
    assert parse_directory_yaml(yaml_text) == directory
    assert "  - help desk\n  hours:\n    mon: 07:00-22:00\n" in yaml_text


def test_midnight_round_trips_as_24_00() -> None:
    d = parse_directory_yaml(
        COMPANY + 'departments:\n  - {id: night, name: Night, hours: "fri=18:00-24:00"}\n'
    )
    yaml_text = dump_directory_yaml(d)
    assert "fri: 18:00-24:00" in yaml_text
    assert parse_directory_yaml(yaml_text) == d
    assert parse_csv_text(dump_directory_csv(d), "x.csv").directory == d


def test_the_documented_examples_import_as_documented() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "directory-format.md").read_text("utf-8")
    example = doc.split("```csv\nkind,", 1)[1].split("```", 1)[0]
    d = parse_csv_text("kind," + example, "directory.csv").directory
    assert d is not None
    assert [x.hours for x in d.departments] == [SEVEN_TO_TEN, None]
    yaml_example = doc.split("**Department hours.**", 1)[1].split("```yaml\n", 1)[1]
    yaml_example = yaml_example.split("```", 1)[0]
    parsed = parse_directory_yaml(COMPANY + yaml_example, "directory.yaml")
    support, sales, night = parsed.departments
    assert support.hours == SEVEN_TO_TEN
    assert sales.hours == WeeklyHours(((TimeRange(time(9), time(15)),),) * 5 + ((), ()))
    assert night.hours == ALWAYS
