"""`switchboard config export|restore|diff`: back up the set-up and directory, put it back, compare.

The lead's `config_app` (entrypoints/cli/config.py) calls `register(config_app)`.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import typer

from switchboard.adapters.directory_file import (
    DirectoryFile,
    DirectoryFileError,
    dump_directory_yaml,
    parse_directory_yaml,
)
from switchboard.adapters.provisioning import open_providers
from switchboard.bootstrap import Application
from switchboard.entrypoints.cli._runtime import (
    console,
    fail,
    plain,
    run_with_app,
    settings_or_exit,
)
from switchboard.entrypoints.cli.plan_view import print_report, render_plan, show_progress
from switchboard.entrypoints.cli.setup import EXIT_PENDING, FILE_OPTION, run_async
from switchboard.services.backup import (
    Backup,
    diff_backup,
    export_backup,
    read_backup,
    restore_backup,
)
from switchboard.services.backup_crypto import BackupError
from switchboard.services.directory import import_directory, load_directory
from switchboard.services.provisioning import desired_from_settings, load_options

PASSPHRASE_ENV = "SWITCHBOARD_BACKUP_PASSPHRASE"  # for scripts; otherwise we prompt


def _passphrase(confirm: bool) -> str:
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env:
        return from_env
    return str(typer.prompt("Backup passphrase", hide_input=True, confirmation_prompt=confirm))


async def _directory_yaml(app: Application) -> str | None:
    directory = await load_directory(app.unit_of_work)
    if not directory.employees and not directory.departments:
        return None  # nothing to keep; an empty company would not parse back
    return dump_directory_yaml(directory)


def export_command(
    file: Path | None = typer.Argument(None, help="Where to write (default: standard output)."),
    include_secrets: bool = typer.Option(
        False,
        "--include-secrets",
        help=f"Encrypt the SIP password in (passphrase or {PASSPHRASE_ENV}).",
    ),
    setup_file: Path | None = FILE_OPTION,
) -> None:
    """Write the live Twilio + LiveKit SIP set-up and the directory as one versioned YAML file."""
    settings = settings_or_exit()
    passphrase = _passphrase(confirm=True) if include_secrets else None
    directory = run_with_app(_directory_yaml)

    async def work() -> str:
        options = load_options(setup_file, production=settings.is_production)
        desired = desired_from_settings(settings, options)
        async with open_providers(settings) as providers:
            return await export_backup(
                providers,
                desired,
                exported_at=datetime.now(UTC),
                directory_yaml=directory,
                passphrase=passphrase,
            )

    try:
        text: str = run_async(work())
    except BackupError as exc:
        fail(str(exc))
    if file is None:
        sys.stdout.write(text)
        return
    # Owner-only even when redacted: the file still maps the whole telephony set-up.
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    file.chmod(0o600)  # an existing file keeps its old mode through O_CREAT
    console.print(
        f"wrote {plain(file)}" + (" (secrets encrypted)" if passphrase else " (secrets redacted)")
    )


def _load(file: Path) -> Backup:
    try:
        text = file.read_text(encoding="utf-8")
        backup = read_backup(text)
        if backup.encrypted:
            backup = read_backup(text, _passphrase(confirm=False))
    except OSError as exc:
        fail(f"{file}: cannot read ({exc.strerror})")
    except BackupError as exc:
        fail(f"{file}: {exc}")
    return backup


def restore_command(
    file: Path = typer.Argument(..., help="A file written by `config export`."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan; change nothing."),
    adopt: bool = typer.Option(False, "--adopt", help="Take over matching resources."),
    with_directory: bool = typer.Option(
        True, "--directory/--no-directory", help="Also replace the directory with the backup's."
    ),
) -> None:
    """Put the backup's set-up back through plan/apply (and its directory, unless told not to)."""
    backup = _load(file)
    settings = settings_or_exit()
    directory = None
    if with_directory and backup.directory_yaml:
        try:  # check it before anything changes
            directory = parse_directory_yaml(
                backup.directory_yaml, f"{file}: directory", settings.default_region
            )
        except DirectoryFileError as exc:
            fail(f"nothing was changed:\n{exc}")

    async def work() -> None:
        async with open_providers(settings) as providers:
            plan, report = await restore_backup(
                providers, backup, dry_run=dry_run, adopt=adopt, progress=show_progress
            )
        console.print(render_plan(plan, title=f"Restore from {plain(file)}"))
        if report is not None:
            print_report(report)
        elif dry_run:
            console.print("dry run: nothing was changed")

    run_async(work())
    if directory is not None and not dry_run:
        parsed = DirectoryFile(directory, directory.employees)
        report = run_with_app(lambda app: import_directory(app.unit_of_work, parsed, replace=True))
        console.print(f"directory restored: {report.employees} employee(s)")


def diff_command(
    file: Path = typer.Argument(..., help="A file written by `config export`."),
) -> None:
    """Show drift between a backup and what is live. Exit 0 when none, 2 when there is drift."""
    backup = read_backup_or_exit(file)
    settings = settings_or_exit()

    async def work() -> bool:
        async with open_providers(settings) as providers:
            plan = await diff_backup(providers, backup)
        console.print(render_plan(plan, title=f"Live compared with {plain(file)}"))
        return plan.in_sync

    if not run_async(work()):
        raise typer.Exit(EXIT_PENDING)
    console.print("[green]no drift[/]")


def read_backup_or_exit(file: Path) -> Backup:
    """The backup without its secrets (diff never needs them)."""
    try:
        return read_backup(file.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(f"{file}: cannot read ({exc.strerror})")
    except BackupError as exc:
        fail(f"{file}: {exc}")


def register(config_app: typer.Typer) -> None:
    """Add `export`, `restore` and `diff` to `switchboard config`."""
    config_app.command("export")(export_command)
    config_app.command("restore")(restore_command)
    config_app.command("diff")(diff_command)
