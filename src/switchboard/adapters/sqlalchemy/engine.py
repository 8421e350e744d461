"""Async engines for SQLite (aiosqlite, the embedded default) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from switchboard.domain.errors import InvalidValue

SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
SQLITE_BUSY_TIMEOUT_MS = 10_000
IDLE_TX_MS = "60000"
READ_ONLY = "switchboard_read_only"  # execution option set by `reading`


def create_engine(url: str) -> AsyncEngine:
    """An engine for `url` (sqlite+aiosqlite:// or postgresql+asyncpg://).

    SQLite: the file's folder is created, and every connection gets foreign keys, WAL and a busy
    timeout; every transaction starts with BEGIN IMMEDIATE so concurrent writers queue instead of
    failing with "database is locked" halfway through. An in-memory SQLite database
    (`sqlite+aiosqlite://`) is one shared connection: fine for one unit of work at a time only.
    """
    parsed = make_url(url)
    if parsed.drivername not in SUPPORTED_DRIVERS:
        raise InvalidValue(
            f"unsupported database driver {parsed.drivername!r}: use one of "
            + ", ".join(f"{d}://" for d in SUPPORTED_DRIVERS)
        )
    options: dict[str, Any] = {"json_serializer": _json_dumps}
    if parsed.drivername.startswith("sqlite"):
        _create_parent_folder(parsed)
        engine = create_async_engine(parsed, **options)
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_on_begin)
        return engine
    # Servers restart and proxies drop idle connections: check before handing one out. A
    # transaction left open by a task that died mid-way must not hold its row locks for ever:
    # the server ends it after a minute (no unit of work here sits idle inside a transaction).
    return create_async_engine(
        parsed,
        pool_pre_ping=True,
        connect_args={"server_settings": {"idle_in_transaction_session_timeout": IDLE_TX_MS}},
        **options,
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for units of work; objects stay readable after commit (no lazy reloads)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def is_sqlite(engine: AsyncEngine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


def _json_dumps(value: object) -> str:
    # Keep accents readable when someone opens the database by hand.
    return json.dumps(value, ensure_ascii=False)


def json_text(value: object) -> str | None:
    """A JSON column's value as the engine writes it (None stays SQL NULL); the empty list and
    mapping, most rows' aliases and extras, skip the encoder."""
    if value is None:
        return None
    if not value and isinstance(value, list | dict):
        return "[]" if isinstance(value, list) else "{}"
    return _json_dumps(value)


def _create_parent_folder(url: URL) -> None:
    database = url.database or ""
    if (
        not database
        or database == ":memory:"
        or url.query.get("uri")
        or database.startswith("file:")
    ):
        return
    Path(database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # The sqlite3 driver's legacy transaction handling skips BEGIN for SELECT, DDL and SAVEPOINT;
    # turn it off and let `_sqlite_on_begin` open every transaction (SQLAlchemy's documented recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        # busy_timeout first: switching to WAL itself may have to wait for another connection.
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        _enable_wal(cursor)
        cursor.execute("PRAGMA foreign_keys = ON")
        # synchronous stays at its default (FULL): a taken message must survive a power cut.
    finally:
        cursor.close()


def _enable_wal(cursor: Any) -> None:
    # WAL is a property of the file, so one successful switch is enough. Switching needs an
    # exclusive lock and SQLite may refuse it at once, without the busy timeout, while another
    # connection opens the same new file; that connection is then the one switching it.
    try:
        cursor.execute("PRAGMA journal_mode = WAL")
    except Exception as exc:
        if "locked" not in str(exc):
            raise


def reading(engine: AsyncEngine) -> AsyncEngine:
    """`engine` for work that only reads: on SQLite its transactions do not take the write lock,
    so they never queue behind writers (WAL readers see the last commit). Same pool; on
    PostgreSQL nothing changes. Writing through it is a bug, and SQLite may refuse it (busy)."""
    return engine.execution_options(**{READ_ONLY: True})


def _sqlite_on_begin(connection: Connection) -> None:
    # IMMEDIATE takes the write lock up front; a deferred transaction that reads and then writes
    # fails at once (SQLITE_BUSY) when another connection wrote in between, busy timeout or not.
    # Read-only work (`reading`) begins deferred and never waits for the lock.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
