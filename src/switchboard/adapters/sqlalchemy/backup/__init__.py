"""Database backups: a consistent copy of everything Switchboard stores, in one checked file.

A backup is a zip archive holding `manifest.json` and one payload: the SQLite database file, made
with SQLite's online backup API (a consistent copy while `serve` and the agent write), or a
`pg_dump --format=custom` archive of the PostgreSQL database taken in one snapshot. The manifest
records the database kind, the schema revision, each table's row count in that same snapshot, and
the payload's SHA-256, so `verify` can prove a backup restores to what was backed up.

    create_backup(url, path)   -> Manifest
    verify_backup(path, url)   -> Verification (restored into a scratch database, counts compared)
    restore_backup(path, url)  -> Manifest     (refuses a newer or unknown schema, see `restore`)
"""

from switchboard.adapters.sqlalchemy.backup.archive import (
    BackupFileError,
    Manifest,
    read_manifest,
)
from switchboard.adapters.sqlalchemy.backup.operations import (
    BackupRefused,
    Verification,
    create_backup,
    restore_backup,
    verify_backup,
)

__all__ = [
    "BackupFileError",
    "BackupRefused",
    "Manifest",
    "Verification",
    "create_backup",
    "read_manifest",
    "restore_backup",
    "verify_backup",
]
