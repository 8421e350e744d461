"""The driver-level reader `directory resolve` uses (no SQLAlchemy): the same revision and names
as the storage adapter's, on SQLite and PostgreSQL; other URLs are left to the storage adapter."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from switchboard.adapters.name_reader import SqliteNames, reader_for
from switchboard.adapters.sqlalchemy import Storage, open_storage
from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee
from switchboard.domain.resolution import Resolver

DIRECTORY = Directory(
    CompanyProfile("X"),
    (Department("sales", "Ventes", ("sales", "commercial")), Department("it", "IT")),
    (
        Employee("zoe", "Zoë Ärnbäck", "+13125550101", ("Zo",), "Engineer", "sales"),
        Employee("bob", "Bob O'Neil", "+13125550102", (), None, None),
        Employee("al", "Al", "+13125550103", ('A"l', "Big Al"), "Head of IT", "it"),
    ),
)


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[Storage]:
    storage = await open_storage(database_url)
    async with storage.unit_of_work() as uow:
        await uow.directory.replace(DIRECTORY)
        await uow.commit()
    yield storage
    await storage.dispose()


async def test_reads_what_the_storage_adapter_reads(storage: Storage, database_url: str) -> None:
    reader = reader_for(database_url)
    assert reader is not None
    async with storage.reading_unit_of_work() as uow:
        revision = await uow.directory.revision()
        departments, people = await uow.directory.load_names()
    async with reader() as read:
        assert await read.directory.revision() == revision
        got_departments, got_people = await read.directory.load_names()
    assert got_people == people
    # Departments: the id, name and aliases (all a resolver reads of them).
    assert [(d.id, d.name, d.aliases) for d in got_departments] == [
        (d.id, d.name, d.aliases) for d in departments
    ]
    async with storage.unit_of_work() as uow:  # a write moves the revision for this reader too
        await uow.directory.remove_employee("bob")
        await uow.commit()
    async with reader() as read:
        assert await read.directory.revision() != revision
        assert [p.id for p in (await read.directory.load_names())[1]] == ["zoe", "al"]


@pytest.mark.parametrize(
    ("url", "readable"),
    [
        ("sqlite+aiosqlite:////data/switchboard.db", True),
        ("sqlite+aiosqlite:///relative.db", True),
        ("postgresql+asyncpg://postgres@127.0.0.1:5432/switchboard", True),
        ("sqlite+aiosqlite://", False),  # in memory
        ("sqlite+aiosqlite:///:memory:", False),
        ("sqlite+aiosqlite:///file:x.db?mode=ro&uri=true", False),
        ("postgresql+asyncpg://u:p%40ss@db/switchboard", False),  # an escape
        ("postgresql+asyncpg://db/switchboard?ssl=require", False),  # options
        ("postgresql://db/switchboard", False),  # not a driver we configure
    ],
)
def test_only_plain_urls_are_read_by_the_driver(url: str, readable: bool) -> None:
    assert (reader_for(url) is not None) is readable


async def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    with pytest.raises(FileNotFoundError):
        async with SqliteNames(missing):
            pass
    assert not missing.exists()


async def test_a_schema_not_migrated_fails_for_the_storage_adapter_to_take_over(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")  # an empty file is an empty SQLite database
    async with SqliteNames(empty) as read:
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            await read.directory.revision()


async def test_a_resolver_from_either_reader_answers_the_same(
    storage: Storage, database_url: str
) -> None:
    reader = reader_for(database_url)
    assert reader is not None
    async with storage.reading_unit_of_work() as uow:
        full = Resolver.from_people(*await uow.directory.load_names())
    async with reader() as read:
        light = Resolver.from_people(*await read.directory.load_names())
    queries = ["zoe", "Zo", "bob oneil", "big al", "someone in commercial", "the head of it", "x"]
    assert [light.resolve(q).as_json() for q in queries] == [
        full.resolve(q).as_json() for q in queries
    ]
    assert light.resolve("someone in commercial").best.name == "Ventes"  # type: ignore[union-attr]
