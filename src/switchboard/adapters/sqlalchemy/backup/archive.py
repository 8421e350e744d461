"""The backup file: a zip with `manifest.json` and one payload, checked by SHA-256."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from switchboard.adapters.sqlalchemy.errors import StorageError

FORMAT = "switchboard-database-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PAYLOADS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupFileError(StorageError):
    """The file is not a readable Switchboard backup (corrupt, truncated, tampered or foreign)."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a backup holds. `tables` maps each table to its row count at the moment of the copy."""

    database: str  # "sqlite" | "postgresql"
    schema_revision: str
    created_at: str  # ISO-8601, UTC
    tables: dict[str, int]
    sha256: str = ""
    payload: str = ""
    switchboard_version: str = ""
    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_archive(path: Path, manifest: Manifest, payload: Path) -> Manifest:
    """Write `payload` and its manifest (with the payload's checksum) to `path`, atomically."""
    done = Manifest(
        **{**asdict(manifest), "sha256": sha256_of(payload), "payload": PAYLOADS[manifest.database]}
    )
    partial = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps(asdict(done), indent=2, sort_keys=True))
        archive.write(payload, done.payload)
    partial.replace(path)  # a crash mid-write never leaves a half backup under the real name
    return done


def read_manifest(path: Path) -> Manifest:
    """The manifest of the backup at `path`; BackupFileError when it is not one."""
    try:
        with zipfile.ZipFile(path) as archive:
            raw = archive.read(MANIFEST)
    except FileNotFoundError:
        raise BackupFileError(f"{path}: no such file") from None
    except KeyError:
        raise BackupFileError(f"{path}: not a Switchboard backup (no {MANIFEST})") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupFileError(f"{path}: not a readable backup ({exc})") from None
    try:
        data = json.loads(raw)
        if data.get("format") != FORMAT:
            raise BackupFileError(f"{path}: not a Switchboard database backup")
        if data.get("format_version") != FORMAT_VERSION:
            raise BackupFileError(
                f"{path}: backup format {data.get('format_version')} is not one this version "
                f"reads ({FORMAT_VERSION}); use the Switchboard that made it"
            )
        manifest = Manifest(**data)
    except (ValueError, TypeError) as exc:
        raise BackupFileError(f"{path}: its manifest is damaged ({exc})") from None
    if manifest.database not in PAYLOADS or manifest.payload != PAYLOADS[manifest.database]:
        raise BackupFileError(f"{path}: its manifest names an unknown database or payload")
    return manifest


def extract_payload(path: Path, manifest: Manifest, into: Path) -> Path:
    """Extract the payload into the folder `into` and check its SHA-256 against the manifest."""
    target = into / manifest.payload
    try:
        with (
            zipfile.ZipFile(path) as archive,
            archive.open(manifest.payload) as source,
            target.open("wb") as sink,
        ):
            for block in iter(lambda: source.read(1 << 20), b""):
                sink.write(block)
    except KeyError:
        raise BackupFileError(f"{path}: the payload {manifest.payload} is missing") from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BackupFileError(f"{path}: the payload cannot be read ({exc})") from None
    actual = sha256_of(target)
    if actual != manifest.sha256:
        raise BackupFileError(
            f"{path}: checksum mismatch (payload {actual[:12]}…, manifest {manifest.sha256[:12]}…):"
            " the file is damaged or was changed"
        )
    return target
