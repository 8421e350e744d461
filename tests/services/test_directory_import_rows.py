"""Importing directory CSVs with department and blocked rows, and keeping ring groups and rotas
pointing at real employees (services/directory.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from switchboard.adapters.directory_file import (
    DirectoryFileError,
    dump_directory_csv,
    parse_csv_text,
    read_directory_file,
)
from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.domain.directory import Directory
from switchboard.domain.routing.config import RingGroup, RingStrategy
from switchboard.domain.screening import BlockList
from switchboard.services.directory import (
    EmployeeInRouting,
    ImportReport,
    import_directory,
    load_directory,
    remove_employee,
)

RINGGROUPS = Path(__file__).parents[1] / "scenarios" / "ringgroups-directory.yaml"


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    routed = read_directory_file(RINGGROUPS).directory
    assert routed is not None
    file = parse_csv_text(
        dump_directory_csv(replace(routed, blocked=BlockList(("+1900",)))), "x.csv"
    )
    await import_directory(storage.unit_of_work, file, replace=True)
    yield storage
    await storage.dispose()


async def stored(storage: Storage) -> Directory:
    return await load_directory(storage.unit_of_work)


async def test_a_whole_directory_csv_export_imports_back_to_the_same_directory(
    storage: Storage,
) -> None:
    before = await stored(storage)
    assert before.blocked == BlockList(("+1900",))
    assert before.department("it") is not None
    assert before.department("it").ring is not None
    report = await import_directory(
        storage.unit_of_work, parse_csv_text(dump_directory_csv(before), "x.csv"), replace=True
    )
    assert (report.departments, report.blocked) == (4, 1)
    assert await stored(storage) == before


async def test_department_and_blocked_rows_merge_into_the_stored_directory(
    storage: Storage,
) -> None:
    before = await stored(storage)
    text = (
        "kind,id,name,phone,ring,ring_seconds,ring_members\n"
        "department,sales,Sales Team,,hunt,8,chris-young;chris-hall\n"
        "department,legal,Legal,,,,\n"
        "blocked,,,+1 612 555 0166,,,\n"
        "blocked,,,+1900,,,\n"
    )
    report = await import_directory(storage.unit_of_work, parse_csv_text(text, "x.csv"))
    assert (report.departments, report.blocked) == (2, 2)
    after = await stored(storage)
    assert [d.id for d in after.departments] == ["billing", "payroll", "it", "sales", "legal"]
    sales = after.department("sales")
    assert sales is not None
    assert (sales.name, sales.ring) == (
        "Sales Team", RingGroup(RingStrategy.HUNT, 8.0, ("chris-young", "chris-hall"))
    )  # fmt: skip
    assert after.department("it") == before.department("it")  # not in the file: kept
    assert after.employees == before.employees
    assert after.blocked == BlockList(("+1900", "+16125550166"))


async def test_with_replace_the_rows_given_are_the_whole_section(storage: Storage) -> None:
    before = await stored(storage)
    people = "kind,id,name,phone,department\n" + "".join(
        f"employee,{e.id},{e.name},{e.phone},{e.department}\n" for e in before.employees
    )
    await import_directory(
        storage.unit_of_work, parse_csv_text(people + "blocked,,,+44,\n", "x.csv"), replace=True
    )
    after = await stored(storage)
    assert after.blocked == BlockList(("+44",))
    assert after.departments == before.departments  # no department rows: the stored ones stay
    await import_directory(storage.unit_of_work, parse_csv_text(people, "x.csv"), replace=True)
    assert (await stored(storage)).blocked == BlockList(("+44",))  # no blocked rows: kept


async def test_an_import_leaving_a_ring_group_pointing_at_nobody_changes_nothing(
    storage: Storage,
) -> None:
    before = await stored(storage)
    # An employee-only CSV (the format every earlier version wrote) without tom-reed and ivy-cho.
    people = "id,name,phone,department\n" + "".join(
        f"{e.id},{e.name},{e.phone},{e.department}\n"
        for e in before.employees
        if e.id not in {"tom-reed", "ivy-cho"}
    )
    with pytest.raises(DirectoryFileError) as caught:
        await import_directory(
            storage.unit_of_work, parse_csv_text(people, "people.csv"), replace=True
        )
    assert [str(p) for p in caught.value.problems] == [
        f"people.csv: department it: {field}: unknown employee id {who!r}: not in the directory "
        "this import would leave (keep the employee, or take them out of the department's ring "
        "group or rota)"
        for field, who in [
            ("ring.members", "tom-reed"),
            ("ring.members", "ivy-cho"),
            ("after_hours.on_call.people", "ivy-cho"),
            ("after_hours.on_call.people", "tom-reed"),
        ]
    ]
    assert await stored(storage) == before


async def test_department_rows_naming_a_missing_employee_are_refused(storage: Storage) -> None:
    before = await stored(storage)
    text = "kind,id,name,ring_members\ndepartment,sales,Sales,chris-young;nobody\n"
    with pytest.raises(
        DirectoryFileError, match=r"department sales: ring.members: unknown employee id 'nobody'"
    ):
        await import_directory(storage.unit_of_work, parse_csv_text(text, "x.csv"))
    assert await stored(storage) == before


async def test_removing_an_employee_still_in_a_group_is_refused_naming_the_groups(
    storage: Storage,
) -> None:
    with pytest.raises(EmployeeInRouting) as caught:
        await remove_employee(storage.unit_of_work, "tom-reed")
    assert str(caught.value) == (
        "employee 'tom-reed' is still in a ring group or on-call rota: department it "
        "(ring.members, after_hours.on_call.people). Take them out there first (export the "
        "directory, edit the department, import it), then remove them"
    )
    assert caught.value.departments == ("it",)
    assert (await stored(storage)).employee("tom-reed") is not None
    await remove_employee(storage.unit_of_work, "chris-hall")  # in no group: removed
    assert (await stored(storage)).employee("chris-hall") is None


@pytest.mark.parametrize(
    ("report", "line"),
    [
        (ImportReport(employees=1, departments=1, replaced=False),
         "Imported 1 employee and 1 department."),
        (ImportReport(employees=30, departments=5, replaced=True, blocked=2),
         "Replaced the directory with 30 employees and 5 departments; "
         "2 blocked numbers and prefixes."),
        (ImportReport(employees=3, departments=2, replaced=False, blocked=1,
                      created_departments=("Legal", "Facilities")),
         "Imported 3 employees and 2 departments; 1 blocked number or prefix; "
         "created Legal, Facilities."),
    ],
)  # fmt: skip
def test_an_import_is_summed_up_in_one_line(report: ImportReport, line: str) -> None:
    assert report.summary() == line
