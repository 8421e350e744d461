"""YAML directory files: the documented shape imports, every problem is reported, export round-trips."""

from __future__ import annotations

from datetime import date, time

import pytest

from switchboard.adapters.directory_file import (
    DirectoryFileError,
    dump_directory_yaml,
    parse_directory_yaml,
)
from switchboard.domain.directory import EmployeeStatus, TimeRange

GOOD = """\
company: {name: Acme, timezone: America/Chicago,
          hours: {mon: "08:30-17:30", tue: "08:00-12:00,13:00-17:00", sat: closed},
          holidays: ["2026-12-25", 2027-01-01], info: {address: 1 Main St, website: https://a.example},
          greeting: "Thanks for calling Acme."}
departments: [{id: billing, name: Billing, aliases: [accounts receivable]}]
employees:
  - {id: priya-raman, name: Priya Raman, aliases: [Pree], title: Controller, department: billing,
     phone: "+13125550101", email: priya@x.example, sms: "(312) 555-0102", status: available,
     badge: 42, start: 2020-01-06, teams: [a, b]}
  - {id: ann-lee, name: Ann Lee, phone: "312.555.0103", status: Out-Of-Office,
     sip_uri: "sip:ann@pbx.example", hours: {wed: "10:00-14:00"}}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(DirectoryFileError) as info:
        parse_directory_yaml(text, source="d.yaml")
    return [str(p) for p in info.value.problems]


def test_documented_shape_imports() -> None:
    d = parse_directory_yaml(GOOD)
    assert d.company.timezone == "America/Chicago"
    assert d.company.hours.on(0) == (TimeRange(time(8, 30), time(17, 30)),)
    assert len(d.company.hours.on(1)) == 2
    assert d.company.hours.on(2) == ()  # a missing weekday is closed
    assert d.company.holidays == (date(2026, 12, 25), date(2027, 1, 1))
    assert d.company.info == {"address": "1 Main St", "website": "https://a.example"}
    priya, ann = d.employees
    assert priya.aliases == ("Pree",)
    assert priya.sms == "+13125550102"  # written forms are normalised to E.164
    assert priya.extra == {"badge": 42, "start": "2020-01-06", "teams": ["a", "b"]}
    assert ann.phone == "+13125550103"
    assert ann.status is EmployeeStatus.OUT_OF_OFFICE
    assert ann.hours is not None
    assert ann.hours.on(2) == (TimeRange(time(10), time(14)),)
    assert d.front_contact("billing") == priya


def test_export_reimports_to_an_equal_directory() -> None:
    d = parse_directory_yaml(GOOD)
    text = dump_directory_yaml(d)
    assert parse_directory_yaml(text) == d
    assert "badge: 42" in text  # extra keys survive the export


def test_all_problems_are_collected_with_locations() -> None:
    text = """\
company: {name: "", timezone: Mars/Olympus, hours: {mon: "17:00-09:00", fun: closed},
          holidays: ["2026-02-30"]}
departments: [{id: Billing, name: Billing}, {id: sales, name: Sales}, {id: sales, name: Again}]
employees:
  - {id: ann-lee, name: Ann Lee, phone: "555-12", email: not-an-email, status: asleep}
  - {id: bob, name: Bob, phone: "+13125550104", department: nowhere}
  - {id: bob, name: Bob Two, phone: "+13125550105"}
  - {name: No Id, phone: "+13125550106"}
"""
    found = problems(text)
    expected = [
        "d.yaml: company: name: is required",
        "d.yaml: company: timezone: 'Mars/Olympus' is not an IANA time zone",
        "d.yaml: company: hours: mon: '17:00-09:00': the start must be before the end; unknown weekday 'fun'",
        "d.yaml: company: holidays: '2026-02-30' is not a date",
        "d.yaml: departments[0] (id=Billing): id: 'Billing' is not a valid id",
        "d.yaml: departments[2] (id=sales): id: duplicate department id 'sales'",
        "d.yaml: employees[0] (id=ann-lee): phone: '555-12' is not a valid phone number",
        "d.yaml: employees[0] (id=ann-lee): email: 'not-an-email' is not a valid email address",
        "d.yaml: employees[0] (id=ann-lee): status: unknown status 'asleep'",
        "d.yaml: employees[2] (id=bob): id: duplicate employee id 'bob'",
        "d.yaml: employees[3]: id: is required",
        "d.yaml: employees[1] (id=bob): department: unknown department 'nowhere'",
    ]
    for line in expected:
        assert any(f.startswith(line) for f in found), (line, found)
    assert len(found) == len(expected)


@pytest.mark.parametrize(
    ("hours", "reason"),
    [
        ("17:00-09:00", "start must be before the end"),
        ("09:00-09:00", "start must be before the end"),
        ("08:00-12:00,11:00-13:00", "overlap"),
        ("25:00-26:00", "not a time of day"),
        ("nine to five", "not a time range"),
        ("9-5", "not a time like 08:30"),
    ],
)
def test_bad_time_ranges(hours: str, reason: str) -> None:
    text = f'company: {{name: A, timezone: UTC, hours: {{mon: "{hours}"}}}}\n'
    (line,) = problems(text)
    assert line.startswith("d.yaml: company: hours: mon:")
    assert reason in line


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n# only a comment\n", "empty"),
        ("company: [unclosed", "not valid YAML"),
        ("- a\n- b\n", "top level must be a mapping"),
        ("just text", "top level must be a mapping"),
        ("departments: []\n", "company: is required"),
        (
            "company: {name: A, timezone: UTC, hours: {}}\nemployees: {a: 1}\n",
            "employees: must be a list",
        ),
        ("company: {name: A, timezone: UTC, hours: {}}\nemployes: []\n", "employes: unknown key"),
        ("company: {name: A, timezone: UTC}\n", "hours: is required"),
        (
            "company: {name: A, timezone: UTC, hours: {}}\nemployees: [5]\n",
            "employees[0]: must be a mapping",
        ),
        (
            "company: {name: A, timezone: UTC, hours: {}, holidays: [2026-12-25 10:00:00]}\n",
            "has a time",
        ),
    ],
)
def test_structural_errors_are_clear(text: str, reason: str) -> None:
    found = problems(text)
    assert any(reason in line for line in found), found
    assert all(line.startswith("d.yaml: ") for line in found)


def test_unquoted_phone_number_gets_a_hint() -> None:
    text = (
        "company: {name: A, timezone: UTC, hours: {}}\nemployees: [{id: a, name: A, phone: 123}]\n"
    )
    (line,) = problems(text)
    assert "quotes" in line


def test_minimal_directory_without_employees() -> None:
    d = parse_directory_yaml("company: {name: A, timezone: Europe/Berlin, hours: {}}\n")
    assert d.employees == ()
    assert d.company.hours.on(0) == ()
    assert parse_directory_yaml(dump_directory_yaml(d)) == d
