"""Migrations and engines on SQLite and PostgreSQL: upgrade, idempotence, drift, readiness."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from switchboard.adapters.sqlalchemy import (
    ConstraintViolation,
    create_engine,
    current_revision,
    head_revision,
    is_up_to_date,
    metadata,
    open_storage,
    upgrade_database,
)
from switchboard.adapters.sqlalchemy.migrate import alembic_config
from switchboard.domain.directory import CompanyProfile, Department, Directory, Employee


def schema_of(sync: Connection) -> dict[str, list[str]]:
    inspector = inspect(sync)
    return {
        table: sorted(
            [c["name"] for c in inspector.get_columns(table)]
            + [i["name"] or "" for i in inspector.get_indexes(table)]
            + [f["name"] or "" for f in inspector.get_foreign_keys(table)]
        )
        for table in sorted(inspector.get_table_names())
    }


async def schema(engine: AsyncEngine) -> dict[str, list[str]]:
    async with engine.connect() as connection:
        return await connection.run_sync(schema_of)


async def test_there_is_exactly_one_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert heads == [head_revision()]


async def test_upgrade_brings_a_fresh_database_to_head(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert await current_revision(engine) is None
        assert not await is_up_to_date(engine)

        await upgrade_database(engine)

        assert await current_revision(engine) == head_revision()
        assert await is_up_to_date(engine)
        assert set(await schema(engine)) >= {"company_profile", "departments", "employees"}
    finally:
        await engine.dispose()


async def test_upgrading_twice_is_a_no_op(database_url: str) -> None:
    storage = await open_storage(database_url)
    try:
        async with storage.unit_of_work() as uow:
            await uow.directory.replace(
                Directory(CompanyProfile("Acme"), (), (Employee("a", "Ann", "+13125550100"),))
            )
            await uow.commit()
        before = await schema(storage.engine)

        await upgrade_database(storage.engine)
        await upgrade_database(database_url)  # by URL, as `switchboard db upgrade` does

        assert await schema(storage.engine) == before
        async with storage.unit_of_work() as uow:
            assert [e.id for e in (await uow.directory.load()).employees] == ["a"]
    finally:
        await storage.dispose()


async def test_concurrent_upgrades_on_a_fresh_database_both_succeed(database_url: str) -> None:
    await asyncio.gather(upgrade_database(database_url), upgrade_database(database_url))
    engine = create_engine(database_url)
    try:
        assert await is_up_to_date(engine)
    finally:
        await engine.dispose()


async def test_migrations_match_the_tables_module(database_url: str) -> None:
    """A new table or column in tables.py needs a migration; this fails until it has one."""
    engine = create_engine(database_url)
    try:
        await upgrade_database(engine)
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
            )
    finally:
        await engine.dispose()
    assert diff == []


async def test_migrations_downgrade_to_nothing_and_upgrade_again(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade_database(engine)
        async with engine.begin() as connection:
            await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), "base"))
        assert await current_revision(engine) is None
        assert set(await schema(engine)) <= {"alembic_version"}
        await upgrade_database(engine)
        assert await is_up_to_date(engine)
    finally:
        await engine.dispose()


async def test_open_storage_without_migrating_is_not_ready(database_url: str) -> None:
    storage = await open_storage(database_url, migrate=False)
    try:
        assert not await storage.is_ready()
        await upgrade_database(storage.engine)
        assert await storage.is_ready()
    finally:
        await storage.dispose()


async def test_an_unreachable_database_is_not_ready() -> None:
    storage = await open_storage("postgresql+asyncpg://nobody@127.0.0.1:9/none", migrate=False)
    try:
        assert not await storage.is_ready()
    finally:
        await storage.dispose()


async def test_open_storage_fails_loudly_when_it_cannot_migrate() -> None:
    with pytest.raises(ConnectionRefusedError):
        await open_storage("postgresql+asyncpg://nobody@127.0.0.1:9/none")


async def test_sqlite_gets_its_folder_and_its_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "switchboard.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade_database(engine)  # runs with foreign keys off; they must be back on after
        async with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert (await pragma("PRAGMA foreign_keys")).scalar() == 1
            assert (await pragma("PRAGMA journal_mode")).scalar() == "wal"
            assert (await pragma("PRAGMA busy_timeout")).scalar() == 10_000
    finally:
        await engine.dispose()
    assert path.is_file()


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///x.db",
        "postgresql://u@h/db",
        "postgresql+psycopg://u@h/db",
        "mysql+aiomysql://h/d",
    ],
)
def test_synchronous_or_unknown_drivers_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="unsupported database driver"):
        create_engine(url)


REBUILD_DEPARTMENTS = """
import sqlalchemy as sa
from alembic import op

revision = "test_rebuild"
down_revision = {down!r}


def upgrade():
    with op.batch_alter_table("departments", recreate="always") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
"""


async def test_sqlite_table_rebuilds_keep_referencing_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite batch migrations drop and recreate tables; with foreign keys on, that fails."""
    from switchboard.adapters.sqlalchemy import migrate

    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    storage = await open_storage(url)
    async with storage.unit_of_work() as uow:
        await uow.directory.replace(
            Directory(
                CompanyProfile("Acme"),
                (Department("it", "IT"),),
                (Employee("a", "Ann", "+13125550100", department="it"),),
            )
        )
        await uow.commit()
    extra = tmp_path / "versions"
    extra.mkdir()
    (extra / "test_rebuild.py").write_text(REBUILD_DEPARTMENTS.format(down=head_revision()))

    def config_with_extra_versions(connection: Connection | None = None) -> Config:
        config = alembic_config(connection)
        config.set_main_option("path_separator", "os")
        config.set_main_option(
            "version_locations",
            os.pathsep.join([str(migrate.MIGRATIONS_DIR / "versions"), str(extra)]),
        )
        return config

    monkeypatch.setattr(migrate, "alembic_config", config_with_extra_versions)
    try:
        await upgrade_database(storage.engine)
        assert await current_revision(storage.engine) == "test_rebuild"
        async with storage.unit_of_work() as uow:
            assert (await uow.directory.load()).front_contact("it") is not None
            with pytest.raises(ConstraintViolation):  # and foreign keys are enforced again
                await uow.directory.save_employee(
                    Employee("b", "B", "+13125550101", department="x")
                )
    finally:
        await storage.dispose()
