"""The whole directory as one CSV (a `kind` column): parsing, precise row errors, round trips.

docs/directory-format.md, "CSV". A file without a `kind` column is the employee list it always
was (tests/adapters/test_directory_file_csv.py keeps covering that).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from switchboard.adapters.directory_file import (
    CsvExportError,
    DirectoryFileError,
    dump_directory_csv,
    dump_directory_yaml,
    parse_csv_text,
    parse_directory_yaml,
    read_directory_file,
)
from switchboard.domain.directory import Directory
from switchboard.domain.routing.config import (
    AfterHours,
    AfterHoursAction,
    OnCallRota,
    OnCallShift,
    RingGroup,
    RingStrategy,
)
from switchboard.domain.screening import BlockList
from switchboard.services.directory import demo_directory

SCENARIOS = Path(__file__).parents[1] / "scenarios"

HEADER = (
    "kind,id,name,aliases,department,phone,status,hours,ring,ring_seconds,ring_members,"
    "after_hours,on_call,on_call_starts,timezone,holidays,greeting,value\n"
)
COMPANY = "company,,Acme,,,,,mon-fri=09:00-17:00,,,,,,,America/Chicago,2026-12-25,Hello.,\n"
INFO = "info,address,,,,,,,,,,,,,,,,1 Main St\n"
IT = (
    "department,it,IT,help desk,,,,,hunt,10,eve-park;tom-reed,on_call,tom-reed;eve-park,"
    "2026-11-23,,,,\n"
)
BILLING = "department,billing,Billing,,,,,,,,,message,2026-12-24..2026-12-27=tom-reed;2026-12-28=eve-park,,,,,\n"
EVE = "employee,eve-park,Eve Park,,it,+13125550114,available,,,,,,,,,,,\n"
TOM = ",tom-reed,Tom Reed,,it,+13125550110,dnd,,,,,,,,,,,\n"  # an empty kind is an employee
BLOCKED = "blocked,,,,,+1 900,,,,,,,,,,,,\nblocked,,,,,+16125550166,,,,,,,,,,,,\n"


def whole(*rows: str) -> str:
    return HEADER + "".join(rows)


def problems(text: str) -> list[str]:
    with pytest.raises(DirectoryFileError) as caught:
        parse_csv_text(text, "dir.csv")
    return [str(p) for p in caught.value.problems]


def test_a_csv_with_a_company_row_is_the_whole_directory() -> None:
    file = parse_csv_text(whole(COMPANY, INFO, IT, BILLING, EVE, TOM, BLOCKED), "dir.csv")
    d = file.directory
    assert d is not None
    assert d.company.name == "Acme"
    assert d.company.info == {"address": "1 Main St"}
    assert d.company.holidays == (date(2026, 12, 25),)
    assert d.company.hours.on(0)
    assert not d.company.hours.on(5)
    it, billing = d.departments
    assert it.ring == RingGroup(RingStrategy.HUNT, 10.0, ("eve-park", "tom-reed"))
    assert it.after_hours == AfterHours(
        AfterHoursAction.ON_CALL,
        OnCallRota(people=("tom-reed", "eve-park"), starts=date(2026, 11, 23)),
    )
    assert billing.ring is None
    assert billing.after_hours == AfterHours(
        AfterHoursAction.MESSAGE,
        OnCallRota(
            shifts=(
                OnCallShift(date(2026, 12, 24), date(2026, 12, 27), "tom-reed"),
                OnCallShift(date(2026, 12, 28), date(2026, 12, 28), "eve-park"),
            )
        ),
    )
    assert [e.id for e in d.employees] == ["eve-park", "tom-reed"]
    assert d.blocked == BlockList(("+1900", "+16125550166"))
    assert file.employees == d.employees


def test_without_a_company_row_the_rows_are_partial() -> None:
    file = parse_csv_text(whole(IT, EVE, TOM, BLOCKED), "dir.csv")
    assert file.directory is None
    assert [d.id for d in file.departments or ()] == ["it"]
    assert file.blocked == BlockList(("+1900", "+16125550166"))
    only_people = parse_csv_text(whole(EVE), "dir.csv")
    assert (only_people.departments, only_people.blocked) == (None, None)  # stored ones are kept


@pytest.mark.parametrize(
    "directory",
    [
        pytest.param(demo_directory(), id="demo"),
        pytest.param(
            read_directory_file(SCENARIOS / "ringgroups-directory.yaml").directory, id="ringgroups"
        ),
        pytest.param(
            read_directory_file(SCENARIOS / "calendars-directory.yaml").directory, id="calendars"
        ),
    ],
)
def test_yaml_to_csv_to_yaml_gives_the_same_directory(directory: Directory) -> None:
    routed = replace(directory, blocked=BlockList(("+1900", "+16125550166")))
    csv_text = dump_directory_csv(routed)
    back = parse_csv_text(csv_text, "export.csv").directory
    assert back == routed
    assert dump_directory_yaml(back) == dump_directory_yaml(routed)
    assert parse_directory_yaml(dump_directory_yaml(back)) == routed


def test_the_demo_with_every_kind_of_routing_round_trips() -> None:
    demo = demo_directory()
    routed = replace(
        demo,
        departments=tuple(
            replace(d, ring=RingGroup(RingStrategy.HUNT, 7.5, ("raj-patel", "wei-chan")))
            if d.id == "it"
            else replace(d, ring=RingGroup(), after_hours=AfterHours(AfterHoursAction.VOICEMAIL))
            if d.id == "payroll"
            else d
            for d in demo.departments
        ),
    )
    assert parse_csv_text(dump_directory_csv(routed), "x.csv").directory == routed


def test_headers_are_matched_without_regard_to_case_and_extras_are_kept() -> None:
    text = (
        "Kind,ID,Name,Phone,Badge,ring\n"
        "employee,eve-park,Eve Park,+13125550114,1042,hunt\n"  # an employee keeps ring as extra
        "blocked,,,+1900,,\n"
    )
    file = parse_csv_text(text, "x.csv")
    (eve,) = file.employees
    assert eve.extra == {"Badge": "1042", "ring": "hunt"}
    assert file.blocked == BlockList(("+1900",))


def test_employee_only_files_without_a_kind_column_are_unchanged() -> None:
    legacy = "id,name,phone,ring,timezone\neve-park,Eve Park,+13125550114,hunt,UTC\n"
    file = parse_csv_text(legacy, "people.csv")
    assert (file.directory, file.departments, file.blocked) == (None, None, None)
    assert file.employees[0].extra == {"ring": "hunt", "timezone": "UTC"}


def test_bad_rows_are_all_named_with_their_row_and_column() -> None:
    found = problems(
        whole(
            COMPANY,
            "department,it,IT,,,,,,sometimes,3,eve-park;eve-park,later,,,,,,\n",  # row 3
            "department,hr,HR,,,,,,,,,on_call,,,,,,\n",  # row 4: on_call without a rota
            "department,ops,Ops,,,,,,,,,,2026-12-24..2026-12-20=eve-park,,,,,\n",  # row 5
            "blocked,,,,,612 555 0100,,,,,,,,,,,,\n",  # row 6
            "blocked,,,,,+1900x,,,,,,,,,,,,\n",  # row 7
            "blocked,Spam,,,,+1900,,,,,,,,,,,,\n",  # row 8: a cell blocked rows do not use
            "robot,,,,,,,,,,,,,,,,,\n",  # row 9
            "company,,Again,,,,,mon=09:00-10:00,,,,,,,UTC,,,\n",  # row 10
            EVE,
        )
    )
    assert found == [
        "dir.csv: row 3 (kind=department, id=it): ring: 'sometimes' is not one of simultaneous, hunt",
        "dir.csv: row 3 (kind=department, id=it): ring_seconds: 3 must be a number of seconds from 5 to 120",
        "dir.csv: row 3 (kind=department, id=it): ring_members: lists an employee id twice",
        "dir.csv: row 3 (kind=department, id=it): after_hours: 'later' is not one of message, on_call, voicemail",
        "dir.csv: row 4 (kind=department, id=hr): on_call: is required when action is on_call",
        "dir.csv: row 5 (kind=department, id=ops): on_call: shift 1 to: 2026-12-20 is before from 2026-12-24",
        "dir.csv: row 6 (kind=blocked): phone: '612 555 0100' is not an E.164 number or prefix "
        "(it must start with + and the country code); write it like +16125550100, or +1900 for "
        "every number that starts so",
        "dir.csv: row 7 (kind=blocked): phone: '+1900x' is not an E.164 number or prefix ('x' is "
        "not a digit (only spaces, dashes, dots and brackets may go between)); write it like "
        "+16125550100, or +1900 for every number that starts so",
        "dir.csv: row 8 (kind=blocked): id: blocked rows do not use this column (they use phone); "
        "leave it empty",
        "dir.csv: row 9: kind: 'robot' is not a row kind (use employee, department, company, info, "
        "blocked; empty is employee)",
        "dir.csv: row 10 (kind=company): a second company row (the first is row 2)",
    ]


def test_a_whole_directory_csv_refuses_routing_to_missing_employees() -> None:
    found = problems(whole(COMPANY, IT, BILLING, EVE))  # tom-reed is not in the file
    assert found == [
        "dir.csv: row 3 (kind=department, id=it): ring_members: unknown employee id 'tom-reed' "
        "(no employee row has that id)",
        "dir.csv: row 3 (kind=department, id=it): on_call: unknown employee id 'tom-reed' "
        "(no employee row has that id)",
        "dir.csv: row 4 (kind=department, id=billing): on_call: unknown employee id 'tom-reed' "
        "(no employee row has that id)",
    ]


def test_a_whole_directory_csv_lists_every_department() -> None:
    found = problems(whole(COMPANY, "employee,ann,Ann,,sales,+13125550101,,,,,,,,,,,,\n"))
    assert found == [
        "dir.csv: row 3 (id=ann): department: unknown department 'sales' (no department row has "
        "that id; a file with a company row lists every department)"
    ]


def test_company_row_values_are_checked_and_needed_columns_named() -> None:
    found = problems(whole("company,,,,,,,mon=9-5,,,,,,,Chicago,2026-02-30,,\n"))
    assert found == [
        "dir.csv: row 2 (kind=company): name: is required and must not be empty",
        "dir.csv: row 2 (kind=company): timezone: 'Chicago' is not an IANA time zone like "
        "America/Chicago",
        "dir.csv: row 2 (kind=company): hours: mon: '9' is not a time like 08:30",
        "dir.csv: row 2 (kind=company): holidays: '2026-02-30' is not a date like 2026-12-25",
    ]
    assert problems("kind,phone\ncompany,\nblocked,+1900\n") == [
        "dir.csv: row 1: the header lacks column(s) name, timezone, hours, used by company rows"
    ]


def test_info_rows_need_a_key_a_value_and_a_company() -> None:
    assert problems(whole(INFO)) == [
        "dir.csv: info: info rows need a company row (they are the company's facts)"
    ]
    assert problems(whole(COMPANY, "info,,,,,,,,,,,,,,,,,\n", INFO, INFO)) == [
        "dir.csv: row 3 (kind=info): id: is required: the fact's name, like address or website",
        "dir.csv: row 3 (kind=info): value: is required: the fact the agent may tell callers",
        "dir.csv: row 5 (kind=info, id=address): id: duplicate info 'address' (also row 4)",
    ]


def test_an_extra_key_the_csv_cannot_hold_refuses_the_export() -> None:
    demo = demo_directory()
    first = replace(demo.employees[0], extra={"Kind": "contractor"})
    with pytest.raises(CsvExportError, match=r"'dana-whitfield' has an extra key 'Kind'"):
        dump_directory_csv(replace(demo, employees=(first, *demo.employees[1:])))


def test_the_documented_example_imports_as_documented() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "directory-format.md").read_text("utf-8")
    example = doc.split("```csv\nkind,", 1)[1].split("```", 1)[0]
    d = parse_csv_text("kind," + example, "directory.csv").directory
    assert d is not None
    assert d.company.info == {"address": "200 West Lake Street, Chicago, IL 60606"}
    assert [(x.id, x.ring is not None, x.after_hours is not None) for x in d.departments] == [
        ("it", True, True),
        ("billing", False, True),
    ]
    assert [e.id for e in d.employees] == ["priya-raman", "ann-lee", "eve-park", "tom-reed"]
    assert d.blocked == BlockList(("+1900",))
