"""`switchboard backup create|verify|restore` (the database) and `switchboard purge` (retention).

`config export` backs up the set-up; these back up and prune the data itself: messages,
notifications, call records, the directory. Neither opens the application (which would migrate the
database first): a restore must see the database exactly as it is.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.markup import escape

from switchboard.adapters.sqlalchemy import StorageError, create_engine
from switchboard.adapters.sqlalchemy.backup import (
    Manifest,
    create_backup,
    restore_backup,
    verify_backup,
)
from switchboard.adapters.sqlalchemy.purge import SqlAlchemyPersonalData
from switchboard.adapters.voice.recordings import RecordingFolder
from switchboard.domain.retention import DataKind
from switchboard.entrypoints.cli._runtime import console, fail, settings_or_exit
from switchboard.ports.clock import SystemClock
from switchboard.services import retention

backup_app = typer.Typer(
    help="Back up, verify and restore the database (messages, calls, directory).",
    no_args_is_help=True,
)


def _default_path() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(f"switchboard-db-{stamp}.zip")


def _summary(manifest: Manifest) -> str:
    tables = ", ".join(f"{name} {rows}" for name, rows in sorted(manifest.tables.items()) if rows)
    return (
        f"{manifest.database}, schema {manifest.schema_revision}, made {manifest.created_at}, "
        f"{manifest.rows} rows ({tables or 'empty'})"
    )


@backup_app.command("create")
def create(
    path: Path = typer.Argument(
        None, metavar="[FILE]", help="Where to write it (default: switchboard-db-<time>.zip)."
    ),
) -> None:
    """Copy the database into one checked file, safely while `serve` and the agent are running."""
    url = settings_or_exit().effective_database_url
    target = path or _default_path()
    try:
        manifest = asyncio.run(create_backup(url, target))
    except StorageError as exc:
        fail(escape(str(exc)))
    console.print(
        f"backup written to {escape(str(target))}: {escape(_summary(manifest))}", highlight=False
    )


@backup_app.command("verify")
def verify(
    path: Path = typer.Argument(..., metavar="FILE", help="A file made by `backup create`."),
) -> None:
    """Check the checksum, restore into a scratch database and compare every table's rows."""
    url = settings_or_exit().effective_database_url
    try:
        result = asyncio.run(verify_backup(path, url))
    except StorageError as exc:
        fail(escape(str(exc)))
    if not result.ok:
        lines = [
            f"  {t}: {want} in the manifest, {got} restored"
            for t, (want, got) in result.mismatches.items()
        ]
        fail(escape(f"{path}: the restored copy differs:\n" + "\n".join(lines)))
    console.print(
        f"{escape(str(path))} is good: {escape(_summary(result.manifest))}", highlight=False
    )


@backup_app.command("restore")
def restore(
    path: Path = typer.Argument(..., metavar="FILE", help="A file made by `backup create`."),
    replace: bool = typer.Option(False, "--replace", help="Replace a database that holds data."),
) -> None:
    """Replace the database with a backup, then migrate it (stop serve, worker, agent first)."""
    url = settings_or_exit().effective_database_url
    try:
        manifest = asyncio.run(restore_backup(path, url, replace=replace))
    except StorageError as exc:
        fail(escape(str(exc)))
    console.print(f"restored {escape(_summary(manifest))}", highlight=False)


def purge(
    older_than: int = typer.Option(
        None,
        "--older-than",
        metavar="DAYS",
        min=1,
        help="Use this period for every kind chosen, instead of the RETENTION_* settings.",
    ),
    kinds: list[DataKind] = typer.Option(
        None,
        "--kind",
        metavar="KIND",
        help="Only this kind (repeatable): calls, transcripts, caller_numbers, recordings, "
        "messages, caller_memory.",
    ),
    apply: bool = typer.Option(
        False, "--apply", help="Delete (without it: only count what would go)."
    ),
) -> None:
    """Delete personal data past its retention period (a dry run unless --apply)."""
    settings = settings_or_exit()
    policy = retention.policy_from_settings(settings).only(
        set(kinds or DataKind), older_than_days=older_than
    )

    async def work() -> dict[DataKind, int]:
        engine = create_engine(settings.effective_database_url)
        try:
            # The database, and the agent's voicemail recordings in VOICEMAIL_DIR on this machine.
            data = retention.AllPersonalData(
                SqlAlchemyPersonalData(engine), RecordingFolder(settings.effective_voicemail_dir)
            )
            return await retention.purge(data, policy, SystemClock(), apply=apply)
        finally:
            await engine.dispose()

    try:
        counts = asyncio.run(work())
    except StorageError as exc:
        fail(escape(str(exc)))
    verb = "purged" if apply else "would purge"
    for kind in DataKind:
        days = policy.days.get(kind, 0)
        if kind not in policy.days:
            continue
        if days == 0:
            console.print(f"{kind.value:15} kept for ever (RETENTION_{kind.value.upper()}_DAYS=0)")
        else:
            console.print(f"{kind.value:15} {verb} {counts.get(kind, 0)} (older than {days} days)")
    if not apply:
        console.print("dry run: nothing was deleted; add --apply to delete")
