"""read_directory_file (suffix, bytes, errors), CLI field updates, and the packaged demo directory."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from switchboard.adapters.directory_file import (
    DirectoryFileError,
    dump_directory_yaml,
    parse_directory_yaml,
    parse_employee_fields,
    read_directory_file,
)
from switchboard.domain.directory import Employee, EmployeeStatus

YAML = 'company: {name: A, timezone: UTC, hours: {mon: "09:00-17:00"}}\nemployees: [{id: a, name: A, phone: "+13125550101"}]\n'


def error_of(path: Path) -> str:
    with pytest.raises(DirectoryFileError) as info:
        read_directory_file(path)
    return str(info.value)


def test_yaml_file_gives_the_directory(tmp_path: Path) -> None:
    path = tmp_path / "d.YML"
    path.write_text(YAML, encoding="utf-8")
    parsed = read_directory_file(path)
    assert parsed.directory is not None
    assert parsed.employees == parsed.directory.employees


def test_default_region_applies_to_national_numbers(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(YAML.replace("+13125550101", "030 1234567"), encoding="utf-8")
    assert read_directory_file(path, default_region="DE").employees[0].phone == "+49301234567"
    assert "phone" in error_of(path)  # not a valid US number


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("d.txt", b"x", "unsupported file type '.txt'"),
        ("d.yaml", b"\xff\xfe\x00bad", "not UTF-8"),
        ("d.csv", b"", "empty"),
        ("d.yaml", b"\xef\xbb\xbf\n\n", "empty"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    message = error_of(path)
    assert message.startswith(f"{name}: ")
    assert reason in message


def test_missing_file(tmp_path: Path) -> None:
    assert "cannot read" in error_of(tmp_path / "nope.yaml")


def test_field_updates_are_typed() -> None:
    changes = parse_employee_fields(
        {
            "phone": "(312) 555-0104",
            "status": "dnd",
            "aliases": "a; b;",
            "title": "",
            "hours": "mon=09:00-10:00",
        }
    )
    assert changes["phone"] == "+13125550104"
    assert changes["status"] is EmployeeStatus.DND
    assert changes["aliases"] == ("a", "b")
    assert changes["title"] is None  # an empty value clears an optional field
    employee = Employee(id="x", name="X", phone="+13125550101").with_changes(**changes)
    assert employee.hours is not None


@pytest.mark.parametrize("raw", ["312-555-0101 x12", "(312) 555-0101 ext. 4", "3125550101#7"])
def test_numbers_with_extensions_are_refused(raw: str) -> None:
    with pytest.raises(DirectoryFileError, match="extension"):
        parse_employee_fields({"phone": raw})


def test_field_updates_report_every_problem() -> None:
    with pytest.raises(DirectoryFileError) as info:
        parse_employee_fields(
            {"id": "ann-lee", "phone": "12", "status": "", "colour": "red", "name": " "}
        )
    assert [(p.field, p.location) for p in info.value.problems] == [
        ("phone", "id=ann-lee"),
        ("status", "id=ann-lee"),
        ("colour", "id=ann-lee"),
        ("name", "id=ann-lee"),
    ]
    assert str(info.value).startswith(
        "command line: id=ann-lee: phone: '12' is not a valid phone number"
    )


def test_demo_directory_parses_cleanly_with_the_hard_cases() -> None:
    text = resources.files("switchboard.data").joinpath("demo_directory.yaml").read_text("utf-8")
    d = parse_directory_yaml(text, source="demo_directory.yaml")
    assert parse_directory_yaml(dump_directory_yaml(d)) == d
    assert len(d.employees) >= 28
    assert len(d.departments) >= 6
    assert d.company.timezone == "America/Chicago"
    names = {e.name for e in d.employees}
    for needed in (
        "Priya Raman",
        "Kathryn Doyle",
        "Tom Reed",
        "John Smith",
        "John Park",
        "Mary-Kate O'Brien-Smith",
        "José Álvarez",
        "Zoë Lindqvist",
    ):
        assert needed in names
    assert {e.status for e in d.employees} == set(EmployeeStatus)
    assert any(e.hours is not None for e in d.employees)
    assert any(e.sms is None for e in d.employees)
    for dept in d.departments:
        front = d.front_contact(dept.id)
        assert front is not None, dept.id
        assert front.status is EmployeeStatus.AVAILABLE
        assert front.hours is None
    phones = [e.phone for e in d.employees]
    assert len(set(phones)) == len(phones)
    assert all(p.startswith("+1312555") and 100 <= int(p[-4:]) <= 199 for p in phones)
