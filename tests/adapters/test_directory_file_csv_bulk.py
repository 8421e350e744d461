"""The CSV bulk path: validation verdicts are shared between rows, yet every bad row is still
named; a large import is still all-or-nothing and lands exactly as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from switchboard.adapters.directory_file import DirectoryFileError, read_directory_file
from switchboard.adapters.sqlalchemy import open_storage
from switchboard.domain.directory import EmployeeStatus
from switchboard.services.directory import import_directory, load_directory

HEADER = "id,name,aliases,title,department,phone,email,sms,status\n"


def rows(count: int, *, bad: dict[int, str] | None = None) -> str:
    lines = []
    for i in range(count):
        status = (bad or {}).get(i, "dnd" if i % 3 == 0 else "available")
        lines.append(
            f"e{i},Person {i},P{i};Pers {i},Clerk,sales,+1312555{i % 10000:04d},,,{status}"
        )
    return HEADER + "\n".join(lines) + "\n"


def test_a_bad_value_repeated_on_many_rows_is_reported_on_each(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(rows(50, bad={3: "asleep", 40: "asleep", 41: "Out Of Office"}), "utf-8")
    with pytest.raises(DirectoryFileError) as caught:
        read_directory_file(path)
    locations = [p.location for p in caught.value.problems]
    assert locations == ["row 5 (id=e3)", "row 42 (id=e40)"]  # the third spelling is valid
    assert all("unknown status 'asleep'" in p.reason for p in caught.value.problems)


def test_verdicts_shared_between_rows_give_each_row_its_own_values(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(rows(30), "utf-8")
    employees = read_directory_file(path).employees
    assert [e.status for e in employees[:3]] == [
        EmployeeStatus.DND, EmployeeStatus.AVAILABLE, EmployeeStatus.AVAILABLE,
    ]  # fmt: skip
    assert employees[7].aliases == ("P7", "Pers 7")
    assert employees[7].phone == "+13125550007"


async def test_a_large_import_is_all_or_nothing_and_lands_exactly(
    database_url: str, tmp_path: Path
) -> None:
    storage = await open_storage(database_url)
    try:
        good = tmp_path / "good.csv"
        good.write_text(rows(3000), "utf-8")
        await import_directory(storage.unit_of_work, read_directory_file(good), replace=True)
        stored = await load_directory(storage.unit_of_work)
        assert stored.employees == read_directory_file(good).employees
        assert [d.id for d in stored.departments] == ["sales"]
        broken = tmp_path / "broken.csv"
        broken.write_text(
            rows(3000, bad={2999: "nope"}).replace("e5,Person 5", "e5,Renamed"), "utf-8"
        )
        with pytest.raises(DirectoryFileError, match="row 3001"):
            await import_directory(storage.unit_of_work, read_directory_file(broken), replace=True)
        assert await load_directory(storage.unit_of_work) == stored  # nothing changed
    finally:
        await storage.dispose()
