"""SQLite through its online backup API: a consistent page copy while other connections write.

Blocking calls (the sqlite3 module): callers run these in a thread (`asyncio.to_thread`).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from switchboard.adapters.sqlalchemy.errors import StorageError

BUSY_TIMEOUT_S = 30.0  # a copy waits this long for a writer holding the lock


def sqlite_file(url: str) -> Path:
    """The database file of a sqlite URL (an in-memory database has none to back up)."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise StorageError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


@contextlib.contextmanager
def _open(path: Path, *, read_only: bool) -> Iterator[sqlite3.Connection]:
    uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open SQLite database {path}: {exc}") from exc
    try:
        yield connection
    finally:
        connection.close()


def copy_database(source: Path, destination: Path) -> None:
    """Copy `source` into `destination` (replacing its content) in one consistent step."""
    if not source.exists():
        raise StorageError(f"no SQLite database at {source}")
    with _open(source, read_only=True) as src, _open(destination, read_only=False) as dst:
        try:
            src.backup(dst)  # pages=-1: every page in one step, under one read snapshot
        except sqlite3.Error as exc:
            raise StorageError(f"SQLite backup {source} -> {destination} failed: {exc}") from exc


def inspect(path: Path) -> tuple[str | None, dict[str, int]]:
    """(schema revision, {table: rows}) of a SQLite file, after an integrity check."""
    with _open(path, read_only=True) as db:
        try:
            verdict = db.execute("PRAGMA integrity_check").fetchone()
            if not verdict or verdict[0] != "ok":
                raise StorageError(f"{path}: SQLite integrity check failed: {verdict}")
            names = [
                row[0]
                for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            counts = {n: db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
            revision = None
            if "alembic_version" in counts:
                row = db.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"{path}: not a readable SQLite database ({exc})") from exc
    return revision, counts
