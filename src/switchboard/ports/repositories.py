"""Storage ports: repositories and the unit of work that groups them in one transaction.

Later layers add repositories (call records, messages, notifications) to `UnitOfWork` as attributes;
services only ever see these Protocols, never SQLAlchemy.
"""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from switchboard.domain.call_record import CallRecord
from switchboard.domain.calls import CallOutcome
from switchboard.domain.directory import Department, Directory, Employee
from switchboard.domain.resolution import NameRecord


class DirectoryRepository(Protocol):
    async def load(self, *, employees: bool = True) -> Directory:
        """The whole directory (an empty one, with a default profile, when nothing is stored);
        `employees=False` reads the profile and departments only."""
        ...

    async def load_names(self) -> tuple[tuple[Department, ...], list[NameRecord]]:
        """The departments and, per employee in listing order, only what resolving names reads
        (`Resolver.from_people`): much cheaper than `load` for a big directory."""
        ...

    async def revision(self) -> str:
        """An opaque stamp that changes with every committed directory write (cheap to read)."""
        ...

    async def replace(self, directory: Directory) -> None:
        """Replace everything stored with `directory` (used by import --replace and restore)."""
        ...

    async def merge(self, directory: Directory) -> None:
        """Upsert the profile, departments and employees of `directory`; keep the rest."""
        ...

    async def get_employee(self, employee_id: str) -> Employee | None: ...

    async def save_employee(self, employee: Employee) -> None:
        """Insert or update one employee (new ones go to the end of the listing order)."""
        ...

    async def remove_employee(self, employee_id: str) -> bool: ...

    async def save_department(self, department: Department) -> None: ...

    async def is_empty(self) -> bool: ...


class NameSource(Protocol):
    """What building a resolver reads: a `DirectoryRepository`, or a lighter reader that gives
    the departments' id, name and aliases only (all a resolver reads of them)."""

    async def revision(self) -> str: ...

    async def load_names(self) -> tuple[tuple[Department, ...], list[NameRecord]]: ...


class NameReading(Protocol):
    """One read (one snapshot) of a `NameSource`: a unit of work, or that lighter reader."""

    @property
    def directory(self) -> NameSource: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class UnitOfWork(Protocol):
    """One transaction. `async with uow:` opens it; leaving without `commit()` rolls back."""

    directory: DirectoryRepository
    calls: CallRecordRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class CallRecordRepository(Protocol):
    async def save(self, record: CallRecord) -> None:
        """Insert or overwrite the record of `record.call_id`."""
        ...

    async def get(self, call_id: str) -> CallRecord | None: ...

    async def list_recent(
        self,
        *,
        limit: int = 50,
        since: datetime | None = None,
        outcome: CallOutcome | None = None,
    ) -> list[CallRecord]:
        """Newest first."""
        ...
