"""The directory, stored in three tables (see `tables.py`), behind the DirectoryRepository port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import delete, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.adapters.name_reader import name_records
from switchboard.adapters.sqlalchemy.directory_mapping import (
    blocked_from_row,
    company_from_row,
    department_from_row,
    department_to_row,
    employee_from_row,
    employee_to_row,
)
from switchboard.adapters.sqlalchemy.directory_snapshot import (
    EmployeeChunks,
    employee_records,
    read_directory_rows,
    read_name_rows,
    read_revision,
)
from switchboard.adapters.sqlalchemy.directory_writes import (
    bump_revision,
    insert_many,
    save_blocked,
    save_company,
    stored_blocked,
    upsert_in_listing_order,
)
from switchboard.adapters.sqlalchemy.errors import constraint_violation
from switchboard.adapters.sqlalchemy.tables import (
    departments,
    employees,
)
from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.resolution import NameRecord

_MAP_IN_THREAD = 500  # employees; below this a thread hop costs more than the mapping


def _employees(rows: Sequence[Any]) -> tuple[Employee, ...]:
    return tuple(employee_from_row(r) for r in employee_records(rows))


# PostgreSQL advisory lock key for directory writers (SQLite serialises writers with BEGIN IMMEDIATE).
_DIRECTORY_WRITE_LOCK = 0x5357_4449_5200  # "SWDIR"


class SqlAlchemyDirectoryRepository:
    """Reads and writes the directory inside the caller's session (the unit of work's transaction).

    Every write is all-or-nothing: it runs in a savepoint, so a refused write leaves the
    transaction as it was and raises `ConstraintViolation`. Every write also moves the directory's
    revision on, in the same savepoint (`revision`).
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def load(self, *, employees: bool = True) -> Directory:
        """The whole directory in listing order; an empty one with a default profile if nothing is stored.

        `employees=False`: the profile and departments only (no employees read).
        """
        row, department_rows, employee_rows = await read_directory_rows(
            self._session, employees=employees
        )
        company = company_from_row(row) if row is not None else CompanyProfile(name="")
        departments = tuple(department_from_row(r) for r in department_rows)
        # Thousands of employees take a second of CPU to map: in a thread, so the event loop (and
        # the calls on it) keeps running.
        people = (
            await asyncio.to_thread(_employees, employee_rows)
            if isinstance(employee_rows, EmployeeChunks) or len(employee_rows) > _MAP_IN_THREAD
            else _employees(employee_rows)
        )
        return Directory(
            company=company,
            departments=departments,
            employees=people,
            blocked=blocked_from_row(row),
        )

    async def load_names(self) -> tuple[tuple[Department, ...], list[NameRecord]]:
        """The departments and what resolving names reads of each employee, in listing order:
        five columns instead of every field mapped into an `Employee` (a tenth of the time)."""
        department_rows, rows = await read_name_rows(self._session)
        return tuple(department_from_row(r) for r in department_rows), name_records(rows)

    async def revision(self) -> str:
        """The stored directory's revision stamp; it changes with every committed write."""
        return await read_revision(self._session)

    async def replace(self, directory: Directory) -> None:
        """Make the stored directory exactly `directory` (listing order included)."""
        async with self._write("replace directory"):
            # Employees first: they refer to departments.
            await self._session.execute(delete(employees))
            await self._session.execute(delete(departments))
            await save_company(self._session, directory.company)
            await save_blocked(self._session, directory.blocked)
            if directory.departments:
                rows = [department_to_row(d, i) for i, d in enumerate(directory.departments)]
                await self._session.execute(insert(departments), rows)
            rows = [employee_to_row(e, i) for i, e in enumerate(directory.employees)]
            await insert_many(self._session, employees, rows)

    async def merge(self, directory: Directory) -> None:
        """Upsert the profile, departments and employees of `directory`, and add its blocked
        numbers to the stored ones; keep everything else.

        Existing records keep their place in the listing order; new ones are appended in the
        order given. Use `replace` to reorder.
        """
        async with self._write("merge directory"):
            blocked = await stored_blocked(self._session)
            await save_company(self._session, directory.company)
            await save_blocked(self._session, blocked.union(directory.blocked))
            await upsert_in_listing_order(
                self._session, departments, directory.departments, department_to_row
            )
            await upsert_in_listing_order(
                self._session, employees, directory.employees, employee_to_row
            )

    async def get_employee(self, employee_id: str) -> Employee | None:
        query = select(employees).where(employees.c.id == employee_id)
        row = (await self._session.execute(query)).mappings().first()
        return employee_from_row(row) if row is not None else None

    async def save_employee(self, employee: Employee) -> None:
        """Insert or update one employee; a new one goes to the end of the listing order."""
        async with self._write(f"save employee {employee.id!r}"):
            await upsert_in_listing_order(self._session, employees, (employee,), employee_to_row)

    async def remove_employee(self, employee_id: str) -> bool:
        """Delete one employee; False when there was none with that id."""
        async with self._write(f"remove employee {employee_id!r}"):
            result = await self._session.execute(
                delete(employees).where(employees.c.id == employee_id).returning(employees.c.id)
            )
            return result.first() is not None

    async def save_department(self, department: Department) -> None:
        """Insert or update one department; a new one goes to the end of the listing order."""
        async with self._write(f"save department {department.id!r}"):
            await upsert_in_listing_order(
                self._session, departments, (department,), department_to_row
            )

    async def is_empty(self) -> bool:
        """True when no employee and no department is stored (the profile does not count)."""
        for table in (employees, departments):
            if (await self._session.execute(select(table.c.id).limit(1))).first() is not None:
                return False
        return True

    @asynccontextmanager
    async def _write(self, action: str) -> AsyncIterator[None]:
        await self._lock_for_write()
        try:
            async with self._session.begin_nested():
                await bump_revision(self._session)
                yield
        except IntegrityError as exc:
            raise constraint_violation(action, exc) from exc

    async def _lock_for_write(self) -> None:
        # Positions are computed as max + 1; two writers must not both read the same max. The
        # lock is held until the transaction ends; taking it again in the same one is free.
        if self._session.get_bind().dialect.name == "postgresql":
            await self._session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _DIRECTORY_WRITE_LOCK}
            )
