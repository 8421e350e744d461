"""Directory use cases: import (all-or-nothing), export, edit, and seeding the demo company."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources

from switchboard.adapters.directory_file import (
    DirectoryFile,
    DirectoryFileError,
    Problem,
    parse_directory_yaml,
)
from switchboard.domain.directory import Department, Directory, Employee
from switchboard.domain.errors import InvalidInput, NotFound
from switchboard.ports.repositories import UnitOfWork

# Moved to `directory_index` (the resolve command imports only that); still importable here.
from switchboard.services.directory_index import resolver_for_queries as resolver_for_queries

UnitOfWorkFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True, slots=True)
class ImportReport:
    employees: int
    departments: int
    replaced: bool
    created_departments: tuple[str, ...] = field(default=())


class EmployeeNotFound(NotFound, LookupError):
    def __init__(self, employee_id: str) -> None:
        super().__init__(f"no employee with id {employee_id!r}")
        self.employee_id = employee_id


class EmployeeExists(InvalidInput, ValueError):
    def __init__(self, employee_id: str) -> None:
        super().__init__(f"an employee with id {employee_id!r} already exists")
        self.employee_id = employee_id


def _department_from_id(department_id: str) -> Department:
    return Department(id=department_id, name=department_id.replace("-", " ").title())


def _with_csv_departments(
    current: Directory, employees: tuple[Employee, ...], replace: bool
) -> tuple[Directory, tuple[str, ...]]:
    """A CSV carries only employees: keep the stored profile and departments, and create any
    department a row names that does not exist yet (named from its id; rename it later)."""
    known = {d.id for d in current.departments}
    created = tuple(
        dict.fromkeys(e.department for e in employees if e.department and e.department not in known)
    )
    departments = current.departments + tuple(_department_from_id(d) for d in created)
    base = current.employees if not replace else ()
    incoming = {e.id for e in employees}
    kept = tuple(e for e in base if e.id not in incoming)
    directory = Directory(current.company, departments, kept + employees)
    return directory, created


async def import_directory(
    uow_factory: UnitOfWorkFactory, file: DirectoryFile, *, replace: bool = False
) -> ImportReport:
    """Import a parsed directory file in one transaction: everything or nothing.

    Without `replace`, employees and departments are upserted by id and others are kept; with it,
    the stored directory becomes exactly the file's (a CSV keeps the stored company profile).
    """
    async with uow_factory() as uow:
        created: tuple[str, ...] = ()
        if file.directory is not None:
            directory = file.directory
            if replace:
                await uow.directory.replace(directory)
            else:
                await uow.directory.merge(directory)
        else:
            # With --replace the stored employees go anyway: only the profile and departments
            # are read (at 100,000 employees reading them all costs seconds).
            current = await uow.directory.load(employees=not replace)
            directory, created = _with_csv_departments(current, file.employees, replace)
            await uow.directory.replace(directory)
        await uow.commit()
    return ImportReport(
        employees=len(file.employees),
        departments=len(file.directory.departments) if file.directory else len(created),
        replaced=replace,
        created_departments=created,
    )


async def load_directory(uow_factory: UnitOfWorkFactory) -> Directory:
    async with uow_factory() as uow:
        return await uow.directory.load()


async def add_employee(uow_factory: UnitOfWorkFactory, employee: Employee) -> None:
    async with uow_factory() as uow:
        if await uow.directory.get_employee(employee.id) is not None:
            raise EmployeeExists(employee.id)
        await _check_department(uow, employee)
        await uow.directory.save_employee(employee)
        await uow.commit()


async def update_employee(
    uow_factory: UnitOfWorkFactory, employee_id: str, changes: Mapping[str, object]
) -> Employee:
    """Apply already-validated field changes to one employee and return the result."""
    async with uow_factory() as uow:
        current = await uow.directory.get_employee(employee_id)
        if current is None:
            raise EmployeeNotFound(employee_id)
        updated = current.with_changes(**changes)
        await _check_department(uow, updated)
        await uow.directory.save_employee(updated)
        await uow.commit()
        return updated


async def remove_employee(uow_factory: UnitOfWorkFactory, employee_id: str) -> None:
    async with uow_factory() as uow:
        if not await uow.directory.remove_employee(employee_id):
            raise EmployeeNotFound(employee_id)
        await uow.commit()


async def _check_department(uow: UnitOfWork, employee: Employee) -> None:
    if employee.department is None:
        return
    directory = await uow.directory.load()
    if directory.department(employee.department) is None:
        known = ", ".join(d.id for d in directory.departments) or "none yet"
        raise DirectoryFileError(
            [
                Problem(
                    source="command line",
                    location=f"id={employee.id}",
                    field="department",
                    reason=f"unknown department {employee.department!r} (known: {known})",
                )
            ]
        )


def demo_directory() -> Directory:
    """The packaged demo company (used by the offline mode when the database is empty)."""
    text = resources.files("switchboard.data").joinpath("demo_directory.yaml").read_text("utf-8")
    return parse_directory_yaml(text, source="demo_directory.yaml")


async def seed_demo_if_empty(uow_factory: UnitOfWorkFactory) -> bool:
    """Load the demo directory into an empty store; True when it did."""
    async with uow_factory() as uow:
        if not await uow.directory.is_empty():
            return False
        await uow.directory.replace(await asyncio.to_thread(demo_directory))
        await uow.commit()
        return True
