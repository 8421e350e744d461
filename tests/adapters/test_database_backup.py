"""Database backups on SQLite and PostgreSQL: round trip, a copy under write load, damaged files,
and the restores that must be refused."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import uuid
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, insert, select
from tests.support.postgres import temporary_database

from switchboard.adapters.sqlalchemy import create_engine, head_revision, open_storage
from switchboard.adapters.sqlalchemy.backup import (
    BackupFileError,
    BackupRefused,
    create_backup,
    read_manifest,
    restore_backup,
    verify_backup,
)
from switchboard.adapters.sqlalchemy.migrate import alembic_config
from switchboard.adapters.sqlalchemy.tables import calls

pytestmark = pytest.mark.asyncio


def _needs_pg_tools(url: str) -> None:
    if url.startswith("postgresql") and not (
        shutil.which("pg_dump") and shutil.which("pg_restore")
    ):
        pytest.skip("pg_dump/pg_restore not installed")


async def _add_calls(url: str, n: int, *, prefix: str = "c") -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                insert(calls),
                [
                    {
                        "call_id": f"{prefix}-{uuid.uuid4().hex[:10]}",
                        "started_at": datetime.now(UTC),
                        "caller_number": "+16125550177",
                        "events": [{"at": "t", "kind": "caller", "data": {"text": "hi"}}],
                    }
                    for _ in range(n)
                ],
            )
    finally:
        await engine.dispose()


async def _count_calls(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(calls))).scalar_one())
    finally:
        await engine.dispose()


async def _migrated(url: str) -> None:
    storage = await open_storage(url)
    await storage.dispose()


@pytest.fixture
def second_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """Another empty database of the same kind as `database_url`."""
    if database_url.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{tmp_path / 'other.db'}"
        return
    with temporary_database(os.environ["TEST_DATABASE_URL"]) as url:
        yield url


async def test_a_backup_restores_into_an_empty_database_with_every_row(
    database_url: str, second_url: str, tmp_path: Path
) -> None:
    _needs_pg_tools(database_url)
    await _migrated(database_url)
    await _add_calls(database_url, 25)
    path = tmp_path / "b.zip"

    manifest = await create_backup(database_url, path)

    assert manifest.schema_revision == head_revision()
    assert manifest.tables["calls"] == 25
    assert read_manifest(path) == manifest
    verification = await verify_backup(path, database_url)
    assert verification.ok, verification.mismatches
    await restore_backup(path, second_url)
    assert await _count_calls(second_url) == 25


async def test_a_backup_taken_under_write_load_is_consistent(
    database_url: str, tmp_path: Path
) -> None:
    _needs_pg_tools(database_url)
    await _migrated(database_url)
    await _add_calls(database_url, 50)
    stop, writing = asyncio.Event(), asyncio.Event()
    written = 0

    async def writer() -> None:
        nonlocal written
        while not stop.is_set():
            await _add_calls(database_url, 5, prefix="load")
            written += 5
            if written >= 10:
                writing.set()

    task = asyncio.create_task(writer())
    try:
        await writing.wait()  # the writer is really running before the copy starts
        manifest = await create_backup(database_url, tmp_path / "load.zip")
    finally:
        stop.set()
        await task
    verification = await verify_backup(tmp_path / "load.zip", database_url)
    # Whatever the copy caught of the writes, the manifest and the copy agree exactly.
    assert verification.ok, verification.mismatches
    assert 50 < manifest.tables["calls"] <= 50 + written


async def test_a_damaged_payload_is_caught_by_its_checksum(
    database_url: str, tmp_path: Path
) -> None:
    _needs_pg_tools(database_url)
    await _migrated(database_url)
    await _add_calls(database_url, 3)
    good = tmp_path / "good.zip"
    manifest = await create_backup(database_url, good)
    # Rewrite the archive with the same manifest and a payload changed by one byte.
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        dst.writestr("manifest.json", src.read("manifest.json"))
        payload = bytearray(src.read(manifest.payload))
        payload[len(payload) // 2] ^= 0xFF
        dst.writestr(manifest.payload, bytes(payload))

    with pytest.raises(BackupFileError, match="checksum mismatch"):
        await verify_backup(bad, database_url)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a readable backup"),
        (b"PK\x03\x04 truncated", "not a readable backup"),
        (b"just some text", "not a readable backup"),
    ],
)
async def test_a_file_that_is_no_backup_gets_a_clear_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "x.zip"
    path.write_bytes(content)
    with pytest.raises(BackupFileError, match=message):
        await verify_backup(path)
    with pytest.raises(BackupFileError, match="no such file"):
        await verify_backup(tmp_path / "missing.zip")


async def test_a_truncated_backup_is_refused(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'a.db'}"
    await _migrated(url)
    await _add_calls(url, 200)
    path = tmp_path / "b.zip"
    await create_backup(url, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(BackupFileError):
        await verify_backup(path)
    with pytest.raises(BackupFileError):
        await restore_backup(path, f"sqlite+aiosqlite:///{tmp_path / 'new.db'}")
    assert not (tmp_path / "new.db").exists()


def _rewrite_manifest(path: Path, **changes: object) -> None:
    with zipfile.ZipFile(path) as src:
        manifest = json.loads(src.read("manifest.json"))
        payload_name = manifest["payload"]
        payload = src.read(payload_name)
    manifest.update(changes)
    with zipfile.ZipFile(path, "w") as dst:
        dst.writestr("manifest.json", json.dumps(manifest))
        dst.writestr(payload_name, payload)


async def test_a_backup_from_a_newer_switchboard_is_refused(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'a.db'}"
    await _migrated(url)
    path = tmp_path / "b.zip"
    await create_backup(url, path)
    _rewrite_manifest(path, schema_revision="0999")
    target = f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"
    with pytest.raises(BackupRefused, match="made by a newer version"):
        await restore_backup(path, target)
    assert not (tmp_path / "new.db").exists()


async def test_restoring_an_older_backup_onto_a_newer_schema_is_refused(tmp_path: Path) -> None:
    old = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(old)
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), "0004"))
    await engine.dispose()
    path = tmp_path / "old.zip"
    assert (await create_backup(old, path)).schema_revision == "0004"
    current = f"sqlite+aiosqlite:///{tmp_path / 'current.db'}"
    await _migrated(current)
    await _add_calls(current, 2)

    with pytest.raises(BackupRefused, match="newer than the backup's 0004"):
        await restore_backup(path, current, replace=True)
    assert await _count_calls(current) == 2  # untouched

    # Into an empty database it goes, and is migrated up to this version's schema.
    fresh = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    await restore_backup(path, fresh)
    storage = await open_storage(fresh, migrate=False)
    try:
        assert await storage.is_ready()
    finally:
        await storage.dispose()


async def test_restoring_over_data_needs_replace(
    database_url: str, second_url: str, tmp_path: Path
) -> None:
    _needs_pg_tools(database_url)
    await _migrated(database_url)
    await _add_calls(database_url, 4)
    path = tmp_path / "b.zip"
    await create_backup(database_url, path)
    await _migrated(second_url)
    await _add_calls(second_url, 9)

    with pytest.raises(BackupRefused, match="--replace"):
        await restore_backup(path, second_url)
    assert await _count_calls(second_url) == 9
    await restore_backup(path, second_url, replace=True)
    assert await _count_calls(second_url) == 4


async def test_a_backup_restores_only_into_its_own_kind_of_database(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'a.db'}"
    await _migrated(url)
    path = tmp_path / "b.zip"
    await create_backup(url, path)
    with pytest.raises(BackupRefused, match="sqlite backup"):
        await restore_backup(path, "postgresql+asyncpg://nobody@127.0.0.1:1/none")
