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
from switchboard.domain.directory import Department, Directory, Employee, RoutingReference
from switchboard.domain.errors import InvalidInput, NotFound, Refused
from switchboard.domain.screening import BlockList
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
    blocked: int = 0  # block-list entries the file gave

    def summary(self) -> str:
        """One line for the person who imported: what the directory now holds from the file."""
        verb = "Replaced the directory with" if self.replaced else "Imported"
        parts = [f"{verb} {_count(self.employees, 'employee')} and "
                 f"{_count(self.departments, 'department')}"]  # fmt: skip
        if self.blocked:
            parts.append(
                f"{_count(self.blocked, 'blocked number or prefix', 'blocked numbers and prefixes')}"
            )
        if self.created_departments:
            parts.append("created " + ", ".join(self.created_departments))
        return "; ".join(parts) + "."


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


class EmployeeNotFound(NotFound, LookupError):
    def __init__(self, employee_id: str) -> None:
        super().__init__(f"no employee with id {employee_id!r}")
        self.employee_id = employee_id


class EmployeeExists(InvalidInput, ValueError):
    def __init__(self, employee_id: str) -> None:
        super().__init__(f"an employee with id {employee_id!r} already exists")
        self.employee_id = employee_id


class EmployeeInRouting(Refused, ValueError):
    """Removing an employee that a department's ring group or on-call rota still names."""

    def __init__(self, employee_id: str, references: tuple[RoutingReference, ...]) -> None:
        places: dict[str, list[str]] = {}
        for ref in references:
            places.setdefault(ref.department, []).append(ref.field)
        named = "; ".join(f"department {d} ({', '.join(f)})" for d, f in places.items())
        super().__init__(
            f"employee {employee_id!r} is still in a ring group or on-call rota: {named}. Take "
            "them out there first (export the directory, edit the department, import it), "
            "then remove them"
        )
        self.employee_id = employee_id
        self.departments = tuple(places)


def _department_from_id(department_id: str) -> Department:
    return Department(id=department_id, name=department_id.replace("-", " ").title())


def _with_csv_rows(
    current: Directory, file: DirectoryFile, replace: bool
) -> tuple[Directory, tuple[str, ...]]:
    """A CSV without a company row: keep the stored profile; its department rows are upserted
    into the stored departments (with `replace`, they are the departments), and any department
    an employee row names that exists nowhere is created (named from its id; rename it later).
    Its blocked rows are added to the stored list (with `replace`, they are the list)."""
    departments = current.departments
    if file.departments is not None:
        departments = _upserted(() if replace else departments, file.departments)
    known = {d.id for d in departments}
    employees = file.employees
    created = tuple(
        dict.fromkeys(e.department for e in employees if e.department and e.department not in known)
    )
    departments += tuple(_department_from_id(d) for d in created)
    base = current.employees if not replace else ()
    incoming = {e.id for e in employees}
    kept = tuple(e for e in base if e.id not in incoming)
    blocked = current.blocked
    if file.blocked is not None:
        blocked = file.blocked if replace else blocked.union(file.blocked)
    directory = Directory(current.company, departments, kept + employees, blocked)
    return directory, created


def _upserted(
    stored: tuple[Department, ...], incoming: tuple[Department, ...]
) -> tuple[Department, ...]:
    """`stored` with each incoming department in its place (by id), new ones appended."""
    by_id = {d.id: d for d in incoming}
    updated = tuple(by_id.pop(d.id, d) for d in stored)
    return updated + tuple(by_id.values())


def _check_routing(directory: Directory, source: str) -> None:
    """Refuse a directory whose ring groups or rotas name an employee it does not have."""
    unknown = directory.unknown_in_routing()
    if unknown:
        raise DirectoryFileError(
            [
                Problem(
                    source=source,
                    location=f"department {ref.department}",
                    field=ref.field,
                    reason=(
                        f"unknown employee id {ref.employee!r}: not in the directory this import "
                        "would leave (keep the employee, or take them out of the department's "
                        "ring group or rota)"
                    ),
                )
                for ref in unknown
            ]
        )


async def import_directory(
    uow_factory: UnitOfWorkFactory, file: DirectoryFile, *, replace: bool = False
) -> ImportReport:
    """Import a parsed directory file in one transaction: everything or nothing.

    Without `replace`, employees and departments are upserted by id, blocked numbers added, and
    everything else kept; with it, the stored directory becomes exactly the file's (a CSV without
    a company row keeps the stored company profile, and the stored departments or blocked
    numbers when it has no such rows). A department ring group or rota that would name an
    employee the directory does not have is refused (DirectoryFileError), as is any problem.
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
            directory, created = _with_csv_rows(current, file, replace)
            _check_routing(directory, file.source)
            await uow.directory.replace(directory)
        await uow.commit()
    if file.directory is not None:
        departments, blocked = len(file.directory.departments), file.directory.blocked
    else:
        departments = len(file.departments or ()) + len(created)
        blocked = file.blocked or BlockList()
    return ImportReport(
        employees=len(file.employees),
        departments=departments,
        replaced=replace,
        created_departments=created,
        blocked=len(blocked.entries),
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
    """Remove one employee; refused (EmployeeInRouting, naming the departments) while a ring
    group or on-call rota names them, so routing never points at nobody."""
    async with uow_factory() as uow:
        if await uow.directory.get_employee(employee_id) is None:
            raise EmployeeNotFound(employee_id)
        departments = await uow.directory.load(employees=False)
        named = tuple(r for r in departments.routing_references() if r.employee == employee_id)
        if named:
            raise EmployeeInRouting(employee_id, named)
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
