"""CSV employee files: header, BOM, row numbers as a spreadsheet shows them, round trip."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from switchboard.adapters.directory_file import (
    DirectoryFileError,
    dump_employees_csv,
    parse_employees_csv,
    read_directory_file,
)
from switchboard.domain.directory import EmployeeStatus, TimeRange

HEADER = "id,name,aliases,title,department,phone,email,sms,status"
GOOD = (
    f"{HEADER},sip_uri,hours,badge\n"
    "priya-raman,Priya Raman,Pree;P,Controller,billing,(312) 555-0101,priya@x.example,,available,,,7\n"
    'ann-lee,Ann Lee,,,,+13125550102,,+13125550103,dnd,sip:ann@pbx.example,"mon-fri=09:00-12:00,13:00-17:00;sat=closed",\n'
)


def problems(text: str) -> list[str]:
    with pytest.raises(DirectoryFileError) as info:
        parse_employees_csv(text, source="people.csv")
    return [str(p) for p in info.value.problems]


def test_rows_parse_into_employees() -> None:
    priya, ann = parse_employees_csv(GOOD)
    assert priya.phone == "+13125550101"
    assert priya.aliases == ("Pree", "P")
    assert (priya.sms, priya.email, priya.department) == (None, "priya@x.example", "billing")
    assert priya.extra == {"badge": "7"}
    assert ann.status is EmployeeStatus.DND
    assert ann.sip_uri == "sip:ann@pbx.example"
    assert ann.hours is not None
    assert ann.hours.on(4) == (TimeRange(time(9), time(12)), TimeRange(time(13), time(17)))
    assert ann.hours.on(5) == ()
    assert ann.extra == {}  # an empty extra cell is "not given"


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(("\ufeff" + GOOD.replace("\n", "\r\n")).encode("utf-8"))
    parsed = read_directory_file(path)
    assert parsed.directory is None
    assert [e.id for e in parsed.employees] == ["priya-raman", "ann-lee"]


def test_round_trip() -> None:
    employees = parse_employees_csv(GOOD)
    assert parse_employees_csv(dump_employees_csv(employees)) == employees


def test_every_bad_row_is_named_with_its_spreadsheet_row() -> None:
    text = (
        f"{HEADER}\n"
        "ok-one,Ok One,,,,+13125550101,,,available\n"
        "\n"  # blank line 3 still counts as a row in a spreadsheet
        "ann-lee,Ann Lee,,,,555-12,,,available\n"
        "Bad Id,,,,,+13125550102,,,busyish\n"
        "ok-one,Dup,,,,+13125550103,,,available\n"
        "short,row\n"
    )
    assert problems(text) == [
        "people.csv: row 4 (id=ann-lee): phone: '555-12' is not a valid phone number",
        "people.csv: row 5: id: 'Bad Id' is not a valid id (lowercase letters, digits and hyphens)",
        "people.csv: row 5: name: is required and must not be empty",
        "people.csv: row 5: status: unknown status 'busyish' (known: available, busy, dnd, out_of_office)",
        "people.csv: row 6 (id=ok-one): id: duplicate employee id 'ok-one'",
        "people.csv: row 7: has 2 cells but the header has 9",
    ]


def test_multiline_cell_keeps_later_row_numbers_right() -> None:
    text = f'{HEADER}\na,"A\nB",,,,+13125550101,,,available\nb,B,,,,12,,,available\n'
    (line,) = problems(text)
    assert line.startswith("people.csv: row 4 (id=b): phone:")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("name,phone\nAnn,+13125550101\n", "lacks required column(s) id"),
        ("id,name,phone,phone\n", "duplicate column(s) phone"),
    ],
)
def test_header_problems(text: str, reason: str) -> None:
    found = problems(text)
    assert any(reason in line for line in found), found


def test_known_headers_ignore_case_and_order() -> None:
    (e,) = parse_employees_csv("Phone, Name ,ID,Badge\n(312) 555-0101,Ann Lee,ann-lee,7\n")
    assert (e.id, e.name, e.phone, e.extra) == (
        "ann-lee",
        "Ann Lee",
        "+13125550101",
        {"Badge": "7"},
    )


def test_header_only_is_an_empty_list() -> None:
    assert parse_employees_csv(HEADER + "\n") == ()


def test_spreadsheet_padding_rows_are_ignored() -> None:
    text = f"{HEADER}\na,A,,,,+13125550101,,,\n,,,,,,,,\n"
    (only,) = parse_employees_csv(text)
    assert only.status is EmployeeStatus.AVAILABLE  # an empty status cell means available


def test_dump_writes_extra_values_that_are_not_text_as_json() -> None:
    (e,) = parse_employees_csv(f"{HEADER}\na,A,,,,+13125550101,,,available\n")
    text = dump_employees_csv([e.with_changes(extra={"teams": ["x", "y"]})])
    assert text.splitlines()[0] == f"{HEADER},teams"
    assert text.splitlines()[1].endswith(',"[""x"", ""y""]"')
