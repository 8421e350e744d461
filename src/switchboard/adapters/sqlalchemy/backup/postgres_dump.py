"""PostgreSQL through `pg_dump` / `pg_restore` (custom format), run as subprocesses.

`dump` exports a snapshot from a REPEATABLE READ transaction, counts every table in it, and has
pg_dump read that same snapshot (`--snapshot`), so the counts in the manifest are exactly what
the dump holds even while calls and webhooks keep writing.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from switchboard.adapters.sqlalchemy.engine import create_engine
from switchboard.adapters.sqlalchemy.errors import StorageError

_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise StorageError(
            f"{name} is not installed: PostgreSQL backups need the PostgreSQL client tools "
            f"(Debian/Ubuntu: apt-get install postgresql-client) at the server's major version"
        )
    return found


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """(a libpq connection URL without the password, the environment carrying it)."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


async def _run(*argv: str, env: dict[str, str]) -> None:
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env
    )
    _, err = await process.communicate()
    if process.returncode != 0:
        detail = err.decode(errors="replace").strip().splitlines()
        raise StorageError(f"{Path(argv[0]).name} failed: {' | '.join(detail[-3:]) or 'no output'}")


async def count_tables(connection: AsyncConnection) -> tuple[str | None, dict[str, int]]:
    names = [row[0] for row in await connection.execute(text(_TABLES))]
    counts: dict[str, int] = {}
    for name in names:
        quoted = connection.dialect.identifier_preparer.quote(name)
        counts[name] = int(
            (await connection.execute(text(f"SELECT count(*) FROM {quoted}"))).scalar_one()
        )
    revision = None
    if "alembic_version" in counts:
        revision = (
            await connection.execute(text("SELECT version_num FROM alembic_version"))
        ).scalar()
    return revision, counts


async def dump(url: str, payload: Path) -> tuple[str | None, dict[str, int]]:
    """pg_dump the database at `url` into `payload`; returns (revision, counts) of the same snapshot."""
    pg_dump = _tool("pg_dump")
    target, env = _libpq(url)
    engine = create_engine(url)
    try:
        async with engine.connect() as plain:
            connection = await plain.execution_options(isolation_level="REPEATABLE READ")
            async with connection.begin():
                exported = await connection.execute(text("SELECT pg_export_snapshot()"))
                snapshot = str(exported.scalar_one())
                revision, counts = await count_tables(connection)
                # The exporting transaction stays open until pg_dump has read everything.
                await _run(
                    pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                    f"--snapshot={snapshot}", f"--file={payload}", f"--dbname={target}", env=env,
                )  # fmt: skip
    finally:
        await engine.dispose()
    return revision, counts


async def restore(payload: Path, url: str) -> None:
    """pg_restore `payload` into the database at `url` in one transaction (all or nothing)."""
    pg_restore = _tool("pg_restore")
    target, env = _libpq(url)
    await _run(
        pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
        "--clean", "--if-exists", f"--dbname={target}", str(payload), env=env,
    )  # fmt: skip


async def inspect(url: str) -> tuple[str | None, dict[str, int]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await count_tables(connection)
    finally:
        await engine.dispose()


@asynccontextmanager
async def scratch_database(url: str) -> AsyncIterator[str]:
    """A new, empty database on the server of `url`, dropped afterwards (needs CREATEDB)."""
    name = f"switchboard_verify_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    try:
        async with admin.connect() as plain:
            connection = await plain.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(url).set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as plain:
                connection = await plain.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()
