"""Writes shared by the directory repository's methods: the profile row and ordered upserts."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import JSON, Table, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.adapters.sqlalchemy.directory_mapping import company_to_row
from switchboard.adapters.sqlalchemy.engine import json_text
from switchboard.adapters.sqlalchemy.tables import (
    COMPANY_PROFILE_ID,
    DIRECTORY_REVISION_ID,
    company_profile,
    directory_revision,
)
from switchboard.domain.directory import CompanyProfile, Department, Employee
from switchboard.domain.screening import BlockList

Item = TypeVar("Item", Department, Employee)

# Larger imports read every id instead: an IN list that long would exceed the drivers' bind limits.
_MAX_IN_LIST = 500


async def save_company(session: AsyncSession, company: CompanyProfile) -> None:
    """Insert or overwrite the single company profile row."""
    values = company_to_row(company)
    updated = await session.execute(
        update(company_profile)
        .where(company_profile.c.id == COMPANY_PROFILE_ID)
        .values(values)
        .returning(company_profile.c.id)
    )
    if updated.first() is None:
        await session.execute(insert(company_profile).values(id=COMPANY_PROFILE_ID, **values))


async def save_blocked(session: AsyncSession, blocked: BlockList) -> None:
    """Overwrite the directory's block list (on the profile row, which `save_company` wrote)."""
    await session.execute(
        update(company_profile)
        .where(company_profile.c.id == COMPANY_PROFILE_ID)
        .values(blocked=list(blocked.entries) or None)
    )


async def stored_blocked(session: AsyncSession) -> BlockList:
    query = select(company_profile.c.blocked).where(company_profile.c.id == COMPANY_PROFILE_ID)
    return BlockList(tuple(await session.scalar(query) or ()))


async def bump_revision(session: AsyncSession) -> None:
    """Move the directory's revision on (in the caller's transaction: it commits with the write,
    or not at all). The row lock also queues concurrent writers on PostgreSQL."""
    row = directory_revision.c
    bumped = await session.execute(
        update(directory_revision)
        .where(row.id == DIRECTORY_REVISION_ID)
        .values(revision=row.revision + 1, token=uuid.uuid4().hex)
        .returning(row.id)
    )
    if bumped.first() is None:  # a schema made without the migration's seed row
        await session.execute(
            insert(directory_revision).values(
                id=DIRECTORY_REVISION_ID, revision=1, token=uuid.uuid4().hex
            )
        )


async def upsert_in_listing_order(
    session: AsyncSession,
    table: Table,
    items: Sequence[Item],
    to_row: Callable[[Item, int], dict[str, Any]],
) -> None:
    """Update the items that exist (keeping their position); append the others in order."""
    if not items:
        return
    ids = select(table.c.id)
    if len(items) <= _MAX_IN_LIST:
        ids = ids.where(table.c.id.in_([item.id for item in items]))
    existing: set[str] = set(await session.scalars(ids))
    first_free = await session.scalar(select(func.coalesce(func.max(table.c.position) + 1, 0)))
    position = int(first_free or 0)
    updates: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    for item in items:
        row = to_row(item, position)
        if item.id in existing:
            del row["position"]
            updates.append({f"new_{name}": value for name, value in row.items()})
        else:
            inserts.append(row)
            position += 1
    if updates:
        # Bind names must differ from column names in an UPDATE's SET clause.
        columns = [name.removeprefix("new_") for name in updates[0] if name != "new_id"]
        statement = (
            update(table)
            .where(table.c.id == bindparam("new_id"))
            .values({name: bindparam(f"new_{name}") for name in columns})
        )
        await session.execute(statement, updates)
    if inserts:
        await session.execute(insert(table), inserts)


async def insert_many(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (one key per column) with one prepared statement run for every row.

    At 100,000 employees SQLAlchemy's per-row parameter processing cost more than the database
    itself, so the rows go to the driver's executemany as tuples, JSON columns already serialised
    (as the engine's serialiser would write them).
    """
    if not rows:
        return
    connection = await session.connection()
    dialect = connection.dialect
    names = [column.name for column in table.columns]
    json_columns = {column.name for column in table.columns if isinstance(column.type, JSON)}
    if dialect.paramstyle == "numeric_dollar":  # asyncpg
        marks = ", ".join(f"${i}" for i in range(1, len(names) + 1))
    elif dialect.paramstyle == "qmark":  # sqlite3 (aiosqlite)
        marks = ", ".join("?" * len(names))
    else:  # a driver this project does not use: the portable (slower) path
        await session.execute(insert(table), list(rows))
        return
    quote = dialect.identifier_preparer.quote
    statement = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) VALUES ({marks})"
    )
    params = [
        tuple(json_text(row[n]) if n in json_columns else row[n] for n in names) for row in rows
    ]
    await connection.exec_driver_sql(statement, params)
