"""The directory's revision and what resolving reads, straight through the database driver, for
`switchboard directory resolve`.

That one-off process mostly reads one revision row and then its saved index; importing SQLAlchemy
and opening an engine for it cost about half a second of CPU, more than the rest together. So
plain URLs are read with the driver alone: `sqlite+aiosqlite:///FILE` (an existing file, opened
read-only, one transaction for the revision and the names) and `postgresql+asyncpg://…` with no
query options (one REPEATABLE READ, read-only transaction). Anything else (`reader_for` gives
None), or any failure (no file yet, a schema not migrated, a server that refuses), goes through
the storage adapter as before (`entrypoints/directory_commands.py`).

The statements read what `adapters/sqlalchemy/directory_snapshot.py` reads (`read_revision`,
`read_name_rows`), except that departments carry only their id, name and aliases: all a resolver
reads of them. Tests hold the two readers to the same answers.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

from switchboard.domain.directory import Department
from switchboard.domain.resolution import NameRecord

_SQLITE = "sqlite+aiosqlite:///"
_POSTGRESQL = "postgresql+asyncpg://"
_SQLITE_BUSY_TIMEOUT_S = 10.0  # as the engine's busy_timeout
# The one revision row (`tables.DIRECTORY_REVISION_ID`).
_REVISION = "SELECT revision, token FROM directory_revision WHERE id = 1"
_DEPARTMENTS = "SELECT id, name, {aliases} FROM departments ORDER BY position, id"
_EMPLOYEES = "SELECT id, name, {aliases}, title, department_id FROM employees ORDER BY position, id"


def reader_for(url: str) -> Callable[[], SqliteNames | PostgresNames] | None:
    """A reader for `url`, or None when only the storage adapter reads it (see module docstring)."""
    if "?" in url or "%" in url:  # options or escapes: the engine's own URL parsing
        return None
    if url.startswith(_SQLITE):
        path = url[len(_SQLITE) :]
        if not path or path == ":memory:" or path.startswith("file:"):
            return None
        return lambda: SqliteNames(Path(path))
    if url.startswith(_POSTGRESQL):
        dsn = "postgresql://" + url[len(_POSTGRESQL) :]
        return lambda: PostgresNames(dsn)
    return None


def _aliases(employee_id: str, stored: str) -> tuple[str, ...]:
    try:
        return tuple(json.loads(stored))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"stored employee {employee_id!r} is unreadable: {exc}") from exc


def name_records(rows: Sequence[Sequence[Any]]) -> list[NameRecord]:
    """(id, name, aliases as JSON text, title, department id) rows as `NameRecord`s."""
    return [NameRecord(i, n, () if a == "[]" else _aliases(i, a), t, d) for i, n, a, t, d in rows]


def _departments(rows: Sequence[Sequence[Any]]) -> tuple[Department, ...]:
    return tuple(Department(i, n, () if a == "[]" else _aliases(i, a)) for i, n, a in rows)


def _stamp(row: Sequence[Any] | None) -> str:
    return f"{row[0]}:{row[1]}" if row is not None else "0:"  # as `read_revision`


class SqliteNames:
    """One read-only transaction on a SQLite file (its calls run in worker threads)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._db: sqlite3.Connection | None = None

    @property
    def directory(self) -> Self:
        return self

    async def __aenter__(self) -> Self:
        self._db = await asyncio.to_thread(self._open)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        db, self._db = self._db, None
        if db is not None:
            await asyncio.to_thread(db.close)

    def _open(self) -> sqlite3.Connection:
        if not self._path.is_file():  # opening it would create it: the storage adapter does that
            raise FileNotFoundError(str(self._path))
        uri = f"file:{quote(str(self._path.resolve()))}?mode=ro"
        db = sqlite3.connect(uri, uri=True, timeout=_SQLITE_BUSY_TIMEOUT_S, check_same_thread=False)
        db.isolation_level = None  # no implicit transactions: one explicit, for one snapshot
        db.execute("BEGIN")
        return db

    def _query(self, sql: str) -> list[Any]:
        assert self._db is not None, "use `async with`"
        return self._db.execute(sql).fetchall()

    async def revision(self) -> str:
        rows = await asyncio.to_thread(self._query, _REVISION)
        return _stamp(rows[0] if rows else None)

    async def load_names(self) -> tuple[tuple[Department, ...], list[NameRecord]]:
        departments = await asyncio.to_thread(self._query, _DEPARTMENTS.format(aliases="aliases"))
        people = await asyncio.to_thread(self._query, _EMPLOYEES.format(aliases="aliases"))
        return _departments(departments), name_records(people)


class PostgresNames:
    """One read-only REPEATABLE READ transaction on PostgreSQL, through asyncpg."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._connection: Any = None
        self._transaction: Any = None

    @property
    def directory(self) -> Self:
        return self

    async def __aenter__(self) -> Self:
        import asyncpg  # type: ignore[import-untyped]  # only here: SQLite users never load it

        self._connection = await asyncpg.connect(self._dsn)
        try:
            self._transaction = self._connection.transaction(
                isolation="repeatable_read", readonly=True
            )
            await self._transaction.start()
        except BaseException:
            await self._connection.close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            await self._transaction.rollback()
        finally:
            await connection.close()

    async def revision(self) -> str:
        return _stamp(await self._connection.fetchrow(_REVISION))

    async def load_names(self) -> tuple[tuple[Department, ...], list[NameRecord]]:
        departments = await self._connection.fetch(_DEPARTMENTS.format(aliases="aliases::text"))
        people = await self._connection.fetch(_EMPLOYEES.format(aliases="aliases::text"))
        return _departments(departments), name_records(people)
