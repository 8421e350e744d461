"""Create, verify and restore a database backup (see the package docstring for the file)."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from switchboard import __version__
from switchboard.adapters.sqlalchemy.backup import postgres_dump, sqlite_copy
from switchboard.adapters.sqlalchemy.backup.archive import (
    Manifest,
    extract_payload,
    read_manifest,
    write_archive,
)
from switchboard.adapters.sqlalchemy.errors import StorageError
from switchboard.adapters.sqlalchemy.migrate import alembic_config, upgrade_database


class BackupRefused(StorageError):
    """A restore that would lose or corrupt data, refused before anything was changed."""


@dataclass(frozen=True, slots=True)
class Verification:
    """A backup restored into a scratch database: what the manifest says and what came back."""

    manifest: Manifest
    restored: dict[str, int]

    @property
    def mismatches(self) -> dict[str, tuple[int, int | None]]:
        """{table: (rows in the manifest, rows restored or None when missing)}."""
        return {
            name: (rows, self.restored.get(name))
            for name, rows in self.manifest.tables.items()
            if self.restored.get(name) != rows
        }

    @property
    def ok(self) -> bool:
        return not self.mismatches


def database_kind(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StorageError(f"backups support SQLite and PostgreSQL, not {backend}")
    return backend


def known_revisions() -> list[str]:
    """Every schema revision this version of Switchboard knows, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def create_backup(url: str, path: Path) -> Manifest:
    """Back up the database at `url` into the file `path` (written atomically)."""
    kind = database_kind(url)
    with tempfile.TemporaryDirectory(prefix="switchboard-backup-") as work:
        payload = Path(work) / "payload"
        if kind == "sqlite":
            source = sqlite_copy.sqlite_file(url)
            await asyncio.to_thread(sqlite_copy.copy_database, source, payload)
            revision, counts = await asyncio.to_thread(sqlite_copy.inspect, payload)
        else:
            revision, counts = await postgres_dump.dump(url, payload)
        if revision is None:
            raise StorageError("the database has no schema yet: nothing to back up")
        manifest = Manifest(
            database=kind,
            schema_revision=revision,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            tables=counts,
            switchboard_version=__version__,
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        return await asyncio.to_thread(write_archive, path, manifest, payload)


async def verify_backup(path: Path, server_url: str | None = None) -> Verification:
    """Restore the backup at `path` into a scratch database and count every table again.

    A SQLite backup needs nothing else; a PostgreSQL one needs `server_url` (a database URL on
    a server where this user may create databases): the scratch database is dropped after."""
    manifest = await asyncio.to_thread(read_manifest, path)
    with tempfile.TemporaryDirectory(prefix="switchboard-verify-") as work:
        payload = await asyncio.to_thread(extract_payload, path, manifest, Path(work))
        if manifest.database == "sqlite":
            scratch = Path(work) / "scratch.sqlite3"
            await asyncio.to_thread(sqlite_copy.copy_database, payload, scratch)
            revision, counts = await asyncio.to_thread(sqlite_copy.inspect, scratch)
        else:
            if server_url is None or database_kind(server_url) != "postgresql":
                raise StorageError(
                    "verifying a PostgreSQL backup needs DATABASE_URL on a PostgreSQL server "
                    "(a scratch database is created there and dropped)"
                )
            async with postgres_dump.scratch_database(server_url) as scratch_url:
                await postgres_dump.restore(payload, scratch_url)
                revision, counts = await postgres_dump.inspect(scratch_url)
    if revision != manifest.schema_revision:
        raise StorageError(
            f"{path}: restored schema {revision} but the manifest says {manifest.schema_revision}"
        )
    return Verification(manifest, counts)


async def _target_state(url: str, kind: str) -> tuple[str | None, int]:
    """(schema revision, rows outside alembic_version) of the database a restore would replace."""
    if kind == "sqlite":
        file = sqlite_copy.sqlite_file(url)
        if not file.exists() or file.stat().st_size == 0:
            return None, 0
        revision, counts = await asyncio.to_thread(sqlite_copy.inspect, file)
    else:
        revision, counts = await postgres_dump.inspect(url)
    return revision, sum(n for table, n in counts.items() if table != "alembic_version")


async def restore_backup(path: Path, url: str, *, replace: bool = False) -> Manifest:
    """Replace the database at `url` with the backup at `path`, then migrate it to this version.

    Refused (BackupRefused, nothing changed) when: the backup is of another database kind; it was
    made by a newer Switchboard (a schema this version does not know); the database is at a newer
    schema than the backup (restore into an empty database instead: it is migrated up after); or
    the database holds data and `replace` is False. Stop `serve`, `worker` and the agent first."""
    kind = database_kind(url)
    manifest = await asyncio.to_thread(read_manifest, path)
    if manifest.database != kind:
        raise BackupRefused(
            f"{path} is a {manifest.database} backup; DATABASE_URL is {kind}: restore it into "
            f"a {manifest.database} database"
        )
    known = known_revisions()
    if manifest.schema_revision not in known:
        raise BackupRefused(
            f"{path} has schema {manifest.schema_revision}, which this Switchboard ({__version__})"
            " does not know: it was made by a newer version; upgrade Switchboard first"
        )
    revision, rows = await _target_state(url, kind)
    if revision is not None and revision not in known:
        raise BackupRefused(f"the database is at schema {revision}, unknown to this version")
    if revision is not None and known.index(revision) > known.index(manifest.schema_revision):
        raise BackupRefused(
            f"the database is at schema {revision}, newer than the backup's "
            f"{manifest.schema_revision}: restoring onto it would put old-schema data under "
            "newer code. Restore into an empty database instead (it is migrated up afterwards)"
        )
    if rows and not replace:
        raise BackupRefused(
            f"the database holds {rows} rows that the restore would replace: pass --replace "
            "(after a backup of them) to go ahead"
        )
    with tempfile.TemporaryDirectory(prefix="switchboard-restore-") as work:
        payload = await asyncio.to_thread(extract_payload, path, manifest, Path(work))
        if kind == "sqlite":
            target = sqlite_copy.sqlite_file(url)
            target.parent.mkdir(parents=True, exist_ok=True)
            await asyncio.to_thread(sqlite_copy.copy_database, payload, target)
        else:
            await postgres_dump.restore(payload, url)
    await upgrade_database(url)
    return manifest
