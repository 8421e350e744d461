"""Schema migrations (Alembic), shipped inside the package and configured in code.

`upgrade_database` is safe on every start: it does nothing at head, and concurrent callers
queue (a PostgreSQL advisory lock; SQLite's write lock) instead of racing.

Alembic is imported where it is used: opening storage without migrating (`directory resolve`'s
quick path) must not pay for it (with the PostgreSQL dialect it loads, a fifth of that
command's start-up).
"""

from __future__ import annotations

import asyncio
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sqlalchemy import make_url, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from switchboard.adapters.sqlalchemy.engine import create_engine
from switchboard.adapters.sqlalchemy.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 0x5357_4D49_4752  # "SWMIGR": PostgreSQL advisory lock key


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config without an ini file; env.py reads the connection from `attributes`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The latest revision shipped with this version of Switchboard."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise StorageError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    from alembic.runtime.migration import MigrationContext

    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


async def is_up_to_date(engine: AsyncEngine) -> bool:
    """True when the database is at the latest revision (for /readyz)."""
    return await current_revision(engine) == head_revision()


# Alembic keeps its migration context in a module global, so two upgrades interleaving on one event
# loop (e.g. several simulated calls opening their own stores) would corrupt each other's context.
_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _loop_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _LOCKS.get(loop)
    if lock is None:
        lock = _LOCKS[loop] = asyncio.Lock()
    return lock


async def upgrade_database(url_or_engine: str | AsyncEngine) -> None:
    """Apply every pending migration in one transaction (a no-op when already at head).

    Upgrades in one process run one at a time (Alembic's context is global)."""
    async with _loop_lock():
        await _upgrade_database(url_or_engine)


async def _upgrade_database(url_or_engine: str | AsyncEngine) -> None:
    if isinstance(url_or_engine, str):
        engine = create_engine(url_or_engine)
        try:
            await _upgrade(engine)
        finally:
            await engine.dispose()
    else:
        await _upgrade(url_or_engine)


async def _upgrade(engine: AsyncEngine) -> None:
    from alembic import command

    async with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds tables (copy, drop, rename); with foreign keys on, dropping a
            # referenced table would cascade or fail. The pragma is ignored inside a transaction.
            await _outside_transaction(connection, "PRAGMA foreign_keys = OFF")
        try:
            async with connection.begin():
                if connection.dialect.name == "postgresql":
                    await connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                    )
                await connection.run_sync(
                    lambda sync: command.upgrade(alembic_config(sync), "head")
                )
                if sqlite:
                    await _check_foreign_keys(connection)
        finally:
            if sqlite:
                await _restore_foreign_keys(connection)


async def _outside_transaction(connection: AsyncConnection, sql: str) -> None:
    def run(sync: Connection) -> None:
        # The raw DBAPI connection, so SQLAlchemy does not BEGIN first (see engine.py).
        cursor = sync.connection.cursor()
        try:
            cursor.execute(sql)
        finally:
            cursor.close()

    await connection.run_sync(run)


async def _restore_foreign_keys(connection: AsyncConnection) -> None:
    try:
        await _outside_transaction(connection, "PRAGMA foreign_keys = ON")
    except BaseException:
        # Never hand a connection without foreign keys back to the pool.
        await connection.invalidate()
        raise


async def _check_foreign_keys(connection: AsyncConnection) -> None:
    problems = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
    if problems:
        raise StorageError(f"migration left broken foreign keys, rolled back: {problems[:5]}")


async def schema_state(url: str) -> Literal["missing", "behind", "current"]:
    """Where the database at `url` stands, without changing anything: "missing" when it is a
    SQLite file that does not exist (opening it would create it), "behind" when it is not at the
    latest migration, else "current"."""
    parsed = make_url(url)
    sqlite_file = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if sqlite_file and not await asyncio.to_thread(Path(sqlite_file).exists):
        return "missing"
    engine = create_engine(url)
    try:
        return "current" if await is_up_to_date(engine) else "behind"
    finally:
        await engine.dispose()
