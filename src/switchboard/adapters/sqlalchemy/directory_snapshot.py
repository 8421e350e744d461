"""Reading the whole directory as one consistent snapshot.

Under PostgreSQL's READ COMMITTED every statement sees its own snapshot, so three SELECTs could
straddle a concurrent `replace()` and mix two directories (employees pointing at departments
that were not loaded). One statement with three subqueries sees one snapshot. SQLite needs no
trick: its transactions are serializable.

Reading 100,000 employees must not hold the event loop for seconds (a process's calls go on while
its directory is reloaded in the background): on SQLite the rows arrive in partitions, each one
an await; on PostgreSQL the employees come back as JSON text in chunks of 2,000, and the caller
decodes them, with the mapping to domain objects, in a worker thread (`employee_records`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Integer, Table, Text, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.adapters.sqlalchemy.tables import (
    DIRECTORY_REVISION_ID,
    company_profile,
    departments,
    directory_revision,
)
from switchboard.adapters.sqlalchemy.tables import employees as employee_table

# The employees are rows, or (PostgreSQL) JSON chunks of them: see `employee_records`.
Rows = tuple[Any | None, Sequence[Any], Sequence[Any]]
PARTITION = 2000  # rows (SQLite) or employees per JSON chunk (PostgreSQL)

# json (not jsonb) keeps each stored JSON value's key order; the aliases are table names we own.
# One statement, so one snapshot: row 0 holds the profile and the departments, every further row a
# JSON array of up to `PARTITION` employees in listing order (text, decoded by the caller in a
# thread, a chunk at a time, so no single decode holds the interpreter for long).
_POSTGRESQL_SNAPSHOT = text(
    f"""
    SELECT 0 AS part,
           json_build_array(
             (SELECT row_to_json(c) FROM company_profile AS c LIMIT 1),
             (SELECT coalesce(json_agg(d ORDER BY d.position, d.id), '[]'::json)
                FROM departments AS d)
           )::text AS body
    UNION ALL
    SELECT 1 + e.chunk AS part, json_agg(e ORDER BY e.position, e.id)::text AS body
      FROM (SELECT employees.*,
                   (row_number() OVER (ORDER BY position, id) - 1) / {PARTITION} AS chunk
              FROM employees) AS e
     GROUP BY e.chunk
    ORDER BY part
    """
).columns(part=Integer, body=Text)
_POSTGRESQL_PROFILE = text(
    """
    SELECT
      (SELECT row_to_json(c) FROM company_profile AS c LIMIT 1) AS company,
      (SELECT coalesce(json_agg(d ORDER BY d.position, d.id), '[]'::json)
         FROM departments AS d) AS departments
    """
).columns(company=JSON, departments=JSON)


async def read_directory_rows(session: AsyncSession, *, employees: bool = True) -> Rows:
    """The profile row (or None), department rows and employee rows, each in listing order
    (no employee rows with `employees=False`)."""
    if session.get_bind().dialect.name == "postgresql":
        if not employees:
            row = (await session.execute(_POSTGRESQL_PROFILE)).one()
            return row.company, row.departments, []
        head, *chunks = (await session.execute(_POSTGRESQL_SNAPSHOT)).all()
        company, department_rows = json.loads(head.body)
        return company, department_rows, EmployeeChunks(row.body for row in chunks)
    company = (await session.execute(select(company_profile))).mappings().first()
    people = await _ordered(session, employee_table) if employees else []
    return company, await _ordered(session, departments), people


class EmployeeChunks(list[str]):
    """PostgreSQL's employee rows: JSON arrays as text, decoded by `employee_records`."""


def employee_records(rows: Sequence[Any]) -> Sequence[Any]:
    """The employee rows as mappings (decoding PostgreSQL's JSON chunks: CPU work for a thread)."""
    if isinstance(rows, EmployeeChunks):
        return [record for chunk in rows for record in json.loads(chunk)]
    return rows


async def _ordered(session: AsyncSession, table: Table) -> Sequence[Any]:
    query = select(table).order_by(table.c.position, table.c.id)
    found: list[Any] = []
    result = await session.stream(query)
    async for part in result.mappings().partitions(PARTITION):
        found.extend(part)
    return found


# What resolving names reads (`read_name_rows`): five columns, the aliases as JSON text. PostgreSQL:
# one statement (one snapshot), row 0 carries the departments as JSON, the others are employees.
_NAME_COLUMNS = "id, name, aliases, title, department_id"
_SQLITE_NAMES = text(f"SELECT {_NAME_COLUMNS} FROM employees ORDER BY position, id").columns(
    id=Text, name=Text, aliases=Text, title=Text, department_id=Text
)
_POSTGRESQL_NAMES = text(
    """
    SELECT 0 AS part, NULL::integer AS position, NULL::text AS id, NULL::text AS name,
           (SELECT coalesce(json_agg(d ORDER BY d.position, d.id), '[]'::json)
              FROM departments AS d)::text AS aliases,
           NULL::text AS title, NULL::text AS department_id
    UNION ALL
    SELECT 1, position, id, name, aliases::text, title, department_id FROM employees
    ORDER BY part, position, id
    """
).columns(part=Integer, position=Integer, id=Text, name=Text, aliases=Text, title=Text,
          department_id=Text)  # fmt: skip
NameRow = tuple[str, str, str, str | None, str | None]  # id, name, aliases (JSON), title, dept id


async def read_name_rows(session: AsyncSession) -> tuple[Sequence[Any], list[NameRow]]:
    """The department rows and, per employee in listing order, what resolving names reads:
    (id, name, aliases as JSON text, title, department id). One snapshot, as `read_directory_rows`;
    the employees arrive in partitions (each an await), not as one long fetch."""
    people: list[NameRow] = []
    if session.get_bind().dialect.name == "postgresql":
        result = await session.stream(_POSTGRESQL_NAMES)
        department_rows: Sequence[Any] = []
        async for part in result.partitions(PARTITION):
            for row in part:
                if row[0] == 0:
                    department_rows = json.loads(row[4])
                else:
                    people.append(row[2:])
        return department_rows, people
    department_rows = await _ordered(session, departments)
    result = await session.stream(_SQLITE_NAMES)
    async for part in result.partitions(PARTITION):
        people.extend(part)  # Rows: tuples of the five columns
    return department_rows, people


async def read_revision(session: AsyncSession) -> str:
    """The directory's revision stamp ("<count>:<token>"): one primary-key SELECT. "0:" when the
    row is missing (nothing was ever written through a migrated schema)."""
    row = directory_revision.c
    query = select(row.revision, row.token).where(row.id == DIRECTORY_REVISION_ID)
    found = (await session.execute(query)).first()
    return f"{found.revision}:{found.token}" if found is not None else "0:"
